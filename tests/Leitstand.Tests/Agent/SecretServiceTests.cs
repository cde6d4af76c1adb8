using Leitstand.Agent.Keys;

namespace Leitstand.Tests.Agent;

/// <summary>The Secret Service path against a stand-in <c>secret-tool</c> on PATH, and its 0600 file fallback.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes and sh stand-ins
public sealed class SecretServiceTests : IDisposable
{
    private readonly AgentHome _home = new();

    public void Dispose() => _home.Dispose();

    private void WorkingSecretTool() => _home.StandIn("secret-tool", $$"""
        case "$1" in
          store) cat > "$STATE/secret"; cp "$STATE/secret" '{{_home.StdinFile("secret-tool")}}' ;;
          lookup) [ -s "$STATE/secret" ] || exit 1; cat "$STATE/secret" ;;
          clear) rm -f "$STATE/secret" ;;
          *) exit 2 ;;
        esac
        """);

    [Fact]
    public async Task The_key_goes_to_secret_tool_on_stdin_and_never_into_its_arguments()
    {
        WorkingSecretTool();
        var key = AgentHome.NewKey();
        var store = KeyStores.ForPlatform(_home.Environment);

        var where = await store.StoreAsync(key);
        var read = await store.ReadAsync();

        Assert.Equal("Linux Secret Service (secret-tool)", where);
        Assert.Equal(key, read);
        Assert.Equal(key, _home.Stdin("secret-tool"));
        var argv = _home.Argv("secret-tool");
        Assert.Contains("store\n--label=Leitstand-Agent\nservice\nleitstand-agent\naccount\nagent-key\n", argv);
        Assert.Contains("lookup\nservice\nleitstand-agent\naccount\nagent-key\n", argv);
        Assert.DoesNotContain(key, argv);
        Assert.Empty(_home.FilesContaining(key)); // no fallback file beside it
    }

    [Fact]
    public async Task Removing_the_key_clears_the_secret()
    {
        WorkingSecretTool();
        var store = new SecretService(_home.Environment);
        await store.StoreAsync(AgentHome.NewKey());

        Assert.True(await store.RemoveAsync());
        Assert.Null(await store.ReadAsync());
        Assert.Contains("clear\nservice\nleitstand-agent\naccount\nagent-key\n", _home.Argv("secret-tool"));
    }

    [Fact]
    public async Task Without_secret_tool_the_key_goes_into_the_0600_file()
    {
        var key = AgentHome.NewKey();
        var store = new SecretService(_home.Environment);

        var where = await store.StoreAsync(key);

        Assert.Contains(store.Fallback.Path, where);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Fallback.Path));
        Assert.Equal(key, await store.ReadAsync());
    }

    [Fact]
    public async Task Without_a_running_secret_service_the_key_goes_into_the_0600_file()
    {
        _home.StandIn("secret-tool", "echo 'secret-tool: Cannot autolaunch D-Bus without X11 $DISPLAY' >&2; exit 1");
        var key = AgentHome.NewKey();
        var store = new SecretService(_home.Environment);

        await store.StoreAsync(key);

        Assert.Equal(key, await store.ReadAsync());
        Assert.Equal([store.Fallback.Path], _home.FilesContaining(key));
        Assert.DoesNotContain(key, _home.Argv("secret-tool"));
    }

    [Fact]
    public async Task A_fallback_file_others_can_read_is_refused()
    {
        var store = new SecretService(_home.Environment);
        await store.StoreAsync(AgentHome.NewKey());
        File.SetUnixFileMode(store.Fallback.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var error = await Assert.ThrowsAsync<KeyStoreException>(() => store.ReadAsync());

        Assert.Contains("chmod 600", error.Message);
    }
}
