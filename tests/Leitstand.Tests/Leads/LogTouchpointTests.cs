using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Leitstand.Pipeline;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Leads;

/// <summary><c>POST /api/leads/{leadId}/touchpoints</c> and <c>GET /api/touchpoint-note-codes</c>: contacts logged without a task.</summary>
[Collection(StackCollection.Name)]
public sealed class LogTouchpointTests(StackFixture stack) : ProspectTestBase(stack)
{
    private Task<Guid> AddProspectAsync() =>
        Prospects.AddAsync(Host, new { name = "Anna Beispiel", handle = Prospects.UniqueHandle(), handle_channel = "instagram", contact_basis = "cold" });

    [Fact]
    public async Task Outbound_touchpoint_on_a_new_lead_moves_it_to_contacted_and_closes_its_first_contact()
    {
        var lead = await AddProspectAsync();

        var response = await Prospects.LogTouchpointAsync(Host, lead, new { channel = "dm", note_code = "first_message_sent" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await BodyAsync(response);
        var touchpoint = body.GetProperty("touchpoint_id").GetGuid();
        Assert.Equal(("outbound", "NEW", "CONTACTED"),
            (body.GetProperty("direction").GetString(), body.GetProperty("from_stage").GetString(), body.GetProperty("to_stage").GetString()));
        Assert.Equal(1, await CountAsync("select count(*) from leads where id = @lead and stage = 'CONTACTED'", new { lead }));
        Assert.Equal(1, await CountAsync("select count(*) from lead_stage_history where lead_id = @lead and from_stage = 'NEW' and to_stage = 'CONTACTED'", new { lead }));
        Assert.Equal(1, await CountAsync("""
            select count(*) from lead_touchpoints where id = @touchpoint and lead_id = @lead and direction = 'OUTBOUND' and channel = 'instagram'
              and kind = 'dm' and note_code = 'first_message_sent' and note is null and occurred_at = @now
            """, new { touchpoint, lead, now = Clock.GetUtcNow().UtcDateTime }));
        Assert.Equal(1, await CountAsync(
            "select count(*) from tasks where lead_id = @lead and rule = 'first_contact' and status = 'DONE' and touchpoint_id = @touchpoint and outcome_channel = 'dm'",
            new { lead, touchpoint }));
    }

    [Fact]
    public async Task Touchpoint_with_a_note_stores_the_note_beside_the_code()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin);

        var response = await Prospects.LogTouchpointAsync(Host, lead, new
        {
            channel = "call", note_code = "call_held", note = "  Zeitfresser: Angebote,\r\n ca. 6 Std./Woche;  MacBook vorhanden  ",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var touchpoint = (await BodyAsync(response)).GetProperty("touchpoint_id").GetGuid();
        Assert.Equal("Zeitfresser: Angebote,\nca. 6 Std./Woche; MacBook vorhanden",
            await Crm.ScalarAsync<string>(Stack.Admin, "select note from lead_touchpoints where id = @touchpoint and note_code = 'call_held'", new { touchpoint }));
    }

    [Fact]
    public async Task Note_over_500_characters_gets_422_in_German_and_records_nothing()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin);

        var atLimit = await Prospects.LogTouchpointAsync(Host, lead, new { channel = "call", note_code = "call_held", note = new string('n', 500) });
        var over = await Prospects.LogTouchpointAsync(Host, lead, new { channel = "call", note_code = "call_held", note = new string('n', 501) });

        Assert.Equal(HttpStatusCode.Created, atLimit.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, over.StatusCode);
        Assert.Contains("höchstens 500 Zeichen", (await BodyAsync(over)).GetProperty("errors").GetProperty("note")[0].GetString());
        Assert.Equal(1, await CountAsync("select count(*) from lead_touchpoints where lead_id = @lead", new { lead }));
    }

    [Fact]
    public async Task Inbound_touchpoint_on_a_contacted_lead_moves_it_to_replied_and_cancels_the_open_follow_ups()
    {
        var lead = await AddProspectAsync();
        Assert.Equal(HttpStatusCode.Created, (await Prospects.LogTouchpointAsync(Host, lead, new { channel = "dm", note_code = "first_message_sent" })).StatusCode);
        await Host.Services.GetRequiredService<ProcessPipelineEvents>().ExecuteAsync(CancellationToken.None);
        var followUps = await CountAsync("select count(*) from tasks where lead_id = @lead and playbook_key = 'followup_sequence' and status = 'OPEN'", new { lead });
        Assert.True(followUps > 0);

        var response = await Prospects.LogTouchpointAsync(Host, lead, new { channel = "email", note_code = "interested", direction = "inbound" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await BodyAsync(response);
        Assert.Equal(("inbound", "CONTACTED", "REPLIED"),
            (body.GetProperty("direction").GetString(), body.GetProperty("from_stage").GetString(), body.GetProperty("to_stage").GetString()));
        Assert.Equal(1, await CountAsync("select count(*) from lead_stage_history where lead_id = @lead and from_stage = 'CONTACTED' and to_stage = 'REPLIED'", new { lead }));
        Assert.Equal(0, await CountAsync("select count(*) from tasks where lead_id = @lead and playbook_key = 'followup_sequence' and status = 'OPEN'", new { lead }));
        Assert.Equal(followUps, await CountAsync(
            "select count(*) from tasks where lead_id = @lead and playbook_key = 'followup_sequence' and status = 'CANCELLED' and cancel_reason = 'Lead hat geantwortet'", new { lead }));
    }

    [Fact]
    public async Task Touchpoint_that_implies_no_move_keeps_the_stage_and_stores_the_given_time()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin);
        var at = Clock.GetUtcNow().AddHours(-20);

        var response = await Prospects.LogTouchpointAsync(Host, lead, new { channel = "call", note_code = "call_requested", occurred_at = at.ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await BodyAsync(response);
        Assert.Equal(("inbound", "NEW", "NEW"),
            (body.GetProperty("direction").GetString(), body.GetProperty("from_stage").GetString(), body.GetProperty("to_stage").GetString()));
        Assert.Equal(1, await CountAsync("select count(*) from lead_touchpoints where lead_id = @lead and channel = 'phone' and kind = 'call' and occurred_at = @at",
            new { lead, at = at.UtcDateTime }));
        Assert.Equal(1, await CountAsync("select count(*) from leads where id = @lead and stage = 'NEW'", new { lead }));
    }

    [Fact]
    public async Task Direction_that_contradicts_the_note_code_gets_400_and_records_nothing()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin);

        var response = await Prospects.LogTouchpointAsync(Host, lead, new { channel = "dm", note_code = "replied", direction = "outbound" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("passt nicht zur Richtung", (await BodyAsync(response)).GetProperty("errors").GetProperty("body")[0].GetString());
        Assert.Equal(0, await CountAsync("select count(*) from lead_touchpoints where lead_id = @lead", new { lead }));
        Assert.Equal(1, await CountAsync("select count(*) from leads where id = @lead and stage = 'NEW'", new { lead }));
    }

    [Fact]
    public async Task Unknown_note_code_gets_400()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin);

        var response = await Prospects.LogTouchpointAsync(Host, lead, new { channel = "dm", note_code = "sent_a_meme" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Unbekannter Notiz-Code „sent_a_meme“", (await BodyAsync(response)).GetProperty("errors").GetProperty("body")[0].GetString());
        Assert.Equal(0, await CountAsync("select count(*) from lead_touchpoints where lead_id = @lead", new { lead }));
    }

    [Fact]
    public async Task Missing_channel_and_a_time_in_the_future_each_get_a_German_message()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin);
        var later = Clock.GetUtcNow().AddMinutes(10).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        var future = await Prospects.LogTouchpointAsync(Host, lead, new { note_code = "call_held", direction = "sideways", occurred_at = later });
        var noZone = await Prospects.LogTouchpointAsync(Host, lead, new { channel = "call", note_code = "call_held", occurred_at = "2026-12-01T14:30:00" });

        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        var errors = (await BodyAsync(future)).GetProperty("errors");
        Assert.Equal(["channel", "direction", "occurred_at"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("höchstens 5 Minuten in der Zukunft", errors.GetProperty("occurred_at")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, noZone.StatusCode);
        Assert.Contains("mit Zeitzone", (await BodyAsync(noZone)).GetProperty("errors").GetProperty("occurred_at")[0].GetString());
        Assert.Equal(0, await CountAsync("select count(*) from lead_touchpoints where lead_id = @lead", new { lead }));
    }

    [Fact]
    public async Task Unknown_lead_gets_404_and_a_malformed_id_400()
    {
        var unknown = await Prospects.LogTouchpointAsync(Host, Guid.NewGuid(), new { channel = "dm", note_code = "first_message_sent" });
        var malformed = await Host.TeamClient.PostAsJsonAsync("/api/leads/not-a-uuid/touchpoints", new { channel = "dm", note_code = "first_message_sent" });

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Diesen Lead gibt es nicht.", (await BodyAsync(unknown)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.True((await BodyAsync(malformed)).GetProperty("errors").TryGetProperty("lead_id", out _));
    }

    [Fact]
    public async Task Body_over_the_limit_gets_413()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin);
        var json = JsonSerializer.Serialize(new { channel = "dm", note_code = new string('x', 20_000) });

        var response = await Host.TeamClient.PostAsync($"/api/leads/{lead}/touchpoints", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await CountAsync("select count(*) from lead_touchpoints where lead_id = @lead", new { lead }));
    }

    [Fact]
    public async Task Note_codes_are_listed_with_label_and_direction_in_their_order()
    {
        var response = await Host.TeamClient.GetAsync("/api/touchpoint-note-codes");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var codes = (await BodyAsync(response)).GetProperty("note_codes").EnumerateArray()
            .Select(c => (c.GetProperty("code").GetString(), c.GetProperty("label").GetString(), c.GetProperty("direction").GetString())).ToList();
        Assert.Equal(await CountAsync("select count(*) from touchpoint_note_codes", new { }), codes.Count);
        Assert.Equal(("first_message_sent", "Erstnachricht gesendet", "outbound"), codes[0]);
        Assert.Contains(("replied", "Hat geantwortet", "inbound"), codes);
    }
}
