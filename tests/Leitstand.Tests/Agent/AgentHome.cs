using Leitstand.Agent.Keys;
using Leitstand.Monitoring;

namespace Leitstand.Tests.Agent;

/// <summary>
/// A throwaway HOME for the agent and a bin folder that is its whole PATH, where a test puts stand-ins for the OS
/// tools (security, secret-tool, systemctl, launchctl). Each stand-in appends its arguments, one per line, to
/// &lt;tool&gt;.argv and its stdin to &lt;tool&gt;.stdin, so a test can prove what went where.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes and sh stand-ins
public sealed class AgentHome : IDisposable
{
    public AgentHome(AgentPlatform platform = AgentPlatform.Linux)
    {
        Root = Path.Combine(Path.GetTempPath(), "leitstand-agent-" + Guid.NewGuid().ToString("N")[..8]);
        Home = Path.Combine(Root, "home");
        Bin = Path.Combine(Root, "bin");
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Bin);
        Environment = AgentEnvironment.ForHome(platform, Home, Bin);
    }

    public string Root { get; }
    public string Home { get; }
    public string Bin { get; }
    public AgentEnvironment Environment { get; }

    public static string NewKey() => AgentKeys.Generate().Key;

    /// <summary>A stand-in tool: records argv and stdin, then runs <paramref name="body"/> (sh; $STATE is a folder of its own).</summary>
    public void StandIn(string tool, string body)
    {
        var state = Path.Combine(Root, tool + ".state");
        Directory.CreateDirectory(state);
        var script = $"""
            #!/bin/sh
            STATE='{state}'
            for a in "$@"; do printf '%s\n' "$a" >> '{Path.Combine(Root, tool + ".argv")}'; done
            printf '%s\n' '--' >> '{Path.Combine(Root, tool + ".argv")}'
            {body}

            """;
        var path = Path.Combine(Bin, tool);
        File.WriteAllText(path, script);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Argv(string tool) => File.Exists(Path.Combine(Root, tool + ".argv")) ? File.ReadAllText(Path.Combine(Root, tool + ".argv")) : "";
    public string Stdin(string tool) => File.Exists(Path.Combine(Root, tool + ".stdin")) ? File.ReadAllText(Path.Combine(Root, tool + ".stdin")) : "";
    public string StdinFile(string tool) => Path.Combine(Root, tool + ".stdin");

    /// <summary>Every file under HOME whose text contains <paramref name="text"/>.</summary>
    public IEnumerable<string> FilesContaining(string text) =>
        Directory.EnumerateFiles(Home, "*", SearchOption.AllDirectories).Where(f => File.ReadAllText(f).Contains(text, StringComparison.Ordinal));

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
