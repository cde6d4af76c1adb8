using static Leitstand.Tests.Agent.AgentInput;

namespace Leitstand.Tests.Agent;

/// <summary>Bad input to checkin and exec: a German message, a non-zero exit, never a stack trace, nothing run. No server needed.</summary>
public sealed class AgentCheckInBadInputTests : IDisposable
{
    private readonly AgentInput _input = new();
    private string KeyFile => _input.KeyFile;
    private string Folder => _input.Folder;

    public void Dispose() => _input.Dispose();

    [Fact]
    public async Task Unknown_status_is_refused() =>
        AssertRefused(await RunAsync("checkin", "report", "--status", "fertig", "--url", "http://127.0.0.1:9", "--key-file", KeyFile), "--status erlaubt nur in_progress, ok oder error");

    [Fact]
    public async Task Missing_status_is_refused() =>
        AssertRefused(await RunAsync("checkin", "report", "--url", "http://127.0.0.1:9", "--key-file", KeyFile), "--status fehlt");

    [Theory]
    [InlineData("Rechnungen prüfen")]
    [InlineData("-x")]
    [InlineData("REPORT")]
    public async Task Bad_workflow_key_is_refused(string workflow) =>
        AssertRefused(await RunAsync("checkin", workflow, "--status", "ok", "--url", "http://127.0.0.1:9", "--key-file", KeyFile), "kein Workflow-Schlüssel");

    [Fact]
    public async Task Bad_workflow_key_is_refused_by_exec_before_the_command_runs()
    {
        var marker = Path.Combine(Folder, "ran");
        AssertRefused(await RunAsync("exec", "Rechnungen", "--url", "http://127.0.0.1:9", "--key-file", KeyFile, "--", "touch", marker), "kein Workflow-Schlüssel");
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Error_code_with_free_text_is_refused() =>
        AssertRefused(await RunAsync("checkin", "report", "--status", "error", "--error-code", "Passwort falsch", "--url", "http://127.0.0.1:9", "--key-file", KeyFile), "keinen Freitext");

    [Fact]
    public async Task Error_code_with_ok_is_refused() =>
        AssertRefused(await RunAsync("checkin", "report", "--status", "ok", "--error-code", "E1", "--url", "http://127.0.0.1:9", "--key-file", KeyFile), "nur mit --status error");

    [Fact]
    public async Task Duration_that_is_not_a_number_is_refused() =>
        AssertRefused(await RunAsync("checkin", "report", "--status", "ok", "--duration", "lang", "--url", "http://127.0.0.1:9", "--key-file", KeyFile), "--duration erwartet");

    [Fact]
    public async Task Check_in_id_that_is_not_one_is_refused() =>
        AssertRefused(await RunAsync("checkin", "report", "--status", "ok", "--check-in-id", "123", "--url", "http://127.0.0.1:9", "--key-file", KeyFile), "--check-in-id erwartet");

    [Fact]
    public async Task Exec_command_without_double_dash_is_refused() =>
        AssertRefused(await RunAsync("exec", "report", "--url", "http://127.0.0.1:9", "--key-file", KeyFile, "sleep", "1"), "steht der überwachte Befehl nach --");

    [Fact]
    public async Task Exec_without_a_command_is_refused() =>
        AssertRefused(await RunAsync("exec", "report", "--url", "http://127.0.0.1:9", "--key-file", KeyFile), "Der auszuführende Befehl fehlt");

    [Fact]
    public async Task Exec_with_a_bad_url_is_refused() =>
        AssertRefused(await RunAsync("exec", "report", "--url", "http://leitstand.example.de", "--key-file", KeyFile, "--", "true"), "nur verschlüsselt");

    [Fact]
    public async Task Cron_and_every_together_are_refused() =>
        AssertRefused(await RunAsync("checkin", "report", "--status", "ok", "--cron", "0 8 * * 1-5", "--every", "PT1H", "--url", "http://127.0.0.1:9", "--key-file", KeyFile), "nicht beides");

    [Fact]
    public async Task Exec_of_a_command_that_does_not_exist_exits_127_in_german()
    {
        var result = await RunAsync("exec", "report", "--url", "http://127.0.0.1:9", "--key-file", KeyFile, "--", Path.Combine(Folder, "gibt-es-nicht"));
        Assert.Equal(127, result.Code);
        Assert.Contains("ließ sich nicht starten", result.Error);
    }
}
