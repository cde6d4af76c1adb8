using Leitstand.Agent;

namespace Leitstand.Tests.Agent;

/// <summary>Bad input: a German message for the person installing, a non-zero exit, never a stack trace. No server needed.</summary>
public sealed class AgentBadInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("leitstand-agent-input-").FullName;
    private readonly string _key;

    public AgentBadInputTests()
    {
        _key = Path.Combine(_folder, "agent.key");
        File.WriteAllText(_key, "lsa_test-key-of-the-right-shape\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int Code, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await AgentCli.InvokeAsync(args, new AgentConsole(output, error)).WaitAsync(TimeSpan.FromSeconds(30));
        return (code, error.ToString());
    }

    private static void AssertRefused((int Code, string Error) result, string german)
    {
        Assert.NotEqual(0, result.Code);
        Assert.Contains(german, result.Error);
        Assert.DoesNotContain("Exception", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task Unknown_flag_is_named_in_german() =>
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", _key, "--neustart", "--", "true"), "Unbekannte Option: '--neustart'");

    [Fact]
    public async Task Command_without_double_dash_is_refused() =>
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", _key, "sleep", "1"), "steht der überwachte Befehl nach --");

    [Fact]
    public async Task Nothing_after_double_dash_is_refused() =>
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", _key, "--"), "Der zu überwachende Befehl fehlt");

    [Fact]
    public async Task Missing_key_file_is_refused() =>
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", Path.Combine(_folder, "fehlt.key"), "--", "true"), "gibt es nicht");

    [Fact]
    public async Task Key_file_that_others_can_read_is_refused()
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", _key, "--", "true"), "auch für andere lesbar");
    }

    [Fact]
    public async Task Key_file_without_a_key_is_refused()
    {
        await File.WriteAllTextAsync(_key, "\n");
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", _key, "--", "true"), "kein Schlüssel angegeben");
    }

    [Theory]
    [InlineData("keine-adresse", "keine gültige Adresse")]
    [InlineData("ftp://leitstand.example.de", "keine gültige Adresse")]
    [InlineData("http://leitstand.example.de", "nur verschlüsselt")]
    public async Task Bad_url_is_refused(string url, string german) =>
        AssertRefused(await RunAsync("run", "--url", url, "--key-file", _key, "--", "true"), german);

    [Fact]
    public async Task Bad_number_is_refused() =>
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", _key, "--interval", "oft", "--", "true"), "--interval erwartet eine ganze Zahl");

    [Fact]
    public async Task Unknown_restart_policy_is_refused() =>
        AssertRefused(await RunAsync("run", "--url", "http://127.0.0.1:9", "--key-file", _key, "--restart", "manchmal", "--", "true"), "on-failure, always oder never");

    [Fact]
    public async Task No_command_at_all_asks_for_one() =>
        AssertRefused(await RunAsync(), "Bitte einen Befehl angeben");
}
