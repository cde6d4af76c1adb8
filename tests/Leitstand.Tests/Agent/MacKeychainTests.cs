using Leitstand.Agent.Keys;

namespace Leitstand.Tests.Agent;

/// <summary>The Keychain path against a stand-in <c>security</c> on PATH that keeps one password as Apple's would.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes and sh stand-ins
public sealed class MacKeychainTests : IDisposable
{
    private readonly AgentHome _home = new(AgentPlatform.MacOS);

    public MacKeychainTests() => _home.StandIn("security", $$"""
        case "$1" in
          -i) cat >> '{{_home.StdinFile("security")}}'
              # the command arrives on stdin: add-generic-password -U -s S -a A -l L -w KEY
              sed -n 's/^add-generic-password .* -w \([^ ]*\)$/\1/p' '{{_home.StdinFile("security")}}' | tail -n 1 > "$STATE/password" ;;
          find-generic-password) [ -s "$STATE/password" ] || { echo 'security: The specified item could not be found in the keychain.' >&2; exit 44; }
              cat "$STATE/password" ;;
          delete-generic-password) [ -s "$STATE/password" ] || exit 44; rm "$STATE/password" ;;
          *) exit 2 ;;
        esac
        """);

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task The_key_goes_to_the_keychain_on_stdin_and_never_into_the_arguments_of_security()
    {
        var key = AgentHome.NewKey();
        var keychain = KeyStores.ForPlatform(_home.Environment);

        await keychain.StoreAsync(key);
        var read = await keychain.ReadAsync();

        Assert.IsType<MacKeychain>(keychain);
        Assert.Equal(key, read);
        Assert.Contains($"-s leitstand-agent -a agent-key -l Leitstand-Agent -w {key}", _home.Stdin("security"));
        var argv = _home.Argv("security");
        Assert.Contains("find-generic-password\n-s\nleitstand-agent\n-a\nagent-key\n-w\n", argv);
        Assert.DoesNotContain(key, argv);
    }

    [Fact]
    public async Task Without_an_entry_there_is_no_key_and_removing_says_so()
    {
        var keychain = new MacKeychain(_home.Environment);

        Assert.Null(await keychain.ReadAsync());
        Assert.False(await keychain.RemoveAsync());
    }

    [Fact]
    public async Task Removing_the_key_deletes_the_keychain_entry()
    {
        var keychain = new MacKeychain(_home.Environment);
        await keychain.StoreAsync(AgentHome.NewKey());

        Assert.True(await keychain.RemoveAsync());
        Assert.Null(await keychain.ReadAsync());
        Assert.Contains("delete-generic-password\n-s\nleitstand-agent\n-a\nagent-key\n", _home.Argv("security"));
    }

    [Fact]
    public async Task A_keychain_that_refuses_to_store_is_reported_in_German()
    {
        _home.StandIn("security", "exit 0"); // accepts anything, keeps nothing (a locked keychain)
        var keychain = new MacKeychain(_home.Environment);

        var error = await Assert.ThrowsAsync<KeyStoreException>(() => keychain.StoreAsync(AgentHome.NewKey()));

        Assert.Contains("Schlüsselbund", error.Message);
    }
}
