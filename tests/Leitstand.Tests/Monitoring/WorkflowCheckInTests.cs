using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Monitoring;

/// <summary>POST /api/workflows/{workflow}/checkins: runs of an agent's workflows, registration by the client, refusals.</summary>
[Collection(StackCollection.Name)]
public sealed class WorkflowCheckInTests(StackFixture stack) : MonitoringTestBase(stack)
{
    private Task<HttpResponseMessage> CheckInAsync(string key, string workflow, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/workflows/{workflow}/checkins") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return Host.Client.SendAsync(request);
    }

    private async Task<JsonElement> AcceptedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task An_unknown_workflow_is_registered_by_the_clients_first_check_in_with_its_schedule()
    {
        var (agent, key) = await CreateAgentAsync();

        var body = await AcceptedAsync(await CheckInAsync(key, "backup", """{"status":"in_progress","schedule":{"cron":"0 2 * * *","timezone":"Europe/Berlin"},"version":1}"""));

        Assert.Equal("accepted", body.GetProperty("status").GetString());
        Assert.Equal("backup", body.GetProperty("workflow").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        var checkInId = body.GetProperty("check_in_id").GetGuid();
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var row = await connection.QuerySingleAsync<(string Origin, string Name, string Schedule, string State, Guid CheckIn)>(
            "select origin, name, schedule, last_state, last_check_in_id from agent_workflows where agent_id = @agent and key = 'backup'", new { agent });
        Assert.Equal(("client", "backup", "0 2 * * *", "in_progress", checkInId), row);
    }

    [Fact]
    public async Task An_interval_workflow_expects_its_next_run_one_interval_after_the_start()
    {
        var (agent, key) = await CreateAgentAsync();

        await AcceptedAsync(await CheckInAsync(key, "sync", """{"status":"ok","duration_s":60,"schedule":{"interval":"PT30M"}}"""));

        var next = await Crm.ScalarAsync<DateTime>(Stack.Admin, "select next_expected_at from agent_workflows where agent_id = @agent", new { agent });
        Assert.Equal(Clock.GetUtcNow().UtcDateTime.AddSeconds(-60).AddMinutes(30), next, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Without_a_schedule_an_unknown_workflow_is_refused_and_nothing_is_stored()
    {
        var (agent, key) = await CreateAgentAsync();

        var response = await CheckInAsync(key, "backup", """{"status":"ok"}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Zeitplan", problem.GetProperty("errors").GetProperty("schedule")[0].GetString());
        Assert.Equal(0, await CountAsync("select count(*) from agent_workflows where agent_id = @agent", new { agent }));
    }

    [Fact]
    public async Task A_run_reported_in_progress_and_then_ok_keeps_its_start_and_duration_and_only_state_duration_and_code()
    {
        var (agent, key) = await CreateAgentAsync();
        var started = Clock.GetUtcNow().UtcDateTime;
        var id = (await AcceptedAsync(await CheckInAsync(key, "report", """{"status":"in_progress","schedule":{"interval":"P1D"}}"""))).GetProperty("check_in_id").GetGuid();
        Clock.Advance(TimeSpan.FromSeconds(90));

        var done = await AcceptedAsync(await CheckInAsync(key, "report", $$"""{"status":"ok","check_in_id":"{{id}}"}"""));

        Assert.Equal(id, done.GetProperty("check_in_id").GetGuid());
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var row = (IDictionary<string, object?>)await connection.QuerySingleAsync("select * from agent_workflows where agent_id = @agent", new { agent });
        Assert.Equal("ok", row["last_state"]);
        Assert.Equal(90.0, (double)row["last_duration_s"]!, 3);
        Assert.Equal(started, (DateTime)row["last_started_at"]!, TimeSpan.FromMilliseconds(1));
        Assert.Null(row["last_error_code"]);
        // Nothing but the run's state, times, duration and code (and the settings' version): the columns are exactly these.
        Assert.Equal(["id", "agent_id", "key", "name", "schedule", "run_interval", "grace", "max_runtime", "origin", "created_at", "last_check_in_id",
            "last_state", "last_started_at", "last_finished_at", "last_duration_s", "last_error_code", "next_expected_at", "version"], row.Keys.ToArray());
    }

    [Fact]
    public async Task A_failed_run_opens_a_workflow_failed_incident_and_the_next_ok_run_resolves_it()
    {
        var (agent, key) = await CreateAgentAsync();

        await AcceptedAsync(await CheckInAsync(key, "invoices", """{"status":"error","error_code":"IMAP_TIMEOUT","duration_s":12,"schedule":{"cron":"0 8 * * 1-5"}}"""));

        var incident = await Crm.ScalarAsync<Guid>(Stack.Admin, """
            select i.id from incidents i join agent_workflows w on w.id = i.workflow_id
            where i.agent_id = @agent and i.error_class = 'workflow_failed' and i.status = 'open' and i.last_error_code = 'IMAP_TIMEOUT' and w.key = 'invoices'
            """, new { agent });
        Assert.Equal(1, await CountAsync("select count(*) from alerts where subject_id = @incident and kind = 'incident_opened'", new { incident }));
        Assert.Equal("IMAP_TIMEOUT", await Crm.ScalarAsync<string>(Stack.Admin, "select last_error_code from agent_workflows where agent_id = @agent", new { agent }));

        // A healthy heartbeat does not resolve a workflow's incident; its next ok run does.
        await BeatAsync(key);
        Assert.Equal("open", await Crm.ScalarAsync<string>(Stack.Admin, "select status::text from incidents where id = @incident", new { incident }));
        Clock.Advance(TimeSpan.FromHours(1));
        await AcceptedAsync(await CheckInAsync(key, "invoices", """{"status":"ok","duration_s":10}"""));

        Assert.Equal("resolved", await Crm.ScalarAsync<string>(Stack.Admin, "select status::text from incidents where id = @incident", new { incident }));
        Assert.Equal(1, await CountAsync("select count(*) from alerts where subject_id = @incident and kind = 'incident_resolved'", new { incident }));
    }

    [Fact]
    public async Task Two_workflows_of_one_agent_fail_as_two_incidents()
    {
        var (agent, key) = await CreateAgentAsync();

        await AcceptedAsync(await CheckInAsync(key, "one", """{"status":"error","schedule":{"interval":"PT1H"}}"""));
        await AcceptedAsync(await CheckInAsync(key, "two", """{"status":"error","schedule":{"interval":"PT1H"}}"""));
        await AcceptedAsync(await CheckInAsync(key, "two", """{"status":"error"}"""));

        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var occurrences = (await connection.QueryAsync<int>(
            "select occurrences from incidents where agent_id = @agent and error_class = 'workflow_failed' and status = 'open' order by occurrences", new { agent })).ToArray();
        Assert.Equal([1, 2], occurrences);
    }

    [Fact]
    public async Task A_workflow_incident_names_its_workflow_in_the_alert_and_the_incident_view()
    {
        var (agent, key) = await CreateAgentAsync();

        await AcceptedAsync(await CheckInAsync(key, "rechnungen-pruefen", """{"status":"error","error_code":"IMAP_TIMEOUT","schedule":{"cron":"0 8 * * 1-5"}}"""));

        var incident = await Crm.ScalarAsync<Guid>(Stack.Admin,
            "select id from incidents where agent_id = @agent and error_class = 'workflow_failed'", new { agent });
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var alert = await connection.QuerySingleAsync<(string Title, string Body, string WorkflowKey)>(
            "select title, body, attributes->>'workflow_key' from alerts where subject_id = @incident and kind = 'incident_opened'", new { incident });
        Assert.Equal("Incident: Workflow-Lauf fehlgeschlagen – Workflow „rechnungen-pruefen“", alert.Title);
        Assert.Contains("Workflow: rechnungen-pruefen (rechnungen-pruefen).", alert.Body);
        Assert.Equal("rechnungen-pruefen", alert.WorkflowKey);
        var view = (await Host.TeamClient.GetFromJsonAsync<JsonElement>($"/api/incidents/{incident}")).GetProperty("incident");
        Assert.Equal(("rechnungen-pruefen", "rechnungen-pruefen"), (view.GetProperty("workflow_key").GetString(), view.GetProperty("workflow_name").GetString()));
    }

    [Theory]
    [InlineData("""{"status":"done"}""", "status")]
    [InlineData("""{"status":"ok","output":"Rechnung an Müller"}""", "output")]
    [InlineData("""{"status":"error","error_code":"Konnte Datei Rechnung_Müller.pdf nicht lesen"}""", "error_code")]
    [InlineData("""{"status":"ok","error_code":"E1"}""", "error_code")]
    [InlineData("""{"status":"ok","duration_s":-1}""", "duration_s")]
    [InlineData("""{"status":"ok","check_in_id":"nope"}""", "check_in_id")]
    [InlineData("""{"status":"ok","schedule":{"cron":"jeden Morgen"}}""", "schedule.cron")]
    [InlineData("""{"status":"ok","schedule":{"interval":"PT10S"}}""", "schedule.interval")]
    [InlineData("""{"status":"ok","schedule":{"cron":"0 2 * * *","timezone":"UTC"}}""", "schedule.timezone")]
    [InlineData("""{"status":"ok","version":2}""", "version")]
    [InlineData("""{}""", "status")]
    public async Task Bad_fields_are_refused_with_a_German_message_per_field(string json, string field)
    {
        var (agent, key) = await CreateAgentAsync();

        var response = await CheckInAsync(key, "backup", json);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.ToString());
        Assert.NotEmpty(messages[0].GetString()!);
        Assert.Equal(0, await CountAsync("select count(*) from agent_workflows where agent_id = @agent", new { agent }));
    }

    [Fact]
    public async Task Malformed_bodies_bad_workflow_keys_and_unknown_keys_are_refused()
    {
        var (_, key) = await CreateAgentAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await CheckInAsync(key, "backup", "nicht json")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await CheckInAsync(key, "Backup%20Nacht", """{"status":"ok"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CheckInAsync("lsa_unknown", "backup", """{"status":"ok","schedule":{"interval":"PT1H"}}""")).StatusCode);
        var tooLarge = await CheckInAsync(key, "backup", "{\"status\":\"ok\",\"x\":\"" + new string('a', 5000) + "\"}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
    }
}
