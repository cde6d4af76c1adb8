using System.Text;
using Leitstand.Agent.Keys;

namespace Leitstand.Agent.Install;

/// <summary>
/// A systemd user unit in $XDG_CONFIG_HOME/systemd/user/leitstand-agent.service (~/.config/…), enabled and started
/// with <c>systemctl --user enable --now</c> when systemctl is there. The key is not in it; <c>run</c> reads it from the key store.
/// </summary>
public sealed class SystemdUserUnit(AgentEnvironment environment) : IAgentService
{
    public const string UnitName = "leitstand-agent.service";

    public string Description => $"systemd-Benutzerdienst {UnitName}";
    public string DefinitionPath { get; } = Path.Combine(environment.ConfigHome, "systemd", "user", UnitName);
    public bool IsInstalled => File.Exists(DefinitionPath);

    public void Write(IReadOnlyList<string> runCommand)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DefinitionPath)!);
        File.WriteAllText(DefinitionPath, Render(runCommand));
    }

    public static string Render(IReadOnlyList<string> runCommand) => $"""
        [Unit]
        Description=Leitstand-Agent (überwacht den Standard-Agenten und meldet ihn an den Leitstand)
        After=network-online.target
        Wants=network-online.target

        [Service]
        Type=simple
        ExecStart={string.Join(' ', runCommand.Select(Quote))}
        Restart=always
        RestartSec=5

        [Install]
        WantedBy=default.target

        """;

    /// <summary>systemd's quoting: specifiers (%) and variables ($) doubled, words with blanks or quotes in double quotes.</summary>
    public static string Quote(string argument)
    {
        var escaped = argument.Replace("%", "%%").Replace("$", "$$");
        if (escaped.Length > 0 && !escaped.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\' or ';'))
            return escaped;
        var quoted = new StringBuilder("\"");
        foreach (var c in escaped)
        {
            if (c is '"' or '\\') quoted.Append('\\');
            quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }

    public async Task ActivateAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var systemctl = environment.FindTool("systemctl");
        if (systemctl is null)
        {
            await output.WriteLineAsync($"systemctl wurde nicht gefunden. Starte den Dienst selbst: systemctl --user daemon-reload && systemctl --user enable --now {UnitName}");
            return;
        }
        var reload = await ExternalTool.RunAsync(systemctl, ["--user", "daemon-reload"], cancellationToken: cancellationToken);
        var enable = reload.ExitCode == 0
            ? await ExternalTool.RunAsync(systemctl, ["--user", "enable", "--now", UnitName], cancellationToken: cancellationToken)
            : reload;
        if (enable.ExitCode == 0)
        {
            await output.WriteLineAsync($"Dienst gestartet und beim Anmelden aktiv: {UnitName}. Damit er auch ohne Anmeldung läuft: loginctl enable-linger");
            return;
        }
        await output.WriteLineAsync($"systemctl --user hat den Dienst nicht gestartet ({enable.Error.Trim()}). Starte ihn in einer Sitzung des Benutzers: systemctl --user daemon-reload && systemctl --user enable --now {UnitName}");
    }

    public async Task RemoveAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var systemctl = environment.FindTool("systemctl");
        if (systemctl is not null)
            await ExternalTool.RunAsync(systemctl, ["--user", "disable", "--now", UnitName], cancellationToken: cancellationToken);
        else if (IsInstalled)
            await output.WriteLineAsync($"systemctl wurde nicht gefunden. Falls der Dienst noch läuft: systemctl --user disable --now {UnitName}");
        if (IsInstalled) File.Delete(DefinitionPath);
        if (systemctl is not null)
            await ExternalTool.RunAsync(systemctl, ["--user", "daemon-reload"], cancellationToken: cancellationToken);
    }

    public async Task<bool?> IsRunningAsync(CancellationToken cancellationToken)
    {
        var systemctl = environment.FindTool("systemctl");
        if (systemctl is null) return null;
        var result = await ExternalTool.RunAsync(systemctl, ["--user", "is-active", UnitName], cancellationToken: cancellationToken);
        return result.Output.Trim() switch { "active" => true, "inactive" or "failed" or "activating" => false, _ => null };
    }
}
