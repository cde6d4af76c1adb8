using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Pipeline;

/// <summary>
/// POST /api/leads/{id}/stage: the board's move, compare-and-set on the stage the page showed; the database's
/// stage rules decide, and their refusal comes back in German at the field it is about.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class MoveLeadStageTests(StackFixture stack) : IAsyncLifetime
{
    private RunningHost _host = null!;

    public async Task InitializeAsync() => _host = await RunningHost.StartAsync(stack);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<HttpResponseMessage> MoveAsync(Guid lead, object body) => _host.TeamClient.PostAsJsonAsync($"/api/leads/{lead}/stage", body);

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string[] Errors(JsonElement problem, string field) =>
        problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();

    private Task<string> StageAsync(Guid lead) => Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead });

    private Task<int> HistoryAsync(Guid lead) => Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from lead_stage_history where lead_id = @lead", new { lead });

    [Fact]
    public async Task An_allowed_move_changes_the_stage_and_records_history_and_stage_event_as_the_member()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED");

        var response = await MoveAsync(lead, new { to_stage = "REPLIED", from_stage = "CONTACTED" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((lead, "CONTACTED", "REPLIED", "Geantwortet"), (body.GetProperty("lead_id").GetGuid(), body.GetProperty("from_stage").GetString(),
            body.GetProperty("to_stage").GetString(), body.GetProperty("stage_label").GetString()));
        Assert.Equal("REPLIED", await StageAsync(lead));
        Assert.Equal(body.GetProperty("stage_changed_at").GetDateTime().ToUniversalTime(),
            await Crm.ScalarAsync<DateTime>(stack.Admin, "select stage_changed_at from leads where id = @lead", new { lead }));
        var member = _host.TeamMemberId.ToString();
        Assert.Equal(1, await Crm.ScalarAsync<int>(stack.Admin,
            "select count(*)::int from lead_stage_history where lead_id = @lead and from_stage = 'CONTACTED' and to_stage = 'REPLIED' and changed_by = @member",
            new { lead, member }));
        Assert.Equal(1, await Crm.ScalarAsync<int>(stack.Admin,
            "select count(*)::int from pipeline_events where lead_id = @lead and from_stage = 'CONTACTED' and to_stage = 'REPLIED' and changed_by = @member",
            new { lead, member }));
    }

    [Fact]
    public async Task A_move_the_transitions_do_not_allow_gets_422_with_the_german_reason_and_the_allowed_moves_and_changes_nothing()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED");
        var history = await HistoryAsync(lead);

        var problem = await ProblemAsync(await MoveAsync(lead, new { to_stage = "WON", from_stage = "CONTACTED" }), HttpStatusCode.UnprocessableEntity);

        Assert.Equal("Stufenwechsel von „Kontaktiert“ nach „Gewonnen“ ist nicht erlaubt.", problem.GetProperty("title").GetString());
        Assert.Equal("Stufenwechsel von „Kontaktiert“ nach „Gewonnen“ ist nicht erlaubt. Erlaubt ab „Kontaktiert“: „Geantwortet“, „Call gebucht“, „Verloren“.",
            Assert.Single(Errors(problem, "to_stage")));
        Assert.Equal("CONTACTED", await StageAsync(lead));
        Assert.Equal(history, await HistoryAsync(lead));
    }

    [Fact]
    public async Task Won_without_a_deal_gets_422_at_deal_and_with_a_deal_the_lead_and_its_deal_are_won()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CALL_BOOKED");

        var problem = await ProblemAsync(await MoveAsync(lead, new { to_stage = "WON", from_stage = "CALL_BOOKED" }), HttpStatusCode.UnprocessableEntity);

        Assert.StartsWith("Für „Gewonnen“ braucht der Lead einen Deal", Assert.Single(Errors(problem, "deal")));
        Assert.Equal("CALL_BOOKED", await StageAsync(lead));

        await Crm.ScalarAsync<int>(stack.Admin, "insert into deals (lead_id, package, amount_cents) values (@lead, 'SETUP', 149000) returning 1", new { lead });
        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(lead, new { to_stage = "WON", from_stage = "CALL_BOOKED" })).StatusCode);
        Assert.Equal("WON", await StageAsync(lead));
        Assert.Equal("WON", await Crm.ScalarAsync<string>(stack.Admin, "select status::text from deals where lead_id = @lead", new { lead }));
    }

    [Fact]
    public async Task Lost_without_a_reason_code_gets_400_at_lost_reason_code_and_with_one_stores_the_code_and_keeps_the_note_on_the_lead_only()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "QUALIFIED");

        var missing = await ProblemAsync(await MoveAsync(lead, new { to_stage = "LOST", from_stage = "QUALIFIED" }), HttpStatusCode.BadRequest);
        var noteOnly = await ProblemAsync(await MoveAsync(lead, new { to_stage = "LOST", from_stage = "QUALIFIED", lost_reason = "Kein Budget" }), HttpStatusCode.BadRequest);
        var unknown = await ProblemAsync(await MoveAsync(lead, new { to_stage = "LOST", from_stage = "QUALIFIED", lost_reason_code = "zu_teuer" }), HttpStatusCode.BadRequest);

        Assert.StartsWith("Für „Verloren“ bitte einen Grund aus der Liste wählen: preis (Zu teuer), kein_bedarf (Kein Bedarf)", Assert.Single(Errors(missing, "lost_reason_code")));
        Assert.StartsWith("Für „Verloren“ bitte einen Grund aus der Liste wählen", Assert.Single(Errors(noteOnly, "lost_reason_code")));
        Assert.StartsWith("Unbekannter Verlustgrund. Erlaubt: preis (Zu teuer)", Assert.Single(Errors(unknown, "lost_reason_code")));
        Assert.Equal("QUALIFIED", await StageAsync(lead));

        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(lead, new { to_stage = "lost", from_stage = "qualified", lost_reason_code = "PREIS", lost_reason = "  Kein Budget " })).StatusCode);
        Assert.Equal("LOST", await StageAsync(lead));
        Assert.Equal("preis", await Crm.ScalarAsync<string>(stack.Admin, "select lost_reason_code from leads where id = @lead", new { lead }));
        Assert.Equal("Kein Budget", await Crm.ScalarAsync<string>(stack.Admin, "select lost_reason from leads where id = @lead", new { lead }));
        // the stage history (what the KPI figures count) keeps the code, never the note
        Assert.Equal("preis", await Crm.ScalarAsync<string>(stack.Admin, "select lost_reason_code from lead_stage_history where lead_id = @lead and to_stage = 'LOST'", new { lead }));
        Assert.Equal(0, await Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from lead_stage_history h where h.lead_id = @lead and to_jsonb(h)::text like '%Kein Budget%'", new { lead }));
    }

    [Fact]
    public async Task Call_booked_without_the_call_time_gets_422_at_call_at_and_with_it_stores_the_time()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "QUALIFIED");
        var callAt = DateTimeOffset.UtcNow.AddDays(3);
        callAt = callAt.AddTicks(-(callAt.Ticks % TimeSpan.TicksPerMinute)).ToOffset(TimeSpan.FromHours(1));

        var problem = await ProblemAsync(await MoveAsync(lead, new { to_stage = "CALL_BOOKED", from_stage = "QUALIFIED" }), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(["Für „Call gebucht“ bitte call_at (Datum und Uhrzeit des Calls) setzen."], Errors(problem, "call_at"));
        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(lead, new { to_stage = "CALL_BOOKED", from_stage = "QUALIFIED", call_at = callAt.ToString("yyyy-MM-ddTHH:mm:sszzz") })).StatusCode);
        Assert.Equal("CALL_BOOKED", await StageAsync(lead));
        Assert.Equal(callAt.UtcDateTime, await Crm.ScalarAsync<DateTime>(stack.Admin, "select call_at from leads where id = @lead", new { lead }));
    }

    [Fact]
    public async Task A_move_from_a_stage_the_lead_has_left_gets_409_with_its_current_stage_and_changes_nothing()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "REPLIED");
        var history = await HistoryAsync(lead);

        var problem = await ProblemAsync(await MoveAsync(lead, new { to_stage = "LOST", from_stage = "CONTACTED", lost_reason_code = "kein_bedarf" }), HttpStatusCode.Conflict);

        Assert.Contains("steht inzwischen in „Geantwortet“", problem.GetProperty("title").GetString());
        Assert.Contains("steht inzwischen in „Geantwortet“", Assert.Single(Errors(problem, "from_stage")));
        Assert.Equal(("REPLIED", "Geantwortet"), (problem.GetProperty("current_stage").GetString(), problem.GetProperty("current_stage_label").GetString()));
        Assert.Equal("REPLIED", await StageAsync(lead));
        Assert.Null(await Crm.ScalarAsync<string?>(stack.Admin, "select lost_reason from leads where id = @lead", new { lead }));
        Assert.Equal(history, await HistoryAsync(lead));
    }

    [Fact]
    public async Task Bad_input_gets_a_german_message_per_field_and_changes_nothing()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED");

        var unknown = await ProblemAsync(await MoveAsync(lead, new { to_stage = "GEWONNEN" }), HttpStatusCode.BadRequest);
        var same = await ProblemAsync(await MoveAsync(lead, new { to_stage = "CONTACTED", from_stage = "CONTACTED" }), HttpStatusCode.BadRequest);
        var misplaced = await ProblemAsync(await MoveAsync(lead, new { to_stage = "REPLIED", from_stage = "CONTACTED", lost_reason = "x", call_at = "2030-01-01T10:00:00Z" }),
            HttpStatusCode.BadRequest);
        var badTime = await ProblemAsync(await MoveAsync(lead, new { to_stage = "CALL_BOOKED", from_stage = "CONTACTED", call_at = "morgen um 10" }), HttpStatusCode.BadRequest);
        var pastTime = await ProblemAsync(await MoveAsync(lead, new { to_stage = "CALL_BOOKED", from_stage = "CONTACTED", call_at = "2020-01-01T10:00:00Z" }), HttpStatusCode.BadRequest);
        var longReason = await ProblemAsync(await MoveAsync(lead, new { to_stage = "LOST", from_stage = "CONTACTED", lost_reason = new string('x', 501) }), HttpStatusCode.BadRequest);
        var unknownField = await ProblemAsync(await MoveAsync(lead, new { to_stage = "REPLIED", from_stage = "CONTACTED", note = "Chat-Inhalt" }), HttpStatusCode.BadRequest);
        var notJson = await ProblemAsync(await _host.TeamClient.PostAsync($"/api/leads/{lead}/stage", new StringContent("{", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest);
        var badId = await ProblemAsync(await _host.TeamClient.PostAsJsonAsync("/api/leads/kein-uuid/stage", new { to_stage = "REPLIED", from_stage = "CONTACTED" }),
            HttpStatusCode.BadRequest);

        Assert.Contains("Unbekannte Stufe", Assert.Single(Errors(unknown, "to_stage")));
        Assert.Contains("gezeigt", Assert.Single(Errors(unknown, "from_stage")));
        Assert.Contains("schon in dieser Stufe", Assert.Single(Errors(same, "to_stage")));
        Assert.Equal(["call_at", "lost_reason"], misplaced.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("ISO-8601", Assert.Single(Errors(badTime, "call_at")));
        Assert.Contains("Vergangenheit", Assert.Single(Errors(pastTime, "call_at")));
        Assert.Contains("höchstens 500 Zeichen", Assert.Single(Errors(longReason, "lost_reason")));
        Assert.Equal(["Dieses Feld gibt es nicht."], Errors(unknownField, "note"));
        Assert.True(notJson.GetProperty("errors").EnumerateObject().Any());
        Assert.Equal(["Erwartet wird eine UUID."], Errors(badId, "lead_id"));
        Assert.Equal("CONTACTED", await StageAsync(lead));
    }

    [Fact]
    public async Task An_unknown_lead_is_not_found()
    {
        var problem = await ProblemAsync(await MoveAsync(Guid.NewGuid(), new { to_stage = "REPLIED", from_stage = "CONTACTED" }), HttpStatusCode.NotFound);

        Assert.Equal("Diesen Lead gibt es nicht.", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_signed_in_user_who_is_not_a_team_member_gets_403_and_the_lead_stays()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/leads/{lead}/stage")
        {
            Content = JsonContent.Create(new { to_stage = "REPLIED", from_stage = "CONTACTED" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await TestIssuer.Shared).Token(Guid.NewGuid()));

        await ProblemAsync(await _host.Client.SendAsync(request), HttpStatusCode.Forbidden);

        Assert.Equal("CONTACTED", await StageAsync(lead));
    }
}
