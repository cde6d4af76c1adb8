using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Agent;

/// <summary><c>leitstand-agent checkin</c>: one check-in; in_progress prints the id that a later ok/error closes.</summary>
[Collection(StackCollection.Name)]
public sealed class AgentCheckInTests(StackFixture stack) : AgentTestBase(stack)
{
    [Fact]
    public async Task In_progress_prints_the_check_in_id_and_a_later_ok_with_that_id_closes_the_run()
    {
        var (agent, keyFile) = await CreateAgentAsync();
        var url = Host.BaseAddress.ToString();

        var started = await RunAgentAsync("checkin", "report", "--status", "in_progress", "--every", "PT2H", "--url", url, "--key-file", keyFile);

        Assert.Equal(0, started.ExitCode);
        var id = Guid.Parse(started.Out.Trim());
        Assert.Contains("--check-in-id " + id, started.Error);
        Assert.Equal("in_progress", await ScalarAsync<string>("select last_state from agent_workflows where agent_id = @agent and key = 'report'", new { agent }));
        Assert.Equal(id, await ScalarAsync<Guid>("select last_check_in_id from agent_workflows where agent_id = @agent", new { agent }));

        var finished = await RunAgentAsync("checkin", "report", "--status", "ok", "--check-in-id", id.ToString(), "--url", url, "--key-file", keyFile);

        Assert.Equal(0, finished.ExitCode);
        Assert.Contains("angenommen", finished.Error);
        Assert.Equal("ok", await ScalarAsync<string>("select last_state from agent_workflows where agent_id = @agent and key = 'report'", new { agent }));
        Assert.Equal(id, await ScalarAsync<Guid>("select last_check_in_id from agent_workflows where agent_id = @agent", new { agent }));
        Assert.NotNull(await ScalarAsync<DateTime?>("select last_finished_at from agent_workflows where agent_id = @agent", new { agent }));
    }

    [Fact]
    public async Task An_error_with_duration_and_code_is_recorded_as_a_whole_run()
    {
        var (agent, keyFile) = await CreateAgentAsync();

        var result = await RunAgentAsync("checkin", "mail-import", "--status", "error", "--duration", "12.5", "--error-code", "IMAP_TIMEOUT",
            "--cron", "*/15 * * * *", "--url", Host.BaseAddress.ToString(), "--key-file", keyFile);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("IMAP_TIMEOUT", await ScalarAsync<string>("select last_error_code from agent_workflows where agent_id = @agent and key = 'mail-import'", new { agent }));
        Assert.Equal(12.5, await ScalarAsync<double>("select last_duration_s from agent_workflows where agent_id = @agent", new { agent }), 3);
    }

    [Fact]
    public async Task An_unknown_workflow_without_a_rhythm_is_refused_with_the_servers_german_message()
    {
        var (agent, keyFile) = await CreateAgentAsync();

        var result = await RunAgentAsync("checkin", "unbekannt", "--status", "ok", "--url", Host.BaseAddress.ToString(), "--key-file", keyFile);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("abgelehnt (422)", result.Error);
        Assert.Contains("schedule:", result.Error);
        Assert.Equal(0, await ScalarAsync<int>("select count(*)::int from agent_workflows where agent_id = @agent", new { agent }));
    }

    [Fact]
    public async Task A_key_the_server_does_not_know_fails_with_a_german_message()
    {
        var keyFile = Path.Combine(Folder, "unknown.key");
        await File.WriteAllTextAsync(keyFile, "lsa_" + Guid.NewGuid().ToString("N") + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var result = await RunAgentAsync("checkin", "report", "--status", "ok", "--every", "PT1H", "--url", Host.BaseAddress.ToString(), "--key-file", keyFile);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("kennt den Agent-Schlüssel nicht", result.Error);
    }
}
