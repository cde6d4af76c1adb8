using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text.Json;
using Leitstand.Agent.Keys;

namespace Leitstand.Agent.Install;

/// <summary>
/// <c>doctor</c>: one German line per check, each <c>[OK]</c> or <c>[FEHLER]</c> (<c>[HINWEIS]</c> where nothing is
/// wrong yet), exit code 1 when a check failed:
/// key present; server reachable over TLS (http only for localhost); key accepted; clock skew from the server's Date
/// header; time zone; the last answer the run loop kept. Reachability, acceptance and the clock come from one
/// <c>GET /api/agent/me</c> with the key: it answers 200 {agent_id, paused} or 401 and records nothing, so the check never
/// counts as a heartbeat of the supervised agent.
/// </summary>
public sealed class RunDoctor(AgentEnvironment environment, TimeProvider time, HttpClient http)
{
    public static readonly TimeSpan AllowedSkew = TimeSpan.FromSeconds(30);
    public const string KeyCheckPath = "api/agent/me";

    public async Task<int> ExecuteAsync(string? url, string? keyFile, TextWriter output, CancellationToken cancellationToken)
    {
        var failed = false;
        async Task Report(string level, string text)
        {
            failed |= level == "FEHLER";
            await output.WriteLineAsync($"[{level}] {text}");
        }

        var config = AgentConfig.Read(environment);
        string? key = null;
        try
        {
            keyFile ??= config?.KeyFile;
            key = keyFile is not null ? await new KeyFile(keyFile).ReadRequiredAsync(cancellationToken) : await KeyStores.ForPlatform(environment).ReadAsync(cancellationToken);
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
            if (server is not null) await CheckServerAsync(server, key, Report, cancellationToken);
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

    private async Task CheckServerAsync(Uri server, string? key, Func<string, string, Task> report, CancellationToken cancellationToken)
    {
        var tls = server.Scheme == Uri.UriSchemeHttps;
        var target = new Uri(new Uri(server.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/"), KeyCheckPath);
        var sentAt = time.GetUtcNow();
        var watch = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var request = new HttpRequestMessage(HttpMethod.Get, target);
            if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            response = await http.SendAsync(request, timeout.Token);
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
            if (key is not null) await ReportKeyAsync(response, report, cancellationToken);

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

    /// <summary>Whether the server accepted the key: 200 with the agent, 401 unknown or revoked, anything else not decided.</summary>
    private static async Task ReportKeyAsync(HttpResponseMessage response, Func<string, string, Task> report, CancellationToken cancellationToken)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                var (agentId, paused) = await AgentAsync(response, cancellationToken);
                await report("OK", "Schlüssel: vom Leitstand angenommen" + (agentId is null ? "" : $" (Agent {agentId})"));
                if (paused) await report("HINWEIS", "Der Agent ist im Leitstand pausiert: Heartbeats werden angenommen, lösen aber keine Alarme aus.");
                break;
            case HttpStatusCode.Unauthorized:
                await report("FEHLER", "Schlüssel: vom Leitstand nicht angenommen (unbekannt oder widerrufen). Neuen Schlüssel anfordern und speichern: leitstand-agent install --key-prompt -- <Befehl>");
                break;
            case HttpStatusCode.NotFound:
                await report("HINWEIS", "Schlüssel: nicht prüfbar, dieser Leitstand kennt die Prüfung noch nicht (HTTP 404). Der erste Heartbeat zeigt, ob er angenommen wird.");
                break;
            default:
                await report("FEHLER", $"Schlüssel: nicht prüfbar, der Leitstand antwortete mit HTTP {(int)response.StatusCode}. Später erneut versuchen.");
                break;
        }
    }

    private static async Task<(Guid? AgentId, bool Paused)> AgentAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = doc.RootElement;
            Guid? id = root.TryGetProperty("agent_id", out var a) && a.TryGetGuid(out var g) ? g : null;
            var paused = root.TryGetProperty("paused", out var p) && p.ValueKind == JsonValueKind.True;
            return (id, paused);
        }
        catch (JsonException) { return (null, false); }
    }
}
