using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Agent;

[Collection(StackCollection.Name)]
public sealed class AgentStopTests(StackFixture stack) : AgentTestBase(stack)
{
    [Fact]
    public async Task Stopping_the_agent_ends_the_child_cleanly_with_sigterm()
    {
        var (agent, keyFile) = await CreateAgentAsync();
        var stopped = Path.Combine(Folder, "stopped");
        var running = StartAgent("run", "--url", Host.BaseAddress.ToString(), "--key-file", keyFile,
            "--", "sh", "-c", "trap 'echo term > \"$0\"; exit 0' TERM; while true; do sleep 0.1; done", stopped);
        await WaitUntilAsync(async () => await ScalarAsync<int>("select count(*) from agent_heartbeats where agent_id = @agent", new { agent }) > 0,
            "the first heartbeat");

        await running.StopAsync();

        Assert.True(running.Exit.IsCompleted);
        Assert.Equal(0, await running.Exit);
        Assert.Equal("term", (await File.ReadAllTextAsync(stopped)).Trim());
    }
}
