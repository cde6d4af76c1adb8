using System.Text;
using Leitstand.Agent.Keys;

namespace Leitstand.Agent.Install;

/// <summary>
/// A Windows scheduled task "Leitstand-Agent" at logon of the user. schtasks limits /TR to 261 characters, so the
/// task starts a script (%APPDATA%\leitstand-agent\run.cmd) that holds the command line. No key in it.
/// </summary>
public sealed class ScheduledTask(AgentEnvironment environment) : IAgentService
{
    public const string TaskName = "Leitstand-Agent";

    public string Description => $"geplante Aufgabe „{TaskName}“ (bei Anmeldung)";
    public string DefinitionPath { get; } = Path.Combine(environment.ConfigDirectory, "run.cmd");
    public bool IsInstalled => File.Exists(DefinitionPath);

    public void Write(IReadOnlyList<string> runCommand)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DefinitionPath)!);
        File.WriteAllText(DefinitionPath, Render(runCommand));
    }

    public static string Render(IReadOnlyList<string> runCommand) =>
        "@echo off\r\n" + string.Join(' ', runCommand.Select(Quote)) + "\r\n";

    /// <summary>cmd.exe: % doubled (a batch file would expand it), words with blanks or special characters in double quotes.</summary>
    public static string Quote(string argument)
    {
        var escaped = argument.Replace("%", "%%");
        if (escaped.Length > 0 && !escaped.Any(c => char.IsWhiteSpace(c) || c is '"' or '&' or '|' or '<' or '>' or '^' or '(' or ')'))
            return escaped;
        var quoted = new StringBuilder("\"");
        foreach (var c in escaped) quoted.Append(c == '"' ? "\"\"" : c.ToString());
        return quoted.Append('"').ToString();
    }

    public async Task ActivateAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var schtasks = environment.FindTool("schtasks");
        string[] create = ["/Create", "/TN", TaskName, "/TR", $"\"{DefinitionPath}\"", "/SC", "ONLOGON", "/RL", "LIMITED", "/F"];
        if (schtasks is null)
        {
            await output.WriteLineAsync($"schtasks wurde nicht gefunden. Lege die Aufgabe selbst an: schtasks {string.Join(' ', create)}");
            return;
        }
        var created = await ExternalTool.RunAsync(schtasks, create, cancellationToken: cancellationToken);
        if (created.ExitCode != 0)
        {
            await output.WriteLineAsync($"schtasks hat die Aufgabe nicht angelegt ({created.Error.Trim()}). Lege sie selbst an: schtasks {string.Join(' ', create)}");
            return;
        }
        await ExternalTool.RunAsync(schtasks, ["/Run", "/TN", TaskName], cancellationToken: cancellationToken);
        await output.WriteLineAsync($"Aufgabe „{TaskName}“ angelegt und gestartet; sie startet bei jeder Anmeldung.");
    }

    public async Task RemoveAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var schtasks = environment.FindTool("schtasks");
        if (schtasks is not null)
        {
            await ExternalTool.RunAsync(schtasks, ["/End", "/TN", TaskName], cancellationToken: cancellationToken);
            await ExternalTool.RunAsync(schtasks, ["/Delete", "/TN", TaskName, "/F"], cancellationToken: cancellationToken);
        }
        else if (IsInstalled)
            await output.WriteLineAsync($"schtasks wurde nicht gefunden. Lösche die Aufgabe selbst: schtasks /Delete /TN {TaskName} /F");
        if (IsInstalled) File.Delete(DefinitionPath);
    }

    public async Task<bool?> IsRunningAsync(CancellationToken cancellationToken)
    {
        var schtasks = environment.FindTool("schtasks");
        if (schtasks is null) return null;
        var result = await ExternalTool.RunAsync(schtasks, ["/Query", "/TN", TaskName, "/FO", "CSV", "/NH"], cancellationToken: cancellationToken);
        if (result.ExitCode != 0) return false;
        // The status column is in the language of Windows: "Running" / "Wird ausgeführt".
        return result.Output.Contains("Running", StringComparison.OrdinalIgnoreCase) || result.Output.Contains("ausgeführt", StringComparison.OrdinalIgnoreCase);
    }
}
