using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Monitoring;

/// <summary><c>GET /api/agent/me</c>: whether a key is accepted, for <c>leitstand-agent doctor</c>, without counting as a heartbeat.</summary>
[Collection(StackCollection.Name)]
public sealed class CheckAgentKeyTests(StackFixture stack) : MonitoringTestBase(stack)
{
    private Task<HttpResponseMessage> AskAsync(string? key, bool bearer = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/agent/me");
        if (key is not null && bearer) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        else if (key is not null) request.Headers.Add("X-Agent-Key", key);
        return Host.Client.SendAsync(request);
    }

    [Fact]
    public async Task Accepted_key_names_its_agent_and_records_no_heartbeat()
    {
        var (agent, key) = await CreateAgentAsync();

        var response = await AskAsync(key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(agent, body.GetProperty("agent_id").GetGuid());
        Assert.False(body.GetProperty("paused").GetBoolean());
        Assert.Equal(0, await CountAsync("select count(*) from agent_heartbeats where agent_id = @agent", new { agent }));
        Assert.Equal(0, await CountAsync("select count(*) from agents where id = @agent and last_heartbeat_at is not null", new { agent }));
        Assert.Equal("new", await StatusAsync(agent));
    }

    [Fact]
    public async Task Paused_agent_is_said_to_be_paused()
    {
        var (agent, key) = await CreateAgentAsync();
        await using (var connection = await Stack.Admin.OpenConnectionAsync())
            await connection.ExecuteAsync("update agents set paused = true where id = @agent", new { agent });

        var body = await (await AskAsync(key, bearer: false)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(body.GetProperty("paused").GetBoolean());
    }

    [Fact]
    public async Task Previous_key_is_accepted_until_its_rotation_grace_ends()
    {
        var (agent, key) = await CreateAgentAsync();
        await using (var connection = await Stack.Admin.OpenConnectionAsync())
            await connection.ExecuteAsync("update agents set previous_key_hash = key_hash, key_hash = @hash, previous_key_expires_at = @until where id = @agent",
                new { agent, hash = AgentKeys.Generate().Hash, until = Clock.GetUtcNow().UtcDateTime.AddHours(1) });

        Assert.Equal(HttpStatusCode.OK, (await AskAsync(key)).StatusCode);
        Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await AskAsync(key)).StatusCode);
    }

    [Fact]
    public async Task Revoked_key_gets_401()
    {
        var (agent, key) = await CreateAgentAsync();
        await using (var connection = await Stack.Admin.OpenConnectionAsync())
            await connection.ExecuteAsync("update agents set revoked_at = now() where id = @agent", new { agent });

        var response = await AskAsync(key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("widerrufen", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("lsa_not-a-real-key-of-anyone")]
    public async Task Missing_or_unknown_key_gets_401_in_german(string? key)
    {
        var response = await AskAsync(key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Agent-Schlüssel", await response.Content.ReadAsStringAsync());
    }
}
