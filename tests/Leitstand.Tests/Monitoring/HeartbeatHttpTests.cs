using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Monitoring;

[Collection(StackCollection.Name)]
public sealed class HeartbeatHttpTests(StackFixture stack) : MonitoringTestBase(stack)
{
    private Task<HttpResponseMessage> PostAsync(string key, string json, string path = "/api/heartbeat")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Agent-Key", key);
        return Host.Client.SendAsync(request);
    }

    [Fact]
    public async Task Heartbeat_with_operational_fields_is_accepted()
    {
        var (agent, key) = await CreateAgentAsync();

        var response = await PostAsync(key, """
            {"status":"ok","agent_version":"1.4.2","uptime_seconds":3600,"messages_handled":120,"failed_runs":0,
             "queue_depth":2,"latency_p50_ms":120.5,"latency_p95_ms":800,"ack_commands":[]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(agent, body.GetProperty("agent_id").GetGuid());
        Assert.Equal("up", body.GetProperty("agent_status").GetString());
        Assert.Equal(1, await CountAsync("select count(*) from agent_heartbeats where agent_id = @agent and agent_version = '1.4.2' and messages_handled = 120", new { agent }));
    }

    [Fact]
    public async Task Restarts_memory_and_cpu_of_the_supervised_process_are_stored_with_the_heartbeat()
    {
        var (agent, key) = await CreateAgentAsync();

        var response = await PostAsync(key, """
            {"status":"ok","agent_version":"0.1.0","uptime_seconds":12,"failed_runs":2,"restarts":3,"memory_bytes":52428800,"cpu_seconds":1.25}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await CountAsync("""
            select count(*) from agent_heartbeats
            where agent_id = @agent and restarts = 3 and memory_bytes = 52428800 and cpu_seconds = 1.25
            """, new { agent }));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task Bare_ping_works_for_agents_that_can_only_curl(string method)
    {
        var (agent, key) = await CreateAgentAsync();
        var request = new HttpRequestMessage(new HttpMethod(method), "/api/heartbeat");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);

        var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("up", await StatusAsync(agent));
    }

    [Fact]
    public async Task Start_and_fail_signals_are_recorded_like_a_cron_monitor()
    {
        var (agent, key) = await CreateAgentAsync();

        var start = await PostAsync(key, "", "/api/heartbeat/start");
        var fail = await PostAsync(key, """{"error_class":"upstream_down","error_code":"HTTP_503"}""", "/api/heartbeat/fail");
        var unknown = await PostAsync(key, "", "/api/heartbeat/restart");

        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fail.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(1, await CountAsync("select count(*) from agent_heartbeats where agent_id = @agent and kind = 'fail' and status = 'error' and run_seconds is not null", new { agent }));
        Assert.Equal(1, await CountAsync("select count(*) from incidents where agent_id = @agent and error_class = 'upstream_down' and last_error_code = 'HTTP_503'", new { agent }));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("lsa_not-a-real-key")]
    public async Task Missing_or_unknown_key_gets_401(string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/heartbeat") { Content = new StringContent("{\"status\":\"ok\"}", Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Add("X-Agent-Key", key);

        var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Revoked_key_gets_401()
    {
        var (agent, key) = await CreateAgentAsync();
        await using (var connection = await Stack.Admin.OpenConnectionAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, "update agents set revoked_at = now() where id = @agent", new { agent });

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(key, "{\"status\":\"ok\"}")).StatusCode);
    }

    [Theory]
    [InlineData("{\"status\":\"ok\",\"message\":\"Hallo Frau Müller, Ihr Termin …\"}", "message")]
    [InlineData("{\"status\":\"ok\",\"chat\":[\"hi\"]}", "chat")]
    [InlineData("{\"status\":\"ok\",\"prompt\":\"Schreibe eine E-Mail\"}", "prompt")]
    [InlineData("{\"status\":\"error\",\"error_code\":\"Kunde Meier hat geschrieben, dass die Rechnung falsch ist\"}", "error_code")]
    [InlineData("{\"status\":\"error\",\"error_class\":\"Kundin beschwert sich\"}", "error_class")]
    [InlineData("{\"status\":\"fine\"}", "status")]
    [InlineData("{\"status\":\"ok\",\"uptime_seconds\":-5}", "uptime_seconds")]
    [InlineData("{\"status\":\"ok\",\"queue_depth\":\"viele\"}", "queue_depth")]
    [InlineData("{\"status\":\"ok\",\"agent_version\":\"1.0 mit Notizen zum Kunden\"}", "agent_version")]
    [InlineData("{\"status\":\"ok\",\"latency_p95_ms\":1e12}", "latency_p95_ms")]
    [InlineData("{\"status\":\"ok\",\"ack_commands\":[\"Neustart erledigt\"]}", "ack_commands")]
    [InlineData("{\"status\":\"ok\",\"restarts\":-1}", "restarts")]
    [InlineData("{\"status\":\"ok\",\"restarts\":1.5}", "restarts")]
    [InlineData("{\"status\":\"ok\",\"memory_bytes\":2000000000000}", "memory_bytes")]
    [InlineData("{\"status\":\"ok\",\"memory_bytes\":\"50 MB\"}", "memory_bytes")]
    [InlineData("{\"status\":\"ok\",\"cpu_seconds\":-0.5}", "cpu_seconds")]
    [InlineData("{\"status\":\"ok\",\"cpu_seconds\":\"viel\"}", "cpu_seconds")]
    public async Task Content_or_unknown_fields_are_refused_with_422_naming_the_field(string json, string field)
    {
        var (agent, key) = await CreateAgentAsync();

        var response = await PostAsync(key, json);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Nur Betriebsdaten", body.GetProperty("title").GetString());
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}': {body}");
        Assert.Equal(0, await CountAsync("select count(*) from agent_heartbeats where agent_id = @agent", new { agent }));
    }

    [Fact]
    public async Task Malformed_or_oversized_heartbeat_is_refused()
    {
        var (_, key) = await CreateAgentAsync();

        var malformed = await PostAsync(key, "{\"status\":");
        var oversized = await PostAsync(key, "{\"status\":\"ok\",\"agent_version\":\"" + new string('1', 5000) + "\"}");

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
    }

    [Fact]
    public async Task Rotated_key_overlaps_with_the_old_one_for_the_configured_time()
    {
        var (agent, oldKey) = await CreateAgentAsync();

        var rotated = await Host.TeamClient.PostAsync($"/api/agents/{agent}/keys/rotate", null);
        var newKey = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(newKey, "{\"status\":\"ok\"}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(oldKey, "{\"status\":\"ok\"}")).StatusCode);
        Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(oldKey, "{\"status\":\"ok\"}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(newKey, "{\"status\":\"ok\"}")).StatusCode);
    }

    [Fact]
    public async Task Pending_restart_comes_back_in_the_heartbeat_response()
    {
        var (agent, key) = await CreateAgentAsync();
        await Host.TeamClient.PostAsync($"/api/agents/{agent}/restart", null);

        var first = await (await PostAsync(key, "{\"status\":\"ok\"}")).Content.ReadFromJsonAsync<JsonElement>();
        var second = await (await PostAsync(key, "{\"status\":\"ok\"}")).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("restart", first.GetProperty("commands")[0].GetProperty("kind").GetString());
        Assert.Equal(0, second.GetProperty("commands").GetArrayLength());
    }

    [Fact]
    public async Task Heartbeat_history_is_pruned_after_the_retention_days()
    {
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key);
        Clock.Advance(TimeSpan.FromDays(15));
        await BeatAsync(key);

        await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Leitstand.Monitoring.PruneMonitoringHistory>(Host.Services).ExecuteAsync(CancellationToken.None);

        Assert.Equal(1, await CountAsync("select count(*) from agent_heartbeats where agent_id = @agent", new { agent }));
    }
}

[Collection(StackCollection.Name)]
public sealed class CreateAgentTests(StackFixture stack) : MonitoringTestBase(stack)
{
    [Fact]
    public async Task Team_registers_an_agent_and_sees_its_key_once()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON");

        var response = await Host.TeamClient.PostAsJsonAsync("/api/agents", new { lead_id = lead, name = "Zweitagent Büro", interval_seconds = 120, grace_seconds = 60 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("key").GetString()!;
        var agent = body.GetProperty("agent_id").GetGuid();
        Assert.Equal(1, await CountAsync("select count(*) from agents where id = @agent and lead_id = @lead and expected_interval = interval '2 minutes' and key_hash = @hash",
            new { agent, lead, hash = Leitstand.Monitoring.AgentKeys.Hash(key) }));
    }

    [Theory]
    [InlineData("{\"name\":\"x\",\"interval_seconds\":60,\"grace_seconds\":0}", "lead_id")]
    [InlineData("{\"lead_id\":\"6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f\",\"name\":\"\",\"interval_seconds\":60,\"grace_seconds\":0}", "name")]
    [InlineData("{\"lead_id\":\"6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f\",\"name\":\"x\",\"interval_seconds\":1,\"grace_seconds\":0}", "interval_seconds")]
    public async Task Bad_agent_registration_gets_400_naming_the_field(string json, string field)
    {
        var response = await Host.TeamClient.PostAsync("/api/agents", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Unknown_fields_or_leads_are_refused()
    {
        var unknownField = await Host.TeamClient.PostAsync("/api/agents", new StringContent("{\"lead_id\":\"6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f\",\"name\":\"x\",\"interval_seconds\":60,\"grace_seconds\":0,\"notes\":\"y\"}", Encoding.UTF8, "application/json"));
        var unknownLead = await Host.TeamClient.PostAsJsonAsync("/api/agents", new { lead_id = Guid.NewGuid(), name = "x", interval_seconds = 60, grace_seconds = 0 });

        Assert.Equal(HttpStatusCode.BadRequest, unknownField.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownLead.StatusCode);
    }
}
