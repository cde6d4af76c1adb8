using System.Net;
using System.Net.Http.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Agent;

[Collection(StackCollection.Name)]
public sealed class AgentRestartCommandTests(StackFixture stack) : AgentTestBase(stack)
{
    [Fact]
    public async Task Restart_requested_from_the_status_center_is_carried_out_and_acknowledged()
    {
        var (agent, keyFile) = await CreateAgentAsync();
        var starts = Path.Combine(Folder, "starts");
        StartAgent("run", "--url", Host.BaseAddress.ToString(), "--key-file", keyFile, "--interval", "1",
            "--", "sh", "-c", "echo started >> \"$0\"; exec sleep 120", starts);
        await WaitUntilAsync(async () => await ScalarAsync<int>("select count(*) from agent_heartbeats where agent_id = @agent", new { agent }) > 0,
            "the first heartbeat");

        var requested = await Host.TeamClient.PostAsJsonAsync($"/api/agents/{agent}/restart", new { reason = "Test" });
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);

        await WaitUntilAsync(async () => await ScalarAsync<int>(
            "select count(*) from agent_commands where agent_id = @agent and status = 'acknowledged' and not automatic", new { agent }) == 1,
            "the restart acknowledged");
        Assert.Equal(2, (await File.ReadAllLinesAsync(starts)).Length);
        Assert.Equal("ok", await ScalarAsync<string>("select last_status::text from agents where id = @agent", new { agent }));
    }
}
