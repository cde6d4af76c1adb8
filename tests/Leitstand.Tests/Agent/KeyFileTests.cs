using Leitstand.Agent.Keys;

namespace Leitstand.Tests.Agent;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes and sh stand-ins
public sealed class KeyFileTests : IDisposable
{
    private readonly AgentHome _home = new();

    public void Dispose() => _home.Dispose();

    private string WriteKeyFile(string content, UnixFileMode mode)
    {
        var path = Path.Combine(_home.Home, "agent.key");
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public async Task A_key_file_only_its_owner_can_read_is_used()
    {
        var key = AgentHome.NewKey();
        var path = WriteKeyFile(key + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Equal(key, await new KeyFile(path).ReadRequiredAsync());
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.OtherWrite)]
    public async Task A_key_file_others_can_read_or_write_is_refused_with_the_chmod_to_run(UnixFileMode mode)
    {
        var path = WriteKeyFile(AgentHome.NewKey(), mode);

        var error = await Assert.ThrowsAsync<KeyStoreException>(() => new KeyFile(path).ReadRequiredAsync());

        Assert.Contains("auch für andere", error.Message);
        Assert.Contains($"chmod 600 {path}", error.Message);
    }

    [Fact]
    public async Task A_missing_key_file_or_one_without_an_agent_key_is_refused_without_echoing_its_content()
    {
        var missing = Path.Combine(_home.Home, "nope.key");
        var wrong = WriteKeyFile("password=hunter2", UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var notThere = await Assert.ThrowsAsync<KeyStoreException>(() => new KeyFile(missing).ReadRequiredAsync());
        var notAKey = await Assert.ThrowsAsync<KeyStoreException>(() => new KeyFile(wrong).ReadRequiredAsync());

        Assert.Contains("gibt es nicht", notThere.Message);
        Assert.Contains("kein Agent-Schlüssel", notAKey.Message);
        Assert.DoesNotContain("hunter2", notAKey.Message);
    }

    [Fact]
    public async Task The_fallback_file_is_written_0600_in_a_0700_folder_under_XDG_CONFIG_HOME()
    {
        var key = AgentHome.NewKey();
        var store = KeyFile.ForEnvironment(_home.Environment);

        await store.StoreAsync(key);

        Assert.Equal(Path.Combine(_home.Home, ".config", "leitstand-agent", "key"), store.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(store.Path)!));
        Assert.Equal(key, await store.ReadAsync());
        Assert.True(await store.RemoveAsync());
        Assert.Null(await store.ReadAsync());
    }
}
