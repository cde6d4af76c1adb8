using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Agent;

/// <summary>The heartbeat of leitstand-agent run carries restarts, memory and CPU time of the supervised process, and the server stores them.</summary>
[Collection(StackCollection.Name)]
public sealed class AgentResourceReportTests(StackFixture stack) : AgentTestBase(stack)
{
    [Fact]
    public async Task Heartbeat_of_the_real_agent_carries_restarts_memory_and_cpu_that_the_server_stores()
    {
        var (agent, keyFile) = await CreateAgentAsync();
        var started = Path.Combine(Folder, "started");
        // Fails at its first start, runs after the restart (and keeps a CPU busy for a moment, so its CPU time is above zero).
        StartAgent("run", "--url", Host.BaseAddress.ToString(), "--key-file", keyFile, "--interval", "1",
            "--", "sh", "-c", "if [ -f \"$0\" ]; then i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; exec sleep 120; fi; touch \"$0\"; exit 3", started);

        await WaitUntilAsync(async () => await ScalarAsync<int>("""
            select count(*) from agent_heartbeats
            where agent_id = @agent and restarts = 1 and memory_bytes > 0 and cpu_seconds > 0
            """, new { agent }) > 0, "a heartbeat with restarts, memory and CPU time of the restarted child");

        Assert.Equal(0, await ScalarAsync<int>("select count(*) from agent_heartbeats where agent_id = @agent and restarts is null", new { agent }));
        Assert.True(await ScalarAsync<long>("select max(memory_bytes) from agent_heartbeats where agent_id = @agent", new { agent }) < 1L << 30,
            "the resident memory of a small shell, in bytes");
    }
}
