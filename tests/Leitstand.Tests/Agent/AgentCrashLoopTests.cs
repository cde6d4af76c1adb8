using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Agent;

[Collection(StackCollection.Name)]
public sealed class AgentCrashLoopTests(StackFixture stack) : AgentTestBase(stack)
{
    [Fact]
    public async Task Child_that_keeps_failing_opens_a_crash_loop_whose_automatic_restart_is_acknowledged_and_resolves_once_healthy()
    {
        var (agent, keyFile) = await CreateAgentAsync();
        var healthy = Path.Combine(Folder, "healthy");
        // Fails until the marker file exists, then runs.
        StartAgent("run", "--url", Host.BaseAddress.ToString(), "--key-file", keyFile, "--interval", "300", "--healthy-after", "2",
            "--", "sh", "-c", "if [ -f \"$0\" ]; then exec sleep 120; fi; exit 3", healthy);

        await WaitUntilAsync(async () => await ScalarAsync<int>(
            "select count(*) from incidents where agent_id = @agent and error_class = 'crash_loop' and status <> 'resolved'", new { agent }) == 1,
            "a crash_loop incident");
        await File.WriteAllTextAsync(healthy, "");

        await WaitUntilAsync(async () => await ScalarAsync<int>(
            "select count(*) from incidents where agent_id = @agent and error_class = 'crash_loop' and status = 'resolved'", new { agent }) == 1,
            "the crash_loop incident resolved");
        var incident = await ScalarAsync<Guid>("select id from incidents where agent_id = @agent and error_class = 'crash_loop'", new { agent });
        var events = (await Dapper.SqlMapper.QueryAsync<string>(await Stack.Admin.OpenConnectionAsync(),
            "select kind::text from incident_events where incident_id = @incident order by at, id", new { incident })).ToList();
        Assert.Contains("restart_requested", events);
        Assert.Contains("restart_delivered", events);
        Assert.Contains("restart_acknowledged", events);
        Assert.Equal("resolved", events[^1]);
        Assert.DoesNotContain("escalated", events);
        Assert.True(await ScalarAsync<int>("select count(*) from agent_commands where agent_id = @agent and automatic and status = 'acknowledged'", new { agent }) >= 1);
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from agent_commands where agent_id = @agent and status <> 'acknowledged'", new { agent }));
        Assert.Equal("ok", await ScalarAsync<string>("select last_status::text from agents where id = @agent", new { agent }));
    }
}
