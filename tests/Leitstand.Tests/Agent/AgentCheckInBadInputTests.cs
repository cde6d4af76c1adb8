using Leitstand.Agent;

namespace Leitstand.Tests.Agent;

/// <summary>Bad input to checkin and exec: a German message, a non-zero exit, never a stack trace, nothing run. No server needed.</summary>
public sealed class AgentCheckInBadInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("leitstand-agent-checkin-input-").FullName;
    private readonly string _key;

    public AgentCheckInBadInputTests()
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
    public async Task Unknown_status_is_refused() =>
        AssertRefused(await RunAsync("checkin", "report", "--status", "fertig", "--url", "http://127.0.0.1:9", "--key-file", _key), "--status erlaubt nur in_progress, ok oder error");

    [Fact]
    public async Task Missing_status_is_refused() =>
        AssertRefused(await RunAsync("checkin", "report", "--url", "http://127.0.0.1:9", "--key-file", _key), "--status fehlt");

    [Theory]
    [InlineData("Rechnungen prüfen")]
    [InlineData("-x")]
    [InlineData("REPORT")]
    public async Task Bad_workflow_key_is_refused(string workflow) =>
        AssertRefused(await RunAsync("checkin", workflow, "--status", "ok", "--url", "http://127.0.0.1:9", "--key-file", _key), "kein Workflow-Schlüssel");

    [Fact]
    public async Task Bad_workflow_key_is_refused_by_exec_before_the_command_runs()
    {
        var marker = Path.Combine(_folder, "ran");
        AssertRefused(await RunAsync("exec", "Rechnungen", "--url", "http://127.0.0.1:9", "--key-file", _key, "--", "touch", marker), "kein Workflow-Schlüssel");
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Error_code_with_free_text_is_refused() =>
        AssertRefused(await RunAsync("checkin", "report", "--status", "error", "--error-code", "Passwort falsch", "--url", "http://127.0.0.1:9", "--key-file", _key), "keinen Freitext");

    [Fact]
    public async Task Error_code_with_ok_is_refused() =>
        AssertRefused(await RunAsync("checkin", "report", "--status", "ok", "--error-code", "E1", "--url", "http://127.0.0.1:9", "--key-file", _key), "nur mit --status error");

    [Fact]
    public async Task Duration_that_is_not_a_number_is_refused() =>
        AssertRefused(await RunAsync("checkin", "report", "--status", "ok", "--duration", "lang", "--url", "http://127.0.0.1:9", "--key-file", _key), "--duration erwartet");

    [Fact]
    public async Task Check_in_id_that_is_not_one_is_refused() =>
        AssertRefused(await RunAsync("checkin", "report", "--status", "ok", "--check-in-id", "123", "--url", "http://127.0.0.1:9", "--key-file", _key), "--check-in-id erwartet");

    [Fact]
    public async Task Exec_command_without_double_dash_is_refused() =>
        AssertRefused(await RunAsync("exec", "report", "--url", "http://127.0.0.1:9", "--key-file", _key, "sleep", "1"), "steht der überwachte Befehl nach --");

    [Fact]
    public async Task Exec_without_a_command_is_refused() =>
        AssertRefused(await RunAsync("exec", "report", "--url", "http://127.0.0.1:9", "--key-file", _key), "Der auszuführende Befehl fehlt");

    [Fact]
    public async Task Exec_with_a_bad_url_is_refused() =>
        AssertRefused(await RunAsync("exec", "report", "--url", "http://leitstand.example.de", "--key-file", _key, "--", "true"), "nur verschlüsselt");

    [Fact]
    public async Task Cron_and_every_together_are_refused() =>
        AssertRefused(await RunAsync("checkin", "report", "--status", "ok", "--cron", "0 8 * * 1-5", "--every", "PT1H", "--url", "http://127.0.0.1:9", "--key-file", _key), "nicht beides");

    [Fact]
    public async Task Exec_of_a_command_that_does_not_exist_exits_127_in_german()
    {
        var result = await RunAsync("exec", "report", "--url", "http://127.0.0.1:9", "--key-file", _key, "--", Path.Combine(_folder, "gibt-es-nicht"));
        Assert.Equal(127, result.Code);
        Assert.Contains("ließ sich nicht starten", result.Error);
    }
}
