using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text;

namespace Leitstand.Agent;

/// <summary>
/// The help of every command in German. System.CommandLine's own help keeps English headings ("Description:",
/// "Show help and usage information", "[command]", "[options]") even with its German resources, and those need a
/// culture that the invariant globalization of the single files does not have; so the help is written here, from the
/// same symbols: description, call, arguments, options, commands.
/// </summary>
internal sealed class GermanHelp : SynchronousCommandLineAction
{
    public const string ProgramName = "leitstand-agent";

    /// <summary>The commands that take the supervised command after <c>--</c>.</summary>
    private static readonly HashSet<string> TakeCommand = ["run", "exec", "install"];

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.Write(Write(parseResult.CommandResult.Command));
        return 0;
    }

    public static string Write(Command command)
    {
        var text = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(command.Description))
            text.Append("Beschreibung:\n  ").Append(command.Description).Append("\n\n");

        text.Append("Aufruf:\n  ").Append(Usage(command)).Append("\n\n");

        var arguments = command.Arguments.Where(a => !a.Hidden && !(TakeCommand.Contains(command.Name) && a.Arity.MaximumNumberOfValues > 1)).ToList();
        Section(text, "Argumente:", arguments.Select(a => ($"<{a.Name}>", a.Description ?? "")));
        Section(text, "Optionen:", Options(command).Select(o => (OptionLabel(o), o.Description ?? "")));
        Section(text, "Befehle:", command.Subcommands.Where(c => !c.Hidden).Select(c =>
            (string.Join(' ', [c.Name, .. c.Arguments.Where(a => !a.Hidden && !(TakeCommand.Contains(c.Name) && a.Arity.MaximumNumberOfValues > 1)).Select(a => $"<{a.Name}>")]), c.Description ?? "")));
        return text.ToString().TrimEnd('\n').Replace("\n", Environment.NewLine) + Environment.NewLine;
    }

    private static string Usage(Command command)
    {
        var words = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.OfType<Command>().FirstOrDefault())
            words.Insert(0, c is RootCommand ? ProgramName : c.Name);
        foreach (var argument in command.Arguments.Where(a => !a.Hidden && !(TakeCommand.Contains(command.Name) && a.Arity.MaximumNumberOfValues > 1)))
            words.Add(argument.Arity.MaximumNumberOfValues > 1 ? $"<{argument.Name}>…" : $"<{argument.Name}>");
        if (command.Subcommands.Any(c => !c.Hidden)) words.Add("[Befehl]");
        if (Options(command).Any()) words.Add("[Optionen]");
        if (TakeCommand.Contains(command.Name)) words.Add("-- <Befehl> [Argumente…]");
        return string.Join(' ', words);
    }

    /// <summary>The command's own options and the recursive ones of its parents (help), as the parser accepts them.</summary>
    private static IEnumerable<Option> Options(Command command)
    {
        var own = command.Options.Where(o => !o.Hidden).ToList();
        var inherited = new List<Option>();
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
            inherited.AddRange(parent.Options.Where(o => o.Recursive && !o.Hidden && !own.Contains(o)));
        // Help last, as people expect it.
        return own.Concat(inherited).OrderBy(o => o is HelpOption ? 1 : 0);
    }

    private static string OptionLabel(Option option)
    {
        var names = option.Aliases.Append(option.Name).Where(n => !n.StartsWith('/')).Distinct().OrderBy(n => n.Length).ThenBy(n => n, StringComparer.Ordinal);
        var label = string.Join(", ", names);
        var takesValue = option.ValueType != typeof(bool) && option is not HelpOption && option.Arity.MaximumNumberOfValues > 0;
        return takesValue ? $"{label} <{option.HelpName ?? option.Name.TrimStart('-')}>" : label;
    }

    private static void Section(StringBuilder text, string title, IEnumerable<(string Label, string Description)> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0) return;
        var width = list.Max(r => r.Label.Length) + 2;
        text.Append(title).Append('\n');
        foreach (var (label, description) in list)
            text.Append("  ").Append(label.PadRight(width)).Append(description).Append('\n');
        text.Append('\n');
    }
}
