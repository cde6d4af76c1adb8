using Leitstand.Agent.Install;
using Leitstand.Agent.Keys;

namespace Leitstand.Tests.Agent;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes and sh stand-ins
public sealed class InstallAgentTests : IDisposable
{
    private static readonly string[] Executable = ["/opt/leitstand/leitstand-agent"];
    private readonly List<AgentHome> _homes = [];

    public void Dispose() => _homes.ForEach(h => h.Dispose());

    private AgentHome NewHome(AgentPlatform platform)
    {
        var home = new AgentHome(platform);
        _homes.Add(home);
        return home;
    }

    private static async Task<(int Exit, string Output)> InstallAsync(AgentHome home, string? key, string? url, params string[] command)
    {
        var output = new StringWriter();
        var exit = await new InstallAgent(home.Environment).ExecuteAsync(
            new InstallRequest(url, null, KeyPrompt: key is not null, command, Executable), _ => Task.FromResult(key), output, CancellationToken.None);
        return (exit, output.ToString());
    }

    [Fact]
    public async Task On_Linux_install_stores_the_key_and_writes_a_systemd_user_unit_that_runs_the_agent_command()
    {
        var home = NewHome(AgentPlatform.Linux);
        var key = AgentHome.NewKey();

        var (exit, output) = await InstallAsync(home, key + "\n", "https://leitstand.example.de/", "/opt/agent/start.sh", "--queue", "100% voll", "$HOME");

        Assert.Equal(0, exit);
        var unit = File.ReadAllText(Path.Combine(home.Home, ".config", "systemd", "user", "leitstand-agent.service"));
        Assert.Contains("ExecStart=/opt/leitstand/leitstand-agent run --url https://leitstand.example.de -- /opt/agent/start.sh --queue \"100%% voll\" $$HOME\n", unit);
        Assert.Contains("Restart=always", unit);
        Assert.Contains("WantedBy=default.target", unit);
        Assert.Equal(key, await KeyStores.ForPlatform(home.Environment).ReadAsync());
        Assert.Equal([Path.Combine(home.Home, ".config", "leitstand-agent", "key")], home.FilesContaining(key)); // not in the unit, not in config.json
        Assert.Contains("systemctl wurde nicht gefunden", output);
        Assert.Contains("systemctl --user enable --now leitstand-agent.service", output);
        Assert.DoesNotContain(key, output);
        Assert.Contains(key[..12], output);
    }

    [Fact]
    public async Task With_systemctl_on_PATH_install_enables_and_starts_the_unit()
    {
        var home = NewHome(AgentPlatform.Linux);
        home.StandIn("systemctl", "exit 0");

        var (exit, output) = await InstallAsync(home, AgentHome.NewKey(), null, "/opt/agent/start.sh");

        Assert.Equal(0, exit);
        Assert.Equal("--user\ndaemon-reload\n--\n--user\nenable\n--now\nleitstand-agent.service\n--\n", home.Argv("systemctl"));
        Assert.Contains("Dienst gestartet", output);
        Assert.Contains("ExecStart=/opt/leitstand/leitstand-agent run -- /opt/agent/start.sh\n",
            File.ReadAllText(Path.Combine(home.Home, ".config", "systemd", "user", "leitstand-agent.service")));
    }

    [Fact]
    public async Task On_macOS_install_writes_a_LaunchAgent_plist_and_keeps_the_key_in_the_keychain()
    {
        var home = NewHome(AgentPlatform.MacOS);
        home.StandIn("security", """
            case "$1" in
              -i) sed -n 's/^add-generic-password .* -w \([^ ]*\)$/\1/p' > "$STATE/password" ;;
              find-generic-password) [ -s "$STATE/password" ] || exit 44; cat "$STATE/password" ;;
            esac
            """);
        var key = AgentHome.NewKey();

        var (exit, output) = await InstallAsync(home, key, "https://leitstand.example.de", "/Applications/Agent.app/Contents/MacOS/agent", "--name", "Müller & Söhne <GmbH>");

        Assert.Equal(0, exit);
        var plist = File.ReadAllText(Path.Combine(home.Home, "Library", "LaunchAgents", "de.leitstand.agent.plist"));
        Assert.Contains("<key>Label</key>\n  <string>de.leitstand.agent</string>", plist);
        Assert.Contains("""
              <array>
                <string>/opt/leitstand/leitstand-agent</string>
                <string>run</string>
                <string>--url</string>
                <string>https://leitstand.example.de</string>
                <string>--</string>
                <string>/Applications/Agent.app/Contents/MacOS/agent</string>
                <string>--name</string>
                <string>Müller &amp; Söhne &lt;GmbH&gt;</string>
              </array>
            """, plist);
        Assert.Contains("<key>RunAtLoad</key>\n  <true/>", plist);
        Assert.Contains("<key>KeepAlive</key>\n  <true/>", plist);
        Assert.Contains(Path.Combine(home.Home, "Library", "Logs", "leitstand-agent.log"), plist);
        Assert.Empty(home.FilesContaining(key)); // only in the (stand-in) keychain
        Assert.DoesNotContain(key, home.Argv("security"));
        Assert.Contains("launchctl load -w", output);
    }

    [Fact]
    public async Task A_key_that_is_no_agent_key_stops_the_install_before_anything_is_written()
    {
        var home = NewHome(AgentPlatform.Linux);

        var error = await Assert.ThrowsAsync<KeyStoreException>(() => InstallAsync(home, "mein-passwort", null, "/opt/agent/start.sh"));

        Assert.Contains("kein Agent-Schlüssel", error.Message);
        Assert.Empty(Directory.EnumerateFiles(home.Home, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("http://leitstand.example.de", "nur über TLS")]
    [InlineData("leitstand.example.de", "keine gültige Adresse")]
    public async Task A_url_without_TLS_or_not_a_url_is_refused(string url, string message)
    {
        var home = NewHome(AgentPlatform.Linux);

        var error = await Assert.ThrowsAsync<AgentSetupException>(() => InstallAsync(home, AgentHome.NewKey(), url, "/opt/agent/start.sh"));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task Without_an_agent_command_install_says_what_belongs_after_the_double_dash()
    {
        var home = NewHome(AgentPlatform.Linux);

        var error = await Assert.ThrowsAsync<AgentSetupException>(() => InstallAsync(home, AgentHome.NewKey(), null));

        Assert.Contains("Nach „--“ fehlt der Befehl", error.Message);
    }

    [Fact]
    public async Task With_a_key_file_others_can_read_install_refuses()
    {
        var home = NewHome(AgentPlatform.Linux);
        var keyFile = Path.Combine(home.Root, "agent.key");
        File.WriteAllText(keyFile, AgentHome.NewKey());
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var error = await Assert.ThrowsAsync<KeyStoreException>(() => new InstallAgent(home.Environment).ExecuteAsync(
            new InstallRequest(null, keyFile, false, ["/opt/agent/start.sh"], Executable), _ => Task.FromResult<string?>(null), TextWriter.Null, CancellationToken.None));

        Assert.Contains("chmod 600", error.Message);
        Assert.False(File.Exists(Path.Combine(home.Home, ".config", "systemd", "user", "leitstand-agent.service")));
    }
}
