using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Leads;

/// <summary><c>GET /api/leads/{id}</c>: one lead with its contact data, consent, history, touchpoints, tasks, deals and agents.</summary>
[Collection(StackCollection.Name)]
public sealed class GetLeadTests(StackFixture stack) : ProspectTestBase(stack)
{
    [Fact]
    public async Task A_prospect_shows_its_contact_data_history_touchpoint_note_and_open_first_contact()
    {
        var handle = Prospects.UniqueHandle("nora");
        var lead = await Prospects.AddAsync(Host, new
        {
            name = "Nora Brändl", handle, handle_channel = "instagram", company = "Studio Brändl", phone = "+49 30 23125999", contact_basis = "cold",
        });
        Assert.Equal(HttpStatusCode.OK, (await Host.TeamClient.PostAsJsonAsync($"/api/leads/{lead}/stage", new { to_stage = "CONTACTED", from_stage = "NEW" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Prospects.LogTouchpointAsync(Host, lead, new { channel = "dm", note_code = "interested", note = "Will Preise wissen." })).StatusCode);

        var response = await Host.TeamClient.GetAsync($"/api/leads/{lead}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await BodyAsync(response);
        Assert.Equal(("Nora Brändl", "Studio Brändl", handle, "instagram", "+49 30 23125999"),
            (body.GetProperty("name").GetString(), body.GetProperty("company").GetString(), body.GetProperty("handle").GetString(),
             body.GetProperty("handle_channel").GetString(), body.GetProperty("phone").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("email").ValueKind);
        Assert.Equal(("REPLIED", "Geantwortet", "cold"),
            (body.GetProperty("stage").GetString(), body.GetProperty("stage_label").GetString(), body.GetProperty("contact_basis").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("consent").ValueKind);
        Assert.Equal(1, body.GetProperty("version").GetInt32());

        var history = body.GetProperty("stage_history").EnumerateArray().ToList();
        Assert.Equal([(null, "NEW"), ("NEW", "CONTACTED"), ("CONTACTED", "REPLIED")],
            history.Select(h => (h.GetProperty("from_stage").GetString(), h.GetProperty("to_stage").GetString())));
        Assert.Equal(("Kontaktiert", Host.TeamMemberId.ToString(), "Test Team"),
            (history[1].GetProperty("to_label").GetString(), history[1].GetProperty("changed_by").GetString(), history[1].GetProperty("changed_by_name").GetString()));

        var touchpoint = Assert.Single(body.GetProperty("touchpoints").EnumerateArray());
        Assert.Equal(("inbound", "instagram", "dm", "interested", "Will Preise wissen."),
            (touchpoint.GetProperty("direction").GetString(), touchpoint.GetProperty("channel").GetString(), touchpoint.GetProperty("kind").GetString(),
             touchpoint.GetProperty("note_code").GetString(), touchpoint.GetProperty("note").GetString()));
        Assert.False(string.IsNullOrEmpty(touchpoint.GetProperty("note_label").GetString()));

        // The move to CONTACTED by hand left the first contact open; the reply did not close it either.
        var open = body.GetProperty("open_tasks").EnumerateArray().ToList();
        Assert.Contains(open, t => t.GetProperty("kind").GetString() == "first_contact" && t.GetProperty("status").GetString() == "open");
        Assert.Empty(body.GetProperty("deals").EnumerateArray());
        Assert.Empty(body.GetProperty("agents").EnumerateArray());
        Assert.False(body.TryGetProperty("onboarding", out _));
    }

    [Fact]
    public async Task A_customer_shows_its_consent_form_message_deal_and_agents_with_their_open_incidents()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON", name: "Thomas Becker", company: "Tischlerei Becker");
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        await connection.ExecuteAsync("update leads set message = 'Wir ertrinken in E-Mails.' where id = @lead", new { lead });
        var agent = await connection.ExecuteScalarAsync<Guid>("""
            insert into agents (lead_id, name, key_hash, key_prefix) values (@lead, 'Becker-Agent', repeat('a', 56) || substr(md5(@lead::text), 1, 8), 'lsa_test')
            returning id
            """, new { lead });
        await connection.ExecuteAsync("""
            insert into incidents (agent_id, error_class, severity, status, opened_at, last_seen_at)
            select @agent, key, severity, 'open', now() - interval '1 hour', now() from error_classes order by key limit 1;
            insert into incidents (agent_id, error_class, severity, status, opened_at, last_seen_at, resolved_at)
            select @agent, key, severity, 'resolved', now() - interval '2 days', now() - interval '1 day', now() - interval '1 day'
            from error_classes order by key offset 1 limit 1;
            """, new { agent });

        var body = await BodyAsync(await Host.TeamClient.GetAsync($"/api/leads/{lead}"));

        Assert.Equal("Wir ertrinken in E-Mails.", body.GetProperty("message").GetString());
        var consent = body.GetProperty("consent");
        Assert.Equal(("2026-11-25", "test"), (consent.GetProperty("text_version").GetString(), consent.GetProperty("source").GetString()));
        Assert.True(consent.GetProperty("at").GetDateTime() > DateTime.UtcNow.AddHours(-1));
        Assert.Equal("form", body.GetProperty("contact_basis").GetString());
        var deal = Assert.Single(body.GetProperty("deals").EnumerateArray());
        Assert.Equal(("SETUP", 149000, "won"), (deal.GetProperty("package").GetString(), deal.GetProperty("amount_cents").GetInt32(), deal.GetProperty("status").GetString()));
        var shownAgent = Assert.Single(body.GetProperty("agents").EnumerateArray());
        Assert.Equal((agent, "Becker-Agent"), (shownAgent.GetProperty("id").GetGuid(), shownAgent.GetProperty("name").GetString()));
        var incident = Assert.Single(shownAgent.GetProperty("open_incidents").EnumerateArray());
        Assert.Equal("open", incident.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(incident.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Unknown_lead_gets_404_in_German_and_a_malformed_id_400()
    {
        var unknown = await Host.TeamClient.GetAsync($"/api/leads/{Guid.NewGuid()}");
        var malformed = await Host.TeamClient.GetAsync("/api/leads/kein-uuid");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Diesen Lead gibt es nicht.", (await BodyAsync(unknown)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.True((await BodyAsync(malformed)).GetProperty("errors").TryGetProperty("lead_id", out _));
    }

    [Fact]
    public async Task Without_a_token_it_is_401_and_for_a_non_member_403()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/leads/{lead}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await TestIssuer.Shared).Token(Guid.NewGuid()));

        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.Client.GetAsync($"/api/leads/{lead}")).StatusCode);
        var forbidden = await Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.DoesNotContain("Lena Lead", await forbidden.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_moves_offered_are_the_ones_the_pipeline_allows_from_its_stage_with_what_each_asks_for()
    {
        var qualified = await Crm.CreateLeadAsync(Stack.Admin, "QUALIFIED");
        var booked = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");

        static List<(string?, string?, string?)> Moves(System.Text.Json.JsonElement lead) =>
            lead.GetProperty("moves").EnumerateArray()
                .Select(m => (m.GetProperty("to_stage").GetString(), m.GetProperty("label").GetString(), m.GetProperty("requires").GetString()))
                .ToList();
        var fromQualified = Moves(await BodyAsync(await Host.TeamClient.GetAsync($"/api/leads/{qualified}")));
        var fromBooked = Moves(await BodyAsync(await Host.TeamClient.GetAsync($"/api/leads/{booked}")));

        Assert.Equal([("CALL_BOOKED", "Call gebucht", "call_at"), ("LOST", "Verloren", "lost_reason")], fromQualified);
        Assert.Contains(("WON", "Gewonnen", "deal"), fromBooked);
        Assert.Equal(
            await Crm.ScalarAsync<int>(Stack.Admin, "select count(*)::int from lead_stage_transitions where from_stage = 'CALL_BOOKED'"),
            fromBooked.Count);
    }
}
