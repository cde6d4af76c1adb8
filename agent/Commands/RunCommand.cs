using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Leitstand.Agent.Heartbeats;
using Leitstand.Agent.Http;
using Leitstand.Agent.Keys;
using Leitstand.Agent.Supervision;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Leitstand.Agent.Commands;

/// <summary>
/// <c>leitstand-agent run [--url U] [--key-file F] [--interval S] [--restart on-failure|always|never]
/// [--crash-loop-starts N --crash-loop-window S] [--healthy-after S] -- &lt;Befehl&gt; [Argumente…]</c>:
/// supervises the command and reports its state to Leitstand.
/// </summary>
internal static class RunCommand
{
    public const string UrlVariable = LeitstandHttp.UrlVariable;

    public static Command Create(AgentCli.Context context)
    {
        var url = new Option<string?>("--url") { Description = $"Adresse des Leitstands, z. B. https://leitstand.example.de (sonst aus {UrlVariable})." };
        var keyFile = new Option<string?>("--key-file") { Description = "Datei mit dem Agent-Schlüssel (nur für den eigenen Benutzer lesbar, chmod 600); sonst der bei der Installation gespeicherte Schlüssel." };
        var interval = new Option<string?>("--interval") { Description = "Sekunden zwischen zwei Heartbeats, wenn sich nichts ändert (Standard 60)." };
        var restart = new Option<string?>("--restart") { Description = "Wann neu starten: on-failure (Standard), always oder never (dann endet der Agent mit dem Exit-Code des Befehls)." };
        var crashLoopStarts = new Option<string?>("--crash-loop-starts") { Description = "So viele Fehlstarts im Zeitfenster gelten als Absturzschleife (Standard 3)." };
        var crashLoopWindow = new Option<string?>("--crash-loop-window") { Description = "Zeitfenster der Absturzschleife in Sekunden (Standard 300)." };
        var healthyAfter = new Option<string?>("--healthy-after") { Description = "Nach so vielen Sekunden Laufzeit gilt ein Start als gesund (Standard 30)." };
        var command = new Command("run", "Startet den Befehl nach --, reicht Ausgabe und Exit-Code durch, startet ihn bei Fehlern neu und meldet den Zustand an den Leitstand.")
        {
            url, keyFile, interval, restart, crashLoopStarts, crashLoopWindow, healthyAfter,
        };
        command.SetAction(async (parsed, ct) =>
        {
            var error = context.Console.Error;
            if (context.ChildCommand is not { Count: > 0 } child)
            {
                await error.WriteLineAsync("Der zu überwachende Befehl fehlt. Er steht nach --, z. B.: leitstand-agent run --key-file ~/.leitstand/agent.key -- /opt/agent/start.sh");
                return 2;
            }
            var problems = new List<string>();
            var intervalSeconds = Seconds(parsed.GetValue(interval), "--interval", 60, 1, 86_400, problems);
            var starts = Seconds(parsed.GetValue(crashLoopStarts), "--crash-loop-starts", 3, 1, 1000, problems);
            var window = Seconds(parsed.GetValue(crashLoopWindow), "--crash-loop-window", 300, 1, 86_400, problems);
            var healthy = Seconds(parsed.GetValue(healthyAfter), "--healthy-after", 30, 1, 86_400, problems);
            var policy = (parsed.GetValue(restart) ?? "on-failure") switch
            {
                "on-failure" => RestartPolicy.OnFailure,
                "always" => RestartPolicy.Always,
                "never" => RestartPolicy.Never,
                _ => (RestartPolicy?)null,
            };
            if (policy is null) problems.Add("--restart erlaubt nur on-failure, always oder never.");
            var endpoint = LeitstandHttp.BaseAddress(parsed.GetValue(url) ?? Environment.GetEnvironmentVariable(UrlVariable), problems) is { } address
                ? LeitstandHttp.Endpoint(address, "/api/heartbeat") : null;
            if (problems.Count > 0)
            {
                foreach (var p in problems) await error.WriteLineAsync(p);
                return 2;
            }

            string key;
            try
            {
                key = await KeySource.ReadAsync(parsed.GetValue(keyFile), ct);
            }
            catch (KeyUnavailableException e)
            {
                await error.WriteLineAsync(e.Message);
                return 2;
            }

            using var ownLogs = context.Console.Logs is null ? ConsoleLogs() : null;
            var logs = context.Console.Logs ?? ownLogs!;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var sigint = context.Console.HandleSignals ? PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop) : null;
            using var sigterm = context.Console.HandleSignals ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop) : null;
            void Stop(PosixSignalContext signal)
            {
                signal.Cancel = true;
                stop.Cancel();
            }

            var state = new AgentState(TimeProvider.System);
            var supervisor = new Supervisor(new SupervisorOptions(child[0], [.. child.Skip(1)], policy!.Value, starts, TimeSpan.FromSeconds(window), TimeSpan.FromSeconds(healthy)),
                state, TimeProvider.System, logs.CreateLogger("Leitstand.Agent.Supervisor"));
            using var client = new HeartbeatClient(endpoint!, key, Version, logs.CreateLogger("Leitstand.Agent.Heartbeat"));
            var loop = new HeartbeatLoop(client, state, supervisor, TimeSpan.FromSeconds(intervalSeconds), logs.CreateLogger("Leitstand.Agent.Heartbeat"));

            using var heartbeats = new CancellationTokenSource();
            var beating = Task.Run(() => loop.RunAsync(heartbeats.Token), CancellationToken.None);
            var exitCode = await supervisor.RunAsync(stop.Token);
            await heartbeats.CancelAsync();
            await beating;
            await loop.SendFinalAsync(TimeSpan.FromSeconds(3));
            return exitCode;
        });
        return command;
    }

    public static string Version { get; } =
        typeof(RunCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static int Seconds(string? text, string option, int fallback, int min, int max, List<string> problems)
    {
        if (text is null) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        problems.Add($"{option} erwartet eine ganze Zahl von {min} bis {max}.");
        return fallback;
    }

    internal static ILoggerFactory ConsoleLogs() => LoggerFactory.Create(b => b
        .SetMinimumLevel(LogLevel.Information)
        .AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ssZ ";
        })
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
}
