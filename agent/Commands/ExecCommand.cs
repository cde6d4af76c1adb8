using System.CommandLine;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Leitstand.Agent.CheckIns;
using Leitstand.Agent.Supervision;
using Microsoft.Extensions.Logging;

namespace Leitstand.Agent.Commands;

/// <summary>
/// <c>leitstand-agent exec &lt;workflow&gt; [--cron "…" | --every PT30M] [--url U] [--key-file F] -- &lt;Befehl&gt;
/// [Argumente…]</c>: wraps one run of a workflow. Sends <c>in_progress</c>, runs the command with the streams inherited
/// (its output is never read), then <c>ok</c> with the duration or <c>error</c> with <c>EXIT_&lt;n&gt;</c>, and exits
/// with the command's exit code. Check-ins that do not get through are logged and never change that exit code.
/// </summary>
internal static class ExecCommand
{
    /// <summary>The shell's convention for a command that could not be started.</summary>
    public const int NotStarted = 127;

    public static Command Create(AgentCli.Context context)
    {
        var workflow = CheckInCommand.WorkflowArgument();
        var shared = new CheckInCommand.SharedOptions();
        var command = new Command("exec", "Führt den Befehl nach -- als einen Lauf des Workflows aus und meldet Beginn, Dauer und Ergebnis (Exit-Code) an den Leitstand.")
        {
            workflow,
        };
        shared.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            var error = context.Console.Error;
            var problems = new List<string>();
            var key = CheckInCommand.Workflow(parsed.GetValue(workflow), problems);
            if (context.ChildCommand is not { Count: > 0 })
                problems.Add("Der auszuführende Befehl fehlt. Er steht nach --, z. B.: leitstand-agent exec rechnungen-pruefen --key-file ~/.leitstand/agent.key -- /opt/agent/rechnungen.sh");
            var settings = problems.Count == 0 ? await shared.ReadAsync(parsed, problems, ct) : null;
            if (problems.Count > 0 || settings is null)
            {
                foreach (var p in problems) await error.WriteLineAsync(p);
                return 2;
            }
            var child = context.ChildCommand!;

            using var ownLogs = context.Console.Logs is null ? RunCommand.ConsoleLogs() : null;
            var logs = context.Console.Logs ?? ownLogs!;
            var log = logs.CreateLogger("Leitstand.Agent.Exec");
            using var client = new CheckInClient(settings.BaseAddress, settings.Key, logs.CreateLogger("Leitstand.Agent.CheckIn"));

            var start = await client.SendAsync(key!, new CheckIn("in_progress", Cron: settings.Cron, Every: settings.Every), ct);
            Guid? id = start is CheckInOutcome.Accepted { CheckInId: { } started } ? started : null;
            if (start is not CheckInOutcome.Accepted) Report(log, "in_progress", start);

            var clock = Stopwatch.StartNew();
            int exitCode;
            try
            {
                using var process = Process.Start(new ProcessStartInfo(child[0], child.Skip(1)) { UseShellExecute = false })!;
                // Ctrl-C reaches the command from the terminal, SIGTERM is passed on: either way the command decides
                // when it ends, and its end is still reported.
                using var sigint = context.Console.HandleSignals ? PosixSignalRegistration.Create(PosixSignal.SIGINT, s => s.Cancel = true) : null;
                using var sigterm = context.Console.HandleSignals ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, s =>
                {
                    s.Cancel = true;
                    if (!OperatingSystem.IsWindows()) Supervisor.Kill(process.Id, 15);
                }) : null;
                await process.WaitForExitAsync(CancellationToken.None);
                exitCode = process.ExitCode;
            }
            catch (Win32Exception)
            {
                await error.WriteLineAsync("Der Befehl nach -- ließ sich nicht starten (nicht gefunden oder nicht ausführbar).");
                exitCode = NotStarted;
            }
            var seconds = clock.Elapsed.TotalSeconds;

            // With the id the server takes the duration from the start it recorded; the measured one goes along.
            var end = exitCode == 0
                ? new CheckIn("ok", id, seconds, Cron: id is null ? settings.Cron : null, Every: id is null ? settings.Every : null)
                : new CheckIn("error", id, seconds, $"EXIT_{exitCode}", id is null ? settings.Cron : null, id is null ? settings.Every : null);
            var finished = await client.SendAsync(key!, end, CancellationToken.None);
            if (finished is not CheckInOutcome.Accepted) Report(log, end.Status, finished);
            return exitCode;
        });
        return command;
    }

    private static void Report(ILogger log, string status, CheckInOutcome outcome) => log.LogWarning(
        "Check-in {Status} not accepted ({Outcome}); the command's exit code is unaffected", status, outcome switch
        {
            CheckInOutcome.Refused r => r.Status.ToString(),
            CheckInOutcome.Unreachable u => "unreachable: " + u.Reason,
            CheckInOutcome.Rejected r => r.Status.ToString(),
            _ => "unknown",
        });
}
