using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Monitoring;

/// <summary>POST /api/agents/{id}/pause and /resume: compare-and-set on paused under the member's claims, the status flip by trigger.</summary>
[Collection(StackCollection.Name)]
public sealed class PauseAgentTests(StackFixture stack) : MonitoringTestBase(stack)
{
    private async Task<JsonElement> PostAsync(string path, HttpStatusCode status)
    {
        var response = await Host.TeamClient.PostAsync(path, null);
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Pausing_sets_the_status_paused_with_a_flip_and_resuming_brings_it_back()
    {
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key);

        var paused = await PostAsync($"/api/agents/{agent}/pause", HttpStatusCode.OK);
        Assert.Equal(("paused", true), (paused.GetProperty("status").GetString(), paused.GetProperty("paused").GetBoolean()));
        Assert.Equal("paused", await StatusAsync(agent));
        Assert.Equal(1, await CountAsync("select count(*)::int from agent_status_flips where agent_id = @agent and from_status = 'up' and to_status = 'paused'", new { agent }));

        var again = await PostAsync($"/api/agents/{agent}/pause", HttpStatusCode.OK);
        Assert.Equal("War bereits pausiert.", again.GetProperty("note").GetString());
        Assert.Equal(1, await CountAsync("select count(*)::int from agent_status_flips where agent_id = @agent and to_status = 'paused'", new { agent }));

        var resumed = await PostAsync($"/api/agents/{agent}/resume", HttpStatusCode.OK);
        Assert.Equal(("up", false), (resumed.GetProperty("status").GetString(), resumed.GetProperty("paused").GetBoolean()));
        Assert.Equal("up", await StatusAsync(agent));
        Assert.Equal("War nicht pausiert.", (await PostAsync($"/api/agents/{agent}/resume", HttpStatusCode.OK)).GetProperty("note").GetString());
    }

    [Fact]
    public async Task A_paused_agent_opens_no_incident()
    {
        var (agent, key) = await CreateAgentAsync();
        await PostAsync($"/api/agents/{agent}/pause", HttpStatusCode.OK);

        await BeatAsync(key, status: "error", errorClass: "crash_loop");

        Assert.Equal(0, await CountAsync("select count(*)::int from incidents where agent_id = @agent", new { agent }));
    }

    [Fact]
    public async Task Unknown_revoked_or_malformed_agents_and_missing_sign_in_are_refused()
    {
        var (revoked, _) = await CreateAgentAsync();
        await Crm.ScalarAsync<int>(Stack.Admin, "update agents set revoked_at = now() where id = @revoked returning 1", new { revoked });

        var unknown = await PostAsync($"/api/agents/{Guid.NewGuid()}/pause", HttpStatusCode.NotFound);
        await PostAsync($"/api/agents/{revoked}/resume", HttpStatusCode.NotFound);
        var malformed = await PostAsync("/api/agents/kein-uuid/pause", HttpStatusCode.BadRequest);
        var anonymous = await Host.Client.PostAsync($"/api/agents/{revoked}/pause", null);

        Assert.StartsWith("Diesen Agenten gibt es nicht", unknown.GetProperty("title").GetString());
        Assert.True(malformed.GetProperty("errors").TryGetProperty("agent_id", out _));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.False(await Crm.ScalarAsync<bool>(Stack.Admin, "select paused from agents where id = @revoked", new { revoked }));
    }
}
