using System.Diagnostics;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Agent;

[Collection(StackCollection.Name)]
public sealed class AgentRestartPolicyTests(StackFixture stack) : AgentTestBase(stack)
{
    [Fact]
    public async Task Restart_never_exits_with_the_childs_exit_code()
    {
        var (_, keyFile) = await CreateAgentAsync();
        var (code, _, _) = await RunAgentAsync("run", "--url", Host.BaseAddress.ToString(), "--key-file", keyFile, "--restart", "never",
            "--", "sh", "-c", "exit 3");
        Assert.Equal(3, code);
    }

    [Fact]
    public async Task On_failure_restarts_with_doubling_backoff_until_the_child_succeeds_and_reports_the_failed_runs()
    {
        var (agent, keyFile) = await CreateAgentAsync();
        var counter = Path.Combine(Folder, "runs");
        var watch = Stopwatch.StartNew();
        // Fails twice, then succeeds: on-failure ends with the success.
        var (code, _, _) = await RunAgentAsync("run", "--url", Host.BaseAddress.ToString(), "--key-file", keyFile,
            "--", "sh", "-c", "n=$(cat \"$0\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$0\"; [ $n -ge 3 ]", counter);

        Assert.Equal(0, code);
        Assert.Equal("3", (await File.ReadAllTextAsync(counter)).Trim());
        Assert.InRange(watch.Elapsed.TotalSeconds, 2.8, 20); // waited 1 s, then 2 s
        Assert.Equal(2, await ScalarAsync<long>("select max(failed_runs) from agent_heartbeats where agent_id = @agent", new { agent }));
    }
}
