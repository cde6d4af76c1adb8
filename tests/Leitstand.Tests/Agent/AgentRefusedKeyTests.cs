using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Agent;

[Collection(StackCollection.Name)]
public sealed class AgentRefusedKeyTests(StackFixture stack) : AgentTestBase(stack)
{
    [Fact]
    public async Task Revoked_key_is_logged_and_backed_off_while_the_child_keeps_running()
    {
        var (agent, keyFile) = await CreateAgentAsync();
        await using (var connection = await Stack.Admin.OpenConnectionAsync())
            await connection.ExecuteAsync("update agents set revoked_at = now() where id = @agent", new { agent });
        var starts = Path.Combine(Folder, "starts");
        var running = StartAgent("run", "--url", Host.BaseAddress.ToString(), "--key-file", keyFile, "--interval", "1",
            "--", "sh", "-c", "echo started >> \"$0\"; exec sleep 120", starts);

        await WaitUntilAsync(() => Task.FromResult(running.Logs.Entries.Any(e => e.Message.Contains("refused the agent key (401"))), "the refusal logged");
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.False(running.Exit.IsCompleted);
        Assert.Single(await File.ReadAllLinesAsync(starts));
        // Backed off: 1 s, then 2 s, … rather than a try every second.
        Assert.InRange(running.Logs.Entries.Count(e => e.Message.Contains("refused the agent key")), 1, 3);
    }
}
