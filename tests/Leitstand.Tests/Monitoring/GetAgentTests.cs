using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Monitoring;

/// <summary>GET /api/agents/{id}: the agent page's detail under the member's claims.</summary>
[Collection(StackCollection.Name)]
public sealed class GetAgentTests(StackFixture stack) : MonitoringTestBase(stack)
{
    [Fact]
    public async Task Shows_status_heartbeat_open_incidents_flips_windows_commands_and_no_key_hash()
    {
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key);
        await BeatAsync(key, status: "error", errorClass: "upstream_down");
        var now = Clock.GetUtcNow();
        Assert.Equal(HttpStatusCode.Created, (await Host.TeamClient.PostAsJsonAsync($"/api/agents/{agent}/maintenance-windows",
            new { starts_at = now.AddHours(1).ToString("O"), ends_at = now.AddHours(2).ToString("O"), reason = "Umzug" })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Host.TeamClient.PostAsync($"/api/agents/{agent}/restart", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Host.TeamClient.PostAsync($"/api/agents/{agent}/pause", null)).StatusCode);

        var body = await Host.TeamClient.GetFromJsonAsync<JsonElement>($"/api/agents/{agent}");

        var a = body.GetProperty("agent");
        Assert.Equal((agent, "Testagent", "paused", true, "1.0.0"), (a.GetProperty("id").GetGuid(), a.GetProperty("name").GetString(),
            a.GetProperty("status").GetString(), a.GetProperty("paused").GetBoolean(), a.GetProperty("agent_version").GetString()));
        Assert.Equal(key[..12], a.GetProperty("key_prefix").GetString());
        Assert.Equal(("Lena Lead", 300), (a.GetProperty("lead_name").GetString(), a.GetProperty("expected_interval_seconds").GetInt32()));
        Assert.False(a.GetProperty("snoozed").GetBoolean());
        Assert.False(a.GetProperty("in_maintenance").GetBoolean());
        Assert.True(Math.Abs((a.GetProperty("last_heartbeat_at").GetDateTimeOffset() - now).TotalSeconds) < 1);
        Assert.False(a.TryGetProperty("key_hash", out _));
        Assert.Equal("upstream_down", Assert.Single(body.GetProperty("open_incidents").EnumerateArray()).GetProperty("error_class").GetString());
        Assert.Equal("paused", body.GetProperty("recent_flips")[0].GetProperty("to_status").GetString());
        var window = Assert.Single(body.GetProperty("maintenance_windows").EnumerateArray());
        Assert.Equal(("Umzug", false), (window.GetProperty("reason").GetString(), window.GetProperty("active").GetBoolean()));
        var command = Assert.Single(body.GetProperty("commands").EnumerateArray());
        Assert.Equal(("restart", "pending"), (command.GetProperty("kind").GetString(), command.GetProperty("status").GetString()));
        Assert.False(body.GetProperty("key_handover").GetProperty("pending").GetBoolean());
    }

    [Fact]
    public async Task Shows_restarts_memory_and_cpu_of_the_latest_heartbeat()
    {
        var (agent, key) = await CreateAgentAsync();
        var ingest = Host.Services.GetRequiredService<IngestHeartbeat>();
        await ingest.ExecuteAsync(key, new Heartbeat("heartbeat", "ok", "0.1.0", 5, null, null, null, 0, null, null, null, [], 1, 10_000_000, 0.5), CancellationToken.None);
        Clock.Advance(TimeSpan.FromSeconds(30));
        await ingest.ExecuteAsync(key, new Heartbeat("heartbeat", "ok", "0.1.0", 35, null, null, null, 0, null, null, null, [], 2, 52_428_800, 1.75), CancellationToken.None);

        var a = (await Host.TeamClient.GetFromJsonAsync<JsonElement>($"/api/agents/{agent}")).GetProperty("agent");

        Assert.Equal((2, 52_428_800L, 1.75), (a.GetProperty("restarts").GetInt32(), a.GetProperty("memory_bytes").GetInt64(), a.GetProperty("cpu_seconds").GetDouble()));
    }

    [Fact]
    public async Task Shows_each_workflow_with_its_last_run_next_expected_start_and_open_incident()
    {
        var (agent, key) = await CreateAgentAsync();
        var checkIns = Host.Services.GetRequiredService<WorkflowCheckIn>();
        await checkIns.ExecuteAsync(key, "backup", new WorkflowCheckInRequest("ok", null, 42.5, null, null, TimeSpan.FromHours(1)), CancellationToken.None);
        await checkIns.ExecuteAsync(key, "invoices", new WorkflowCheckInRequest("error", null, 3, "HTTP_503", "0 8 * * 1-5", null), CancellationToken.None);

        var body = await Host.TeamClient.GetFromJsonAsync<JsonElement>($"/api/agents/{agent}");

        var workflows = body.GetProperty("workflows").EnumerateArray().ToList();
        Assert.Equal(["backup", "invoices"], workflows.Select(w => w.GetProperty("key").GetString()));
        var backup = workflows[0];
        Assert.Equal(("ok", 42.5, 3600), (backup.GetProperty("last_state").GetString(), backup.GetProperty("last_duration_seconds").GetDouble(),
            backup.GetProperty("interval_seconds").GetInt32()));
        Assert.Equal(Clock.GetUtcNow().AddSeconds(-42.5).AddHours(1), backup.GetProperty("next_expected_at").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(JsonValueKind.Null, backup.GetProperty("open_incident_id").ValueKind);
        var invoices = workflows[1];
        Assert.Equal(("error", "HTTP_503", "0 8 * * 1-5", "client"), (invoices.GetProperty("last_state").GetString(), invoices.GetProperty("last_error_code").GetString(),
            invoices.GetProperty("schedule").GetString(), invoices.GetProperty("origin").GetString()));
        Assert.Equal(("workflow_failed", "Workflow-Lauf fehlgeschlagen"), (invoices.GetProperty("open_incident_error_class").GetString(),
            invoices.GetProperty("open_incident_title").GetString()));
        Assert.Contains(body.GetProperty("open_incidents").EnumerateArray(), i => i.GetProperty("id").GetGuid() == invoices.GetProperty("open_incident_id").GetGuid());
    }

    [Fact]
    public async Task Unknown_and_malformed_agents_and_non_members_are_refused()
    {
        var (agent, _) = await CreateAgentAsync();

        var unknown = await Host.TeamClient.GetAsync($"/api/agents/{Guid.NewGuid()}");
        var malformed = await Host.TeamClient.GetAsync("/api/agents/kein-uuid");
        var anonymous = await Host.Client.GetAsync($"/api/agents/{agent}");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/agents/{agent}");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (await TestIssuer.Shared).Token(Guid.NewGuid()));
        var nonMember = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Diesen Agenten gibt es nicht.", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, nonMember.StatusCode);
    }
}
