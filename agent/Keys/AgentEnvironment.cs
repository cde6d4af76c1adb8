namespace Leitstand.Agent.Keys;

public enum AgentPlatform { Linux, MacOS, Windows }

/// <summary>
/// Where the agent keeps its files and finds the tools of the OS (security, secret-tool, systemctl, launchctl,
/// schtasks). Taken from the process by default; tests build one over a temp HOME and a PATH of stand-in tools.
/// </summary>
public sealed record AgentEnvironment(AgentPlatform Platform, string Home, string ConfigDirectory, string StateDirectory, string SearchPath)
{
    public const string Name = "leitstand-agent";

    public static AgentEnvironment FromProcess()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (OperatingSystem.IsWindows())
        {
            return new AgentEnvironment(AgentPlatform.Windows, home,
                Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), Name),
                Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), Name), path);
        }
        if (OperatingSystem.IsMacOS())
            return ForHome(AgentPlatform.MacOS, home, path);
        return ForHome(AgentPlatform.Linux, home, path,
            Environment.GetEnvironmentVariable("XDG_CONFIG_HOME"), Environment.GetEnvironmentVariable("XDG_STATE_HOME"));
    }

    /// <summary>macOS: ~/Library/Application Support; Linux: $XDG_CONFIG_HOME (~/.config) and $XDG_STATE_HOME (~/.local/state).</summary>
    public static AgentEnvironment ForHome(AgentPlatform platform, string home, string searchPath, string? xdgConfigHome = null, string? xdgStateHome = null)
    {
        if (platform == AgentPlatform.MacOS)
        {
            var support = Path.Combine(home, "Library", "Application Support", Name);
            return new AgentEnvironment(platform, home, support, support, searchPath);
        }
        var config = string.IsNullOrWhiteSpace(xdgConfigHome) ? Path.Combine(home, ".config") : xdgConfigHome;
        var state = string.IsNullOrWhiteSpace(xdgStateHome) ? Path.Combine(home, ".local", "state") : xdgStateHome;
        return new AgentEnvironment(platform, home, Path.Combine(config, Name), Path.Combine(state, Name), searchPath);
    }

    /// <summary>The config home of systemd user units ($XDG_CONFIG_HOME, the parent of <see cref="ConfigDirectory"/> on Linux).</summary>
    public string ConfigHome => Path.GetDirectoryName(ConfigDirectory)!;

    /// <summary>Full path of a tool found on <see cref="SearchPath"/>, or null.</summary>
    public string? FindTool(string name)
    {
        var names = Platform == AgentPlatform.Windows && !name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? new[] { name + ".exe", name } : [name];
        foreach (var directory in SearchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var candidate in names)
            {
                var full = Path.Combine(directory, candidate);
                if (File.Exists(full)) return full;
            }
        }
        return null;
    }
}
