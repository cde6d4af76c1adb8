using System.Diagnostics;
using System.Security.Authentication;
using Leitstand.Agent.Keys;

namespace Leitstand.Agent.Install;

/// <summary>
/// <c>doctor</c>: key present, server reachable over TLS (an unauthenticated HEAD on /api/heartbeat: it answers 401
/// and records nothing, so the check never counts as a heartbeat), clock skew from the server's Date header, time zone,
/// the last answer the run loop kept. One German line per check; exit code 1 when a check failed.
/// </summary>
public sealed class RunDoctor(AgentEnvironment environment, TimeProvider time, HttpClient http)
{
    public static readonly TimeSpan AllowedSkew = TimeSpan.FromSeconds(30);

    public async Task<int> ExecuteAsync(string? url, string? keyFile, TextWriter output, CancellationToken cancellationToken)
    {
        var failed = false;
        async Task Report(string level, string text)
        {
            failed |= level == "FEHLER";
            await output.WriteLineAsync($"[{level}] {text}");
        }

        var config = AgentConfig.Read(environment);
        try
        {
            keyFile ??= config?.KeyFile;
            var key = keyFile is not null ? await new KeyFile(keyFile).ReadRequiredAsync(cancellationToken) : await KeyStores.ForPlatform(environment).ReadAsync(cancellationToken);
            var where = keyFile is not null ? $"Datei {keyFile}" : KeyStores.ForPlatform(environment).Description;
            await (key is null
                ? Report("FEHLER", $"Schlüssel: keiner gespeichert ({where}). Speichern mit: leitstand-agent install --key-prompt -- <Befehl>")
                : Report("OK", $"Schlüssel: vorhanden ({AgentKey.DisplayPrefix(key)}, {where})"));
        }
        catch (KeyStoreException e) { await Report("FEHLER", "Schlüssel: " + e.Message); }

        url ??= config?.Url;
        if (url is null)
        {
            await Report("FEHLER", "Leitstand: keine Adresse bekannt. Mit --url angeben, z. B. leitstand-agent doctor --url https://leitstand.example.de");
        }
        else
        {
            Uri? server = null;
            try { server = ServerUrl.Parse(url); }
            catch (AgentSetupException e) { await Report("FEHLER", "Leitstand: " + e.Message); }
            if (server is not null) await CheckServerAsync(server, Report, cancellationToken);
        }

        var zone = TimeZoneInfo.Local;
        var offset = zone.GetUtcOffset(time.GetUtcNow());
        await Report(zone.Id is "Europe/Berlin" or "W. Europe Standard Time" ? "OK" : "HINWEIS",
            $"Zeitzone: {zone.Id} (UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset:hh\\:mm}). Zeitpläne der Workflows gelten in Europe/Berlin.");

        var state = AgentState.Read(environment);
        await Report(state is null ? "HINWEIS" : state.LastHttpStatus is >= 400 ? "FEHLER" : "OK",
            "Letzte Antwort: " + (state?.Describe(time.GetUtcNow().UtcDateTime) ?? "noch keine (läuft der Dienst? leitstand-agent status)"));

        await output.WriteLineAsync(failed ? "Mindestens eine Prüfung ist fehlgeschlagen." : "Alles in Ordnung.");
        return failed ? 1 : 0;
    }

    private async Task CheckServerAsync(Uri server, Func<string, string, Task> report, CancellationToken cancellationToken)
    {
        var tls = server.Scheme == Uri.UriSchemeHttps;
        var target = new Uri(server, "api/heartbeat");
        var sentAt = time.GetUtcNow();
        var watch = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, target), timeout.Token);
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
        {
            await report("FEHLER", $"Leitstand: {server.Host} ist erreichbar, aber das TLS-Zertifikat wird nicht anerkannt (Uhrzeit, Proxy oder Zertifikatsspeicher prüfen).");
            return;
        }
        catch (HttpRequestException e)
        {
            await report("FEHLER", $"Leitstand: {server.Host} ist nicht erreichbar ({e.HttpRequestError}). Netzwerk, Firewall oder Proxy prüfen.");
            return;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await report("FEHLER", $"Leitstand: {server.Host} antwortet nicht innerhalb von 10 s.");
            return;
        }
        using (response)
        {
            var roundTrip = watch.Elapsed;
            await report("OK", $"Leitstand: {server.GetLeftPart(UriPartial.Authority)} erreichbar " +
                (tls ? "über TLS" : "ohne TLS (nur für localhost erlaubt)") + $", Antwort in {roundTrip.TotalMilliseconds:0} ms (HTTP {(int)response.StatusCode})");
            if (response.Headers.Date is not { } serverTime)
            {
                await report("HINWEIS", "Uhrzeit: der Leitstand hat kein Date-Feld geschickt; Abweichung nicht prüfbar.");
                return;
            }
            var localMidpoint = sentAt + roundTrip / 2;
            var skew = localMidpoint - serverTime;
            var seconds = Math.Abs(skew.TotalSeconds);
            var direction = skew > TimeSpan.Zero ? "vor" : "nach";
            await report(skew.Duration() <= AllowedSkew ? "OK" : "FEHLER", skew.Duration() <= AllowedSkew
                ? $"Uhrzeit: weicht höchstens {Math.Max(1, Math.Ceiling(seconds)):0} s vom Leitstand ab"
                : $"Uhrzeit: diese Uhr geht {seconds:0} s {direction} (mehr als {AllowedSkew.TotalSeconds:0} s). Zeitsynchronisation (NTP) einschalten.");
        }
    }
}
