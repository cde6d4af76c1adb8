using Leitstand.Agent.Install;
using Leitstand.Agent.Keys;

namespace Leitstand.Tests.Agent;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes and sh stand-ins
public sealed class UninstallAgentTests : IDisposable
{
    private readonly AgentHome _home = new();

    public void Dispose() => _home.Dispose();

    private string UnitPath => Path.Combine(_home.Home, ".config", "systemd", "user", "leitstand-agent.service");

    private async Task InstallAsync(string key) =>
        await new InstallAgent(_home.Environment).ExecuteAsync(new InstallRequest("https://leitstand.example.de", null, true, ["/opt/agent/start.sh"], ["/opt/leitstand-agent"]),
            _ => Task.FromResult<string?>(key), TextWriter.Null, CancellationToken.None);

    [Fact]
    public async Task Uninstall_stops_and_removes_the_unit_and_keeps_the_key()
    {
        var key = AgentHome.NewKey();
        await InstallAsync(key);
        _home.StandIn("systemctl", "exit 0");
        var output = new StringWriter();

        var exit = await new UninstallAgent(_home.Environment).ExecuteAsync(removeKey: false, output, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.False(File.Exists(UnitPath));
        Assert.False(File.Exists(AgentConfig.PathFor(_home.Environment)));
        Assert.Contains("--user\ndisable\n--now\nleitstand-agent.service\n", _home.Argv("systemctl"));
        Assert.Equal(key, await KeyStores.ForPlatform(_home.Environment).ReadAsync());
        Assert.Contains("Der Schlüssel bleibt gespeichert", output.ToString());
    }

    [Fact]
    public async Task Uninstall_with_remove_key_also_deletes_the_key()
    {
        await InstallAsync(AgentHome.NewKey());
        var output = new StringWriter();

        await new UninstallAgent(_home.Environment).ExecuteAsync(removeKey: true, output, CancellationToken.None);

        Assert.False(File.Exists(UnitPath));
        Assert.Null(await KeyStores.ForPlatform(_home.Environment).ReadAsync());
        Assert.Contains("Schlüssel gelöscht", output.ToString());
    }

    [Fact]
    public async Task Uninstall_on_macOS_unloads_and_removes_the_LaunchAgent()
    {
        using var mac = new AgentHome(AgentPlatform.MacOS);
        var plist = new LaunchAgent(mac.Environment);
        plist.Write(["/opt/leitstand-agent", "run", "--", "/opt/agent/start.sh"]);
        mac.StandIn("launchctl", "exit 0");

        await new UninstallAgent(mac.Environment).ExecuteAsync(removeKey: false, TextWriter.Null, CancellationToken.None);

        Assert.False(File.Exists(plist.DefinitionPath));
        Assert.Equal($"unload\n-w\n{plist.DefinitionPath}\n--\n", mac.Argv("launchctl"));
    }
}
