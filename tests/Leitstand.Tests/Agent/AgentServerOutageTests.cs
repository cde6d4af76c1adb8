using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Agent;

[Collection(StackCollection.Name)]
public sealed class AgentServerOutageTests(StackFixture stack) : AgentTestBase(stack)
{
    // The server starts later, in the test.
    public override Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Unreachable_server_neither_stops_the_child_and_its_state_goes_at_once_when_the_server_is_back()
    {
        var (agent, keyFile) = await CreateAgentAsync();
        var port = Processes.FreeTcpPort();
        var starts = Path.Combine(Folder, "starts");
        var running = StartAgent("run", "--url", $"http://127.0.0.1:{port}", "--key-file", keyFile, "--interval", "300",
            "--", "sh", "-c", "echo started >> \"$0\"; exit 4", starts);

        // The child is restarted on its backoff while no server answers: 1 s, 2 s, then the crash loop.
        await WaitUntilAsync(() => Task.FromResult(File.Exists(starts) && File.ReadAllLines(starts).Length >= 3), "three starts without a server", 60);
        await WaitUntilAsync(() => Task.FromResult(running.Logs.Entries.Any(e => e.Message.Contains("not reachable"))), "the outage logged", 60);
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from agent_heartbeats where agent_id = @agent", new { agent }));

        Host = await RunningHost.StartAsync(Stack, options: o => o with { Url = $"http://127.0.0.1:{port}" });
        var back = DateTime.UtcNow;
        await WaitUntilAsync(async () => await ScalarAsync<int>(
            "select count(*) from agent_heartbeats where agent_id = @agent and status = 'error' and error_class = 'crash_loop' and failed_runs >= 3",
            new { agent }) > 0, "the crash loop reported after the server is back", 90);
        // The interval is 300 s: well under it means the state went at once, not with the next regular heartbeat.
        Assert.True(DateTime.UtcNow - back < TimeSpan.FromSeconds(60), "reported within seconds, not at the next interval");
        Assert.False(running.Exit.IsCompleted);
    }
}
