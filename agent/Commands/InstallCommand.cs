using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text;
using Leitstand.Agent.Install;
using Leitstand.Agent.Keys;

namespace Leitstand.Agent.Commands;

public static class InstallCommand
{
    public static Command Create()
    {
        var keyPrompt = new Option<bool>("--key-prompt") { Description = "Agent-Schlüssel einmal abfragen (ohne Anzeige) oder aus der Schlüsselübergabe per Pipe lesen und im Schlüsselspeicher des Systems ablegen" };
        var keyFile = new Option<string?>("--key-file") { Description = "Schlüssel aus dieser Datei lesen (nur für den Besitzer lesbar, chmod 600), statt ihn zu speichern: für Server ohne Schlüsselspeicher" };
        var url = new Option<string?>("--url") { Description = "Adresse des Leitstands (https://…)" };
        var agent = new Argument<string[]>("befehl") { Arity = ArgumentArity.ZeroOrMore, Description = "Befehl des Agenten nach „--“, mit seinen Argumenten" };
        var command = new Command("install", "Speichert den Schlüssel und richtet den Dienst ein, der „leitstand-agent run -- <Befehl>“ bei der Anmeldung startet (launchd, systemd oder Aufgabenplanung)")
        {
            keyPrompt, keyFile, url, agent,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(parse, output =>
        {
            if (!parse.Tokens.Any(t => t.Type == TokenType.DoubleDash))
                throw new AgentSetupException("Der Befehl des Agenten gehört hinter „--“, z. B.: leitstand-agent install --key-prompt -- /opt/agent/start.sh");
            var values = parse.GetValue(agent) ?? [];
            var afterDash = parse.Tokens.Count - 1 - parse.Tokens.ToList().FindIndex(t => t.Type == TokenType.DoubleDash);
            if (values.Length > afterDash) // words before "--" that are no option of install
                throw new AgentSetupException($"Unbekannte Angabe vor „--“: {string.Join(' ', values.Take(values.Length - afterDash))}. Erlaubt: --key-prompt, --key-file, --url.");
            var request = new InstallRequest(parse.GetValue(url), parse.GetValue(keyFile), parse.GetValue(keyPrompt), values, AgentCommandLine.CurrentExecutable());
            return new InstallAgent(AgentEnvironment.FromProcess()).ExecuteAsync(request, ReadKeyAsync, output, cancellationToken);
        }));
        return command;
    }

    /// <summary>Piped (from the key handover): the first line of stdin. At a terminal: typed or pasted without echo.</summary>
    private static Task<string?> ReadKeyAsync(CancellationToken cancellationToken)
    {
        if (Console.IsInputRedirected) return Console.In.ReadLineAsync(cancellationToken).AsTask();
        Console.Error.Write("Agent-Schlüssel (Eingabe wird nicht angezeigt): ");
        var key = new StringBuilder();
        while (true)
        {
            var info = Console.ReadKey(intercept: true);
            if (info.Key == ConsoleKey.Enter) break;
            if (info.Key == ConsoleKey.Backspace) { if (key.Length > 0) key.Length--; continue; }
            if (!char.IsControl(info.KeyChar)) key.Append(info.KeyChar);
        }
        Console.Error.WriteLine();
        return Task.FromResult<string?>(key.ToString());
    }
}
