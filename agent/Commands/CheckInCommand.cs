using System.CommandLine;
using System.Globalization;
using Leitstand.Agent.CheckIns;
using Leitstand.Agent.Http;
using Leitstand.Agent.Keys;
using Microsoft.Extensions.Logging;

namespace Leitstand.Agent.Commands;

/// <summary>
/// <c>leitstand-agent checkin &lt;workflow&gt; --status in_progress|ok|error [--duration S] [--error-code C]
/// [--check-in-id ID] [--cron "…" | --every PT30M] [--url U] [--key-file F]</c>: one workflow check-in. Exit 0 when
/// Leitstand accepted it (202); 2 for bad input (here or refused by the server); 1 when Leitstand was not reached or
/// refused the key. <c>in_progress</c> prints the check-in id on stdout for the closing <c>ok</c>/<c>error</c>.
/// </summary>
internal static class CheckInCommand
{
    private static readonly string[] Statuses = ["in_progress", "ok", "error"];

    public static Command Create(AgentCli.Context context)
    {
        var workflow = WorkflowArgument();
        var status = new Option<string?>("--status") { Description = "Zustand des Laufs: in_progress (beginnt), ok oder error (endet)." };
        var duration = new Option<string?>("--duration") { Description = "Nur mit ok/error: Dauer des Laufs in Sekunden." };
        var errorCode = new Option<string?>("--error-code") { Description = "Nur mit error: kurzer Fehlercode (höchstens 40 Zeichen: Buchstaben, Ziffern, _ . : -), kein Freitext." };
        var checkInId = new Option<string?>("--check-in-id") { Description = "Nur mit ok/error: die Check-in-ID, die in_progress ausgegeben hat (beendet diesen Lauf)." };
        var shared = new SharedOptions();
        var command = new Command("checkin", "Meldet einen Lauf eines Workflows an den Leitstand (Zustand, Dauer, Fehlercode – nie Inhalte).")
        {
            workflow, status, duration, errorCode, checkInId,
        };
        shared.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            var error = context.Console.Error;
            var problems = new List<string>();
            var key = Workflow(parsed.GetValue(workflow), problems);
            var state = parsed.GetValue(status);
            if (state is null) problems.Add("--status fehlt: in_progress, ok oder error.");
            else if (!Statuses.Contains(state)) problems.Add($"--status erlaubt nur in_progress, ok oder error (nicht '{state}').");
            double? seconds = null;
            if (parsed.GetValue(duration) is { } d)
            {
                if (!double.TryParse(d, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value > 31 * 86400)
                    problems.Add("--duration erwartet die Dauer in Sekunden (0 bis 2678400, z. B. 12 oder 12.5).");
                else if (state == "in_progress") problems.Add("--duration gibt es erst am Ende des Laufs (--status ok oder error).");
                else seconds = value;
            }
            var code = parsed.GetValue(errorCode);
            if (code is not null && !CheckInClient.IsErrorCode(code)) problems.Add("--error-code erlaubt nur einen kurzen Code (höchstens 40 Zeichen: Buchstaben, Ziffern, _ . : -), keinen Freitext.");
            else if (code is not null && state is not null && state != "error") problems.Add("--error-code gibt es nur mit --status error.");
            Guid? id = null;
            if (parsed.GetValue(checkInId) is { } text)
            {
                if (!Guid.TryParse(text, out var g)) problems.Add("--check-in-id erwartet die ID, die 'checkin … --status in_progress' ausgegeben hat.");
                else if (state == "in_progress") problems.Add("--check-in-id gehört zum Ende des Laufs (--status ok oder error).");
                else id = g;
            }
            var settings = await shared.ReadAsync(parsed, problems, ct);
            if (problems.Count > 0 || settings is null)
            {
                foreach (var p in problems) await error.WriteLineAsync(p);
                return 2;
            }

            using var ownLogs = context.Console.Logs is null ? RunCommand.ConsoleLogs() : null;
            var logs = context.Console.Logs ?? ownLogs!;
            using var client = new CheckInClient(settings.BaseAddress, settings.Key, logs.CreateLogger("Leitstand.Agent.CheckIn"));
            var outcome = await client.SendAsync(key!, new CheckIn(state!, id, seconds, code, settings.Cron, settings.Every), ct);
            if (outcome is CheckInOutcome.Accepted accepted)
            {
                if (state == "in_progress" && accepted.CheckInId is { } started)
                {
                    await context.Console.Out.WriteLineAsync(started.ToString());
                    await error.WriteLineAsync($"Lauf von '{key}' gemeldet. Zum Abschluss: leitstand-agent checkin {key} --status ok --check-in-id {started}");
                }
                else await error.WriteLineAsync($"Check-in '{state}' für '{key}' angenommen.");
                if (accepted.Paused) await error.WriteLineAsync("Hinweis: Der Agent ist im Leitstand pausiert; der Lauf ist gespeichert, öffnet aber keinen Incident.");
                return 0;
            }
            await error.WriteLineAsync(German(outcome));
            return outcome is CheckInOutcome.Rejected ? 2 : 1;
        });
        return command;
    }

    internal static Argument<string> WorkflowArgument() => new("workflow")
    {
        Description = "Schlüssel des Workflows, z. B. rechnungen-pruefen (a–z, Ziffern, - und _; höchstens 64 Zeichen).",
    };

    internal static string? Workflow(string? text, List<string> problems)
    {
        if (text is not null && CheckInClient.IsWorkflowKey(text)) return text;
        problems.Add($"'{text}' ist kein Workflow-Schlüssel: 1 bis 64 Zeichen aus a–z, Ziffern, - und _ (z. B. rechnungen-pruefen).");
        return null;
    }

    /// <summary>What went wrong, in German, for the person at the machine.</summary>
    internal static string German(CheckInOutcome outcome) => outcome switch
    {
        CheckInOutcome.Refused { Status: 401 } => "Der Leitstand kennt den Agent-Schlüssel nicht (mehr) (401). Bitte den Schlüssel prüfen oder einen neuen anfordern.",
        CheckInOutcome.Refused r => $"Der Leitstand nimmt von diesem Agenten nichts mehr an ({r.Status}).",
        CheckInOutcome.Unreachable u => $"Der Leitstand ist nicht erreichbar ({u.Reason}); der Check-in ging nicht durch.",
        CheckInOutcome.Rejected { Messages.Count: > 0 } r => $"Der Leitstand hat den Check-in abgelehnt ({r.Status}):{Environment.NewLine}"
            + string.Join(Environment.NewLine, r.Messages.Select(m => "  " + m)),
        CheckInOutcome.Rejected r => $"Der Leitstand hat den Check-in abgelehnt ({r.Status}).",
        _ => "Der Check-in ging nicht durch.",
    };

    /// <summary>The options <c>checkin</c> and <c>exec</c> share: address, key and the rhythm that registers a workflow.</summary>
    internal sealed class SharedOptions
    {
        private readonly Option<string?> _url = new("--url") { Description = $"Adresse des Leitstands, z. B. https://leitstand.example.de (sonst aus {LeitstandHttp.UrlVariable})." };
        private readonly Option<string?> _keyFile = new("--key-file") { Description = "Datei mit dem Agent-Schlüssel (nur für den eigenen Benutzer lesbar, chmod 600); sonst der bei der Installation gespeicherte Schlüssel." };
        private readonly Option<string?> _cron = new("--cron") { Description = "Zeitplan des Workflows als Cron-Ausdruck in Europe/Berlin, z. B. \"0 8 * * 1-5\" (meldet einen neuen Workflow an)." };
        private readonly Option<string?> _every = new("--every") { Description = "Rhythmus des Workflows nach ISO 8601, z. B. PT30M oder P1D (meldet einen neuen Workflow an)." };

        public void AddTo(Command command)
        {
            command.Options.Add(_url);
            command.Options.Add(_keyFile);
            command.Options.Add(_cron);
            command.Options.Add(_every);
        }

        public sealed record Settings(Uri BaseAddress, string Key, string? Cron, string? Every);

        /// <summary>Null with German <paramref name="problems"/> when something is missing or wrong; the key is read last.</summary>
        public async Task<Settings?> ReadAsync(ParseResult parsed, List<string> problems, CancellationToken ct)
        {
            var address = LeitstandHttp.BaseAddress(parsed.GetValue(_url) ?? Environment.GetEnvironmentVariable(LeitstandHttp.UrlVariable), problems);
            var cron = parsed.GetValue(_cron);
            var every = parsed.GetValue(_every);
            if (cron is not null && every is not null) problems.Add("Bitte entweder --cron oder --every angeben, nicht beides.");
            if (cron is not null && cron.Length is < 9 or > 100) problems.Add("--cron erwartet fünf Felder: Minute Stunde Tag Monat Wochentag, z. B. \"0 8 * * 1-5\".");
            if (every is not null && (every.Length > 20 || !every.StartsWith('P'))) problems.Add("--every erwartet ein Intervall nach ISO 8601, z. B. PT30M, PT2H oder P1D.");
            if (problems.Count > 0) return null;
            try
            {
                return new Settings(address!, await KeySource.ReadAsync(parsed.GetValue(_keyFile), ct), cron, every);
            }
            catch (KeyUnavailableException e)
            {
                problems.Add(e.Message);
                return null;
            }
        }
    }
}
