using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Leitstand.Agent.Commands;
using Microsoft.Extensions.Logging;

namespace Leitstand.Agent;

/// <summary>Where a command writes: the console in Program, captured writers and a logger of their own in tests.</summary>
public sealed record AgentConsole(TextWriter Out, TextWriter Error, ILoggerFactory? Logs = null, bool HandleSignals = false)
{
    public static AgentConsole System => new(Console.Out, Console.Error, null, HandleSignals: true);
}

/// <summary>
/// The command line: German help and messages for the person installing, exit code 2 for bad input, never a stack
/// trace. Each command is one file in Commands/ with a static <c>Create</c>; add it to <see cref="Commands"/>.
/// </summary>
public static class AgentCli
{
    /// <summary>What follows <c>--</c> after <c>run</c> or <c>exec</c>: the command, kept away from the parser.</summary>
    internal sealed record Context(AgentConsole Console, IReadOnlyList<string>? ChildCommand);

    private static IEnumerable<Command> Commands(Context context) =>
    [
        RunCommand.Create(context),
        CheckInCommand.Create(context),
        ExecCommand.Create(context),
        InstallCommand.Create(),
        UninstallCommand.Create(),
        StatusCommand.Create(),
        DoctorCommand.Create(),
    ];

    public static async Task<int> InvokeAsync(string[] args, AgentConsole console, CancellationToken cancellationToken = default)
    {
        string[] own = args;
        IReadOnlyList<string>? child = null;
        var separator = Array.IndexOf(args, "--");
        if (args.Length > 0 && args[0] is "run" or "exec" && separator >= 0)
        {
            own = args[..separator];
            child = args[(separator + 1)..];
        }
        var root = new RootCommand("Leitstand-Agent: überwacht den Agenten beim Kunden und meldet seinen Zustand an den Leitstand.");
        foreach (var command in Commands(new Context(console, child))) root.Subcommands.Add(command);
        foreach (var option in root.Options)
        {
            if (option is HelpOption)
            {
                option.Description = "Hilfe anzeigen";
                option.Action = new GermanHelp();
            }
            else if (option is VersionOption) option.Description = "Version anzeigen";
        }

        var parsed = root.Parse(own);
        // --help answers even where the rest of the line is incomplete (checkin --help without a workflow).
        if (parsed.Errors.Count > 0 && parsed.Action is not GermanHelp)
        {
            await console.Error.WriteLineAsync(German(parsed));
            await console.Error.WriteLineAsync("Hilfe: leitstand-agent --help");
            return 2;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = console.Out,
                Error = console.Error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            }, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception e)
        {
            // Never a stack trace for the person installing; the type names the kind of failure.
            await console.Error.WriteLineAsync($"Unerwarteter Fehler ({e.GetType().Name}). Bitte den Leitstand-Support informieren.");
            return 1;
        }
    }

    private static string German(ParseResult parsed)
    {
        if (parsed.UnmatchedTokens.Count > 0)
            return string.Join(Environment.NewLine, parsed.UnmatchedTokens.Select(t => t.StartsWith('-')
                ? $"Unbekannte Option: '{t}'."
                : $"Unbekanntes Argument: '{t}'. (Bei run und exec steht der überwachte Befehl nach --.)"));
        var lines = parsed.Errors.Select(e => e.SymbolResult switch
        {
            OptionResult o => $"Bei {o.Option.Name} fehlt der Wert oder er ist ungültig.",
            CommandResult c when c.Command is RootCommand => "Bitte einen Befehl angeben, z. B. 'leitstand-agent run … -- <Befehl>'.",
            CommandResult c when c.Command.Arguments.Count > 0 =>
                $"Bei {c.Command.Name} fehlt die Angabe {string.Join(" ", c.Command.Arguments.Select(a => $"<{a.Name}>"))}.",
            ArgumentResult a when a.Tokens.Count == 0 => $"Es fehlt die Angabe <{a.Argument.Name}>.",
            ArgumentResult a => $"Der Wert für <{a.Argument.Name}> ist ungültig.",
            _ => "Die Eingabe ist ungültig.",
        }).Distinct();
        return string.Join(Environment.NewLine, lines);
    }
}
