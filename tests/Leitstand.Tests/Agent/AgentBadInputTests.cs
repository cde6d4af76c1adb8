using static Leitstand.Tests.Agent.AgentInput;

namespace Leitstand.Tests.Agent;

/// <summary>Bad input: a German message for the person installing, a non-zero exit, never a stack trace. No server needed.</summary>
public sealed class AgentBadInputTests : IDisposable
{
    private readonly AgentInput _input = new();
    private string KeyFile => _input.KeyFile;
    private string Folder => _input.Folder;

    public void Dispose() => _input.Dispose();

    [Fact]
    public async Task Unknown_flag_is_named_in_german() =>
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", KeyFile, "--neustart", "--", "true"), "Unbekannte Option: '--neustart'");

    [Fact]
    public async Task Command_without_double_dash_is_refused() =>
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", KeyFile, "sleep", "1"), "steht der überwachte Befehl nach --");

    [Fact]
    public async Task Nothing_after_double_dash_is_refused() =>
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", KeyFile, "--"), "Der zu überwachende Befehl fehlt");

    [Fact]
    public async Task Missing_key_file_is_refused() =>
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", Path.Combine(Folder, "fehlt.key"), "--", "true"), "gibt es nicht");

    [Fact]
    public async Task Key_file_that_others_can_read_is_refused()
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", KeyFile, "--", "true"), "auch für andere lesbar");
    }

    [Fact]
    public async Task Key_file_without_a_key_is_refused()
    {
        await File.WriteAllTextAsync(KeyFile, "\n");
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", KeyFile, "--", "true"), "kein Schlüssel angegeben");
    }

    [Theory]
    [InlineData("keine-adresse", "keine gültige Adresse")]
    [InlineData("ftp://leitstand.example.de", "keine gültige Adresse")]
    [InlineData("http://leitstand.example.de", "nur verschlüsselt")]
    public async Task Bad_url_is_refused(string url, string german) =>
        AssertRefused(await RunAsync("run", "--url", url, "--key-file", KeyFile, "--", "true"), german);

    [Fact]
    public async Task Bad_number_is_refused() =>
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", KeyFile, "--interval", "oft", "--", "true"), "--interval erwartet eine ganze Zahl");

    [Fact]
    public async Task Unknown_restart_policy_is_refused() =>
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", KeyFile, "--restart", "manchmal", "--", "true"), "on-failure, always oder never");

    [Fact]
    public async Task No_command_at_all_asks_for_one() =>
        AssertRefused(await RunAsync(), "Bitte einen Befehl angeben");
}
