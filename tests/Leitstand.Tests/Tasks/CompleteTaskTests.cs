using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Tasks;

/// <summary>POST /api/tasks/{id}/complete: the outcome, the touchpoint, and the stage move the task implies, in one transaction.</summary>
[Collection(StackCollection.Name)]
public sealed class CompleteTaskTests(StackFixture stack) : TasksTestBase(stack)
{
    private static readonly DateTime Morning = Local(2024, 4, 17, 5);

    private async Task<Guid> FirstContactTaskAsync(Guid lead)
    {
        await GenerateAsync(Morning);
        return (await TasksOfAsync(lead)).Single(t => t.Rule == "first_contact").Id;
    }

    private Task<HttpResponseMessage> CompleteAsync(Guid task, object body) => Host.TeamClient.PostAsJsonAsync($"/api/tasks/{task}/complete", body);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Completing_a_first_contact_moves_the_lead_to_contacted_and_records_the_touchpoint()
    {
        var lead = await LeadAsync("NEW", Local(2024, 4, 16, 10), basis: "cold");
        var task = await FirstContactTaskAsync(lead);

        var response = await CompleteAsync(task, new { outcome = "done", channel = "dm" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(("NEW", "CONTACTED"), (body.GetProperty("from_stage").GetString(), body.GetProperty("to_stage").GetString()));
        await using var connection = await Admin.OpenConnectionAsync();
        Assert.Equal("CONTACTED", await connection.ExecuteScalarAsync<string>("select stage::text from leads where id = @lead", new { lead }));
        var touchpoint = await connection.QuerySingleAsync<(string Direction, string Kind, string NoteCode, Guid TaskId)>("""
            select tp.direction::text, tp.kind, tp.note_code, t.id from lead_touchpoints tp join tasks t on t.touchpoint_id = tp.id
            where tp.lead_id = @lead and tp.kind <> 'form_submission'
            """, new { lead });
        Assert.Equal(("OUTBOUND", "dm", "first_message_sent", task), touchpoint);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from lead_stage_history where lead_id = @lead and from_stage = 'NEW' and to_stage = 'CONTACTED'", new { lead }));
        Assert.Equal("DONE", Assert.Single(await TasksOfAsync(lead)).Status);

        // The stage event starts the follow-up sequence.
        await ProcessEventsAsync();
        Assert.Equal(3, (await TasksOfAsync(lead)).Count(t => t.PlaybookKey == "followup_sequence" && t.Status == "OPEN"));
    }

    [Fact]
    public async Task Recording_a_reply_moves_the_lead_to_replied_and_stops_the_follow_ups_at_once()
    {
        var lead = await LeadAsync("CONTACTED", Local(2024, 4, 15, 10));
        await ProcessEventsAsync();
        var followUp = (await TasksOfAsync(lead)).Single(t => t.PlaybookStep == 1);

        var response = await CompleteAsync(followUp.Id, new { outcome = "done", channel = "dm", note_code = "replied" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("REPLIED", (await JsonAsync(response)).GetProperty("to_stage").GetString());
        var tasks = await TasksOfAsync(lead);
        Assert.Equal("DONE", tasks.Single(t => t.PlaybookStep == 1).Status);
        Assert.Equal([(2, "CANCELLED"), (3, "CANCELLED")], tasks.Where(t => t.PlaybookKey == "followup_sequence" && t.PlaybookStep > 1).Select(t => (t.PlaybookStep!.Value, t.Status)));
        Assert.Equal("INBOUND", await ScalarAsync<string>("select direction::text from lead_touchpoints where lead_id = @lead and note_code = 'replied'", new { lead }));
    }

    [Fact]
    public async Task A_note_given_with_the_completion_is_stored_on_its_touchpoint()
    {
        var lead = await LeadAsync("NEW", Local(2024, 4, 16, 10));
        var task = await FirstContactTaskAsync(lead);

        var response = await CompleteAsync(task, new { outcome = "done", channel = "call", note = "Erreicht, will Angebot per Mail." });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var touchpoint = (await JsonAsync(response)).GetProperty("touchpoint_id").GetGuid();
        Assert.Equal("Erreicht, will Angebot per Mail.", await ScalarAsync<string>("select note from lead_touchpoints where id = @touchpoint", new { touchpoint }));
    }

    [Fact]
    public async Task A_note_without_a_touchpoint_or_over_500_characters_gets_422_and_leaves_the_task_open()
    {
        var lead = await LeadAsync("NEW", Local(2024, 4, 16, 10));
        var task = await FirstContactTaskAsync(lead);

        var skipped = await CompleteAsync(task, new { outcome = "skipped", note = "Keine Zeit gehabt." });
        var tooLong = await CompleteAsync(task, new { outcome = "done", channel = "dm", note = new string('n', 501) });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, skipped.StatusCode);
        Assert.Contains("erfassten Kontakt", (await JsonAsync(skipped)).GetProperty("errors").GetProperty("note")[0].GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Contains("höchstens 500 Zeichen", (await JsonAsync(tooLong)).GetProperty("errors").GetProperty("note")[0].GetString());
        Assert.Equal("OPEN", Assert.Single(await TasksOfAsync(lead)).Status);
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from lead_touchpoints where lead_id = @lead and kind <> 'form_submission'", new { lead }));
    }

    [Fact]
    public async Task Skipping_closes_the_task_and_changes_nothing_else()
    {
        var lead = await LeadAsync("NEW", Local(2024, 4, 16, 10));
        var task = await FirstContactTaskAsync(lead);

        var response = await CompleteAsync(task, new { outcome = "skipped" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("skipped", (await JsonAsync(response)).GetProperty("status").GetString());
        Assert.Equal(("CANCELLED", "Übersprungen"), (Assert.Single(await TasksOfAsync(lead)).Status, Assert.Single(await TasksOfAsync(lead)).CancelReason));
        Assert.Equal("NEW", await ScalarAsync<string>("select stage::text from leads where id = @lead", new { lead }));
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from lead_touchpoints where lead_id = @lead and kind <> 'form_submission'", new { lead }));
    }

    [Fact]
    public async Task The_safety_baseline_task_is_never_skipped_says_where_it_is_ticked_and_closes_as_done()
    {
        var lead = await LeadAsync("WON", Local(2024, 4, 16, 10));
        const string insert = """
            insert into tasks (lead_id, kind, title, due_at, playbook_key, playbook_step)
            values (@lead, 'install', @title, now(), 'install_checklist', @step) returning id
            """;
        var baseline = await ScalarAsync<Guid>(insert, new { lead, title = "Sicherheits-Baseline prüfen", step = 5 });
        var workflow = await ScalarAsync<Guid>(insert, new { lead, title = "Kern-Workflow 3 einrichten und testen", step = 4 });

        var skipped = await CompleteAsync(baseline, new { outcome = "skipped" });
        var stillOpen = await ScalarAsync<string>("select status::text from tasks where id = @baseline", new { baseline });
        var otherSkipped = await CompleteAsync(workflow, new { outcome = "skipped" });
        var done = await CompleteAsync(baseline, new { outcome = "done" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, skipped.StatusCode);
        var message = (await JsonAsync(skipped)).GetProperty("errors").GetProperty("outcome")[0].GetString();
        Assert.Contains("nie übersprungen", message);
        Assert.Contains("„nicht anwendbar“ mit Grund", message);
        Assert.Equal("OPEN", stillOpen);
        Assert.Equal(HttpStatusCode.OK, otherSkipped.StatusCode);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal("DONE", await ScalarAsync<string>("select status::text from tasks where id = @baseline", new { baseline }));
    }

    [Fact]
    public async Task A_first_contact_done_without_its_channel_is_refused_with_a_german_message()
    {
        var lead = await LeadAsync("NEW", Local(2024, 4, 16, 10));
        var task = await FirstContactTaskAsync(lead);

        var response = await CompleteAsync(task, new { outcome = "done" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Kanal", (await JsonAsync(response)).GetProperty("errors").GetProperty("channel")[0].GetString());
        Assert.Equal("OPEN", Assert.Single(await TasksOfAsync(lead)).Status);
    }

    [Fact]
    public async Task Bad_input_gets_a_german_message_per_field_and_changes_nothing()
    {
        var lead = await LeadAsync("NEW", Local(2024, 4, 16, 10));
        var task = await FirstContactTaskAsync(lead);

        var bad = await JsonAsync(await CompleteAsync(task, new { outcome = "erledigt", channel = "fax", note_code = "Hat sich gefreut!" }));
        var unknownCode = await CompleteAsync(task, new { outcome = "done", channel = "dm", note_code = "made_up" });
        var unknownField = await CompleteAsync(task, new { outcome = "done", channel = "dm", chat = "Chat-Inhalt" });
        var notJson = await Host.TeamClient.PostAsync($"/api/tasks/{task}/complete", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(["channel", "note_code", "outcome"], bad.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(HttpStatusCode.BadRequest, unknownCode.StatusCode);
        Assert.Contains("Notiz-Code", await unknownCode.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, unknownField.StatusCode);
        Assert.True((await JsonAsync(unknownField)).GetProperty("errors").TryGetProperty("chat", out _));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal("OPEN", Assert.Single(await TasksOfAsync(lead)).Status);
        Assert.Equal("NEW", await ScalarAsync<string>("select stage::text from leads where id = @lead", new { lead }));
    }

    [Fact]
    public async Task A_task_is_completed_once_and_an_unknown_one_is_not_found()
    {
        var lead = await LeadAsync("NEW", Local(2024, 4, 16, 10));
        var task = await FirstContactTaskAsync(lead);

        var first = await CompleteAsync(task, new { outcome = "done", channel = "email" });
        var second = await CompleteAsync(task, new { outcome = "done", channel = "email" });
        var unknown = await CompleteAsync(Guid.NewGuid(), new { outcome = "done" });
        var invalid = await Host.TeamClient.PostAsJsonAsync("/api/tasks/kein-uuid/complete", new { outcome = "done" });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Conflict, HttpStatusCode.NotFound, HttpStatusCode.BadRequest),
            (first.StatusCode, second.StatusCode, unknown.StatusCode, invalid.StatusCode));
        Assert.Equal(1, await ScalarAsync<int>("select count(*) from lead_touchpoints where lead_id = @lead and kind = 'email'", new { lead }));
    }

    [Fact]
    public async Task An_oversized_body_is_refused_before_it_is_read_to_the_end()
    {
        var lead = await LeadAsync("NEW", Local(2024, 4, 16, 10));
        var task = await FirstContactTaskAsync(lead);
        var huge = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("{\"outcome\":\"" + new string('x', 40_000) + "\"}")));
        huge.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var response = await Host.TeamClient.PostAsync($"/api/tasks/{task}/complete", huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
