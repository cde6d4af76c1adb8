using System.Security;
using System.Text;
using Leitstand.Agent.Keys;

namespace Leitstand.Agent.Install;

/// <summary>
/// A launchd LaunchAgent in ~/Library/LaunchAgents/de.leitstand.agent.plist: started at login, kept alive, output to
/// ~/Library/Logs/leitstand-agent.log. Loaded with <c>launchctl load -w</c> when launchctl is there. No key in it.
/// </summary>
public sealed class LaunchAgent(AgentEnvironment environment) : IAgentService
{
    public const string Label = "de.leitstand.agent";

    public string Description => $"launchd-LaunchAgent {Label}";
    public string DefinitionPath { get; } = Path.Combine(environment.Home, "Library", "LaunchAgents", Label + ".plist");
    public bool IsInstalled => File.Exists(DefinitionPath);

    public void Write(IReadOnlyList<string> runCommand)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DefinitionPath)!);
        var log = Path.Combine(environment.Home, "Library", "Logs", AgentEnvironment.Name + ".log");
        File.WriteAllText(DefinitionPath, Render(runCommand, log));
    }

    public static string Render(IReadOnlyList<string> runCommand, string logPath)
    {
        var arguments = new StringBuilder();
        foreach (var argument in runCommand)
            arguments.Append("\n    <string>").Append(SecurityElement.Escape(argument)).Append("</string>");
        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0">
            <dict>
              <key>Label</key>
              <string>{Label}</string>
              <key>ProgramArguments</key>
              <array>{arguments}
              </array>
              <key>RunAtLoad</key>
              <true/>
              <key>KeepAlive</key>
              <true/>
              <key>ProcessType</key>
              <string>Background</string>
              <key>StandardOutPath</key>
              <string>{SecurityElement.Escape(logPath)}</string>
              <key>StandardErrorPath</key>
              <string>{SecurityElement.Escape(logPath)}</string>
            </dict>
            </plist>

            """;
    }

    public async Task ActivateAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var launchctl = environment.FindTool("launchctl");
        if (launchctl is null)
        {
            await output.WriteLineAsync($"launchctl wurde nicht gefunden. Lade den Dienst selbst: launchctl load -w \"{DefinitionPath}\"");
            return;
        }
        await ExternalTool.RunAsync(launchctl, ["unload", DefinitionPath], cancellationToken: cancellationToken); // a reinstall: the old definition out first
        var load = await ExternalTool.RunAsync(launchctl, ["load", "-w", DefinitionPath], cancellationToken: cancellationToken);
        await output.WriteLineAsync(load.ExitCode == 0
            ? $"Dienst geladen und beim Anmelden aktiv: {Label}."
            : $"launchctl hat den Dienst nicht geladen ({load.Error.Trim()}). Lade ihn selbst: launchctl load -w \"{DefinitionPath}\"");
    }

    public async Task RemoveAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var launchctl = environment.FindTool("launchctl");
        if (launchctl is not null && IsInstalled)
            await ExternalTool.RunAsync(launchctl, ["unload", "-w", DefinitionPath], cancellationToken: cancellationToken);
        else if (IsInstalled)
            await output.WriteLineAsync($"launchctl wurde nicht gefunden. Falls der Dienst noch läuft: launchctl remove {Label}");
        if (IsInstalled) File.Delete(DefinitionPath);
    }

    public async Task<bool?> IsRunningAsync(CancellationToken cancellationToken)
    {
        var launchctl = environment.FindTool("launchctl");
        if (launchctl is null) return null;
        var result = await ExternalTool.RunAsync(launchctl, ["list", Label], cancellationToken: cancellationToken);
        return result.ExitCode == 0 && result.Output.Contains("\"PID\"", StringComparison.Ordinal);
    }
}
