using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Monitoring;

[Collection(StackCollection.Name)]
public sealed class IncidentTests(StackFixture stack) : MonitoringTestBase(stack)
{
    [Fact]
    public async Task Repeated_errors_keep_one_incident_per_agent_and_class_with_one_alert()
    {
        var (agent, key) = await CreateAgentAsync();

        for (var i = 0; i < 10; i++)
        {
            await BeatAsync(key, status: "error", errorClass: "rate_limited");
            Clock.Advance(TimeSpan.FromSeconds(30));
        }
        await BeatAsync(key, status: "error", errorClass: "upstream_down");

        Assert.Equal(1, await CountAsync("select count(*) from incidents where agent_id = @agent and error_class = 'rate_limited' and occurrences = 10", new { agent }));
        Assert.Equal(2, await CountAsync("select count(*) from incidents where agent_id = @agent and status = 'open'", new { agent }));
        Assert.Equal(1, await CountAsync("select count(*) from alerts where kind = 'incident_opened' and attributes->>'error_class' = 'rate_limited' and (attributes->>'agent_id')::uuid = @agent", new { agent }));
    }

    [Fact]
    public async Task Incident_opens_only_after_the_agents_number_of_consecutive_errors()
    {
        var (agent, key) = await CreateAgentAsync(alertAfterErrors: 3);

        await BeatAsync(key, status: "error", errorClass: "unknown");
        await BeatAsync(key, status: "error", errorClass: "unknown");
        await BeatAsync(key, status: "ok");
        await BeatAsync(key, status: "error", errorClass: "unknown");
        await BeatAsync(key, status: "error", errorClass: "unknown");
        Assert.Equal(0, await CountAsync("select count(*) from incidents where agent_id = @agent", new { agent }));

        await BeatAsync(key, status: "error", errorClass: "unknown");
        Assert.Equal(1, await CountAsync("select count(*) from incidents where agent_id = @agent and status = 'open'", new { agent }));
    }

    [Fact]
    public async Task Crash_loop_restart_flow_runs_requested_delivered_acknowledged_healthy_again()
    {
        var (agent, key) = await CreateAgentAsync();

        // The automatic restart is requested and handed to the agent in the answer to the same heartbeat.
        var delivered = Assert.IsType<HeartbeatResult.Accepted>(await BeatAsync(key, status: "error", errorClass: "crash_loop"));
        var incident = await Crm.ScalarAsync<Guid>(Stack.Admin, "select id from incidents where agent_id = @agent and error_class = 'crash_loop'", new { agent });
        var command = Assert.Single(delivered.Commands);
        Assert.Equal("restart", command.Kind);
        Clock.Advance(TimeSpan.FromSeconds(30));
        var next = Assert.IsType<HeartbeatResult.Accepted>(await BeatAsync(key, status: "degraded", ack: [command.Id]));
        Assert.Empty(next.Commands);
        Clock.Advance(TimeSpan.FromSeconds(30));
        await BeatAsync(key, status: "ok");

        var view = await Host.TeamClient.GetFromJsonAsync<JsonElement>($"/api/incidents/{incident}");
        Assert.Equal(["opened", "restart_requested", "restart_delivered", "restart_acknowledged", "healthy_again", "resolved"],
            view.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal("resolved", view.GetProperty("incident").GetProperty("status").GetString());
        Assert.Equal("crash_loop", view.GetProperty("incident").GetProperty("error_class").GetString());
        Assert.Equal("docs/runbooks/crash-loop.md", view.GetProperty("runbook").GetString());
    }

    [Fact]
    public async Task Automatic_restarts_are_limited_per_hour()
    {
        var (agent, key) = await CreateAgentAsync();

        for (var i = 0; i < 5; i++)
        {
            // Each crash loop opens a new incident; the agent restarts, acknowledges and is healthy again.
            var answer = Assert.IsType<HeartbeatResult.Accepted>(await BeatAsync(key, status: "error", errorClass: "crash_loop"));
            await BeatAsync(key, status: "ok", ack: [.. answer.Commands.Select(c => c.Id)]);
            Clock.Advance(TimeSpan.FromMinutes(5));
        }

        Assert.Equal(3, await CountAsync("select count(*) from agent_commands where agent_id = @agent and automatic", new { agent }));
    }

    [Fact]
    public async Task Team_restart_that_does_not_help_escalates()
    {
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key, status: "error", errorClass: "auth_expired");
        var incident = await Crm.ScalarAsync<Guid>(Stack.Admin, "select id from incidents where agent_id = @agent", new { agent });

        var requested = await Host.TeamClient.PostAsJsonAsync($"/api/agents/{agent}/restart", new { reason = "Token erneuert" });
        var again = await Host.TeamClient.PostAsync($"/api/agents/{agent}/restart", null);
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        Assert.Equal("already_waiting", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await BeatAsync(key, status: "error", errorClass: "auth_expired");
        Clock.Advance(TimeSpan.FromMinutes(16));
        await CheckAsync();
        await CheckAsync();

        Assert.Equal(1, await CountAsync("select count(*) from incidents where id = @incident and escalated_at is not null", new { incident }));
        Assert.Equal(1, await CountAsync("select count(*) from incident_events where incident_id = @incident and kind = 'escalated'", new { incident }));
        var escalated = await CountAsync("select count(*) from alerts where kind = 'incident_escalated' and subject_id = @incident and severity = 'critical'", new { incident });
        Assert.Equal(1, escalated);
    }

    [Fact]
    public async Task Team_acknowledges_an_incident_once()
    {
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key, status: "error", errorClass: "config_invalid");
        var incident = await Crm.ScalarAsync<Guid>(Stack.Admin, "select id from incidents where agent_id = @agent", new { agent });

        var first = await Host.TeamClient.PostAsync($"/api/incidents/{incident}/acknowledge", null);
        var second = await Host.TeamClient.PostAsync($"/api/incidents/{incident}/acknowledge", null);
        var unknown = await Host.TeamClient.PostAsync($"/api/incidents/{Guid.NewGuid()}/acknowledge", null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(1, await CountAsync("select count(*) from incident_events where incident_id = @incident and kind = 'acknowledged'", new { incident }));
        Assert.Equal(1, await CountAsync("select count(*) from incidents where id = @incident and status = 'acknowledged'", new { incident }));
    }

    [Fact]
    public async Task Every_error_class_has_its_row_and_its_German_runbook()
    {
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var rows = (await Dapper.SqlMapper.QueryAsync<(string Key, bool Reported, string Runbook)>(connection,
            "select key, reported_by_agent, runbook from error_classes")).ToList();

        Assert.Equal(ErrorClasses.All.Order(), rows.Select(r => r.Key).Order());
        Assert.Equal(ErrorClasses.ReportedByAgents.Order(), rows.Where(r => r.Reported).Select(r => r.Key).Order());
        var runbooks = Directory.GetFiles(Path.Combine(Leitstand.LocalHost.Stack.RepoPaths.Root, "docs", "runbooks"), "*.md")
            .Select(f => "docs/runbooks/" + Path.GetFileName(f)).Where(f => f != "docs/runbooks/README.md").Order();
        Assert.Equal(rows.Select(r => r.Runbook).Order(), runbooks);
        foreach (var (errorClass, _, runbook) in rows)
        {
            var text = await File.ReadAllTextAsync(Path.Combine(Leitstand.LocalHost.Stack.RepoPaths.Root, runbook));
            Assert.StartsWith($"# {errorClass} –", text);
            Assert.Contains("Erste Prüfungen", text);
        }
    }
}
