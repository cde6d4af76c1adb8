using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Monitoring;

/// <summary>GET /api/agents: the team's list of agents with their open incidents, under the member's claims.</summary>
[Collection(StackCollection.Name)]
public sealed class ListAgentsTests(StackFixture stack) : MonitoringTestBase(stack)
{
    [Fact]
    public async Task Lists_an_agent_with_status_last_heartbeat_version_and_its_open_incidents_with_german_titles()
    {
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key, status: "error", errorClass: "upstream_down");
        await BeatAsync(key, status: "error", errorClass: "rate_limited");
        var acknowledged = await Crm.ScalarAsync<Guid>(Stack.Admin, "select id from incidents where agent_id = @agent and error_class = 'rate_limited'", new { agent });
        await Crm.ScalarAsync<int>(Stack.Admin, "update incidents set status = 'acknowledged', acknowledged_at = now() where id = @acknowledged returning 1", new { acknowledged });

        var list = await Host.TeamClient.GetFromJsonAsync<JsonElement>("/api/agents");

        var item = list.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("id").GetGuid() == agent);
        Assert.Equal("Testagent", item.GetProperty("name").GetString());
        Assert.Equal("up", item.GetProperty("status").GetString());
        Assert.Equal("1.0.0", item.GetProperty("agent_version").GetString());
        Assert.False(item.GetProperty("paused").GetBoolean());
        Assert.True(Math.Abs((item.GetProperty("last_heartbeat_at").GetDateTimeOffset() - Clock.GetUtcNow()).TotalSeconds) < 1);
        var incidents = item.GetProperty("open_incidents").EnumerateArray().ToList();
        Assert.Equal(2, incidents.Count);
        var upstream = incidents.Single(i => i.GetProperty("error_class").GetString() == "upstream_down");
        Assert.Equal("Externer Dienst nicht erreichbar", upstream.GetProperty("title").GetString());
        Assert.Equal("warning", upstream.GetProperty("severity").GetString());
        Assert.Equal("open", upstream.GetProperty("status").GetString());
        Assert.True(upstream.TryGetProperty("opened_at", out _));
        Assert.Equal("acknowledged", incidents.Single(i => i.GetProperty("id").GetGuid() == acknowledged).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Resolved_incidents_and_revoked_agents_are_not_listed_and_a_new_agent_has_no_heartbeat_yet()
    {
        var (healed, healedKey) = await CreateAgentAsync();
        await BeatAsync(healedKey, status: "error", errorClass: "unknown");
        await BeatAsync(healedKey, status: "ok");
        var (revoked, _) = await CreateAgentAsync();
        await Crm.ScalarAsync<int>(Stack.Admin, "update agents set revoked_at = now() where id = @revoked returning 1", new { revoked });
        var (fresh, _) = await CreateAgentAsync();

        var agents = (await Host.TeamClient.GetFromJsonAsync<JsonElement>("/api/agents")).GetProperty("agents").EnumerateArray().ToList();

        Assert.Empty(agents.Single(a => a.GetProperty("id").GetGuid() == healed).GetProperty("open_incidents").EnumerateArray());
        Assert.DoesNotContain(agents, a => a.GetProperty("id").GetGuid() == revoked);
        var newAgent = agents.Single(a => a.GetProperty("id").GetGuid() == fresh);
        Assert.Equal("new", newAgent.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, newAgent.GetProperty("last_heartbeat_at").ValueKind);
        Assert.False(newAgent.TryGetProperty("key_hash", out _));
    }

    [Fact]
    public async Task Without_a_token_the_list_is_refused()
    {
        var response = await Host.Client.GetAsync("/api/agents");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Lists_each_agents_workflows_with_last_run_and_next_expected_start()
    {
        var (agent, key) = await CreateAgentAsync();
        await Host.Services.GetRequiredService<WorkflowCheckIn>().ExecuteAsync(key, "backup",
            new WorkflowCheckInRequest("error", null, 30, "E_DISK", null, TimeSpan.FromHours(1)), CancellationToken.None);

        var list = await Host.TeamClient.GetFromJsonAsync<JsonElement>("/api/agents");

        var item = list.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("id").GetGuid() == agent);
        var workflow = Assert.Single(item.GetProperty("workflows").EnumerateArray());
        Assert.Equal(("backup", "error", 30.0, true), (workflow.GetProperty("key").GetString(), workflow.GetProperty("last_state").GetString(),
            workflow.GetProperty("last_duration_seconds").GetDouble(), workflow.GetProperty("open_incident").GetBoolean()));
        Assert.Equal(Clock.GetUtcNow().AddSeconds(-30).AddHours(1), workflow.GetProperty("next_expected_at").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
    }
}
