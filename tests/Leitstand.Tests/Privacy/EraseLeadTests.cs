using System.Net;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Privacy;

/// <summary><c>POST /api/leads/{id}/erase</c>: every personal field of the lead goes, the record of the erasure stays.</summary>
[Collection(StackCollection.Name)]
public sealed class EraseLeadTests(StackFixture stack) : ErasureTestBase(stack)
{
    [Fact]
    public async Task An_erased_customer_keeps_no_personal_field_and_the_answer_is_the_record_with_counts_per_table()
    {
        var person = await PersonAsync();

        var response = await EraseAsync(person.LeadId, new { reason = "request" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await BodyAsync(response);
        Assert.False(body.GetProperty("already_erased").GetBoolean());
        var erasure = body.GetProperty("erasure");
        Assert.Equal((person.LeadId, "request", Host.TeamMemberId, "Test Team"),
            (erasure.GetProperty("lead_id").GetGuid(), erasure.GetProperty("reason").GetString(),
             erasure.GetProperty("erased_by").GetGuid(), erasure.GetProperty("erased_by_name").GetString()));
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, erasure.GetProperty("erased_at").GetDateTime().ToUniversalTime());
        var counts = erasure.GetProperty("counts");
        Assert.Equal((1, 2, 3, 1, 1, 1, 1, 1), (counts.GetProperty("leads").GetInt32(), counts.GetProperty("lead_touchpoints").GetInt32(),
            counts.GetProperty("tasks").GetInt32(), counts.GetProperty("agents").GetInt32(), counts.GetProperty("onboarding_answers").GetInt32(),
            counts.GetProperty("onboarding_links").GetInt32(), counts.GetProperty("install_run_items").GetInt32(),
            counts.GetProperty("kpi_period_figures").GetInt32()));
        Assert.Equal(2, counts.GetProperty("outbox_messages").GetInt32());
        foreach (var text in person.Strings.Append(person.Company))
            Assert.DoesNotContain(text, body.GetRawText(), StringComparison.OrdinalIgnoreCase);

        await using var connection = await Admin.OpenConnectionAsync();
        var lead = await connection.QuerySingleAsync<(string Name, string? Email, string? Phone, string? Company, string? Message, string? Handle,
            string? ConsentSource, string Stage, string? UtmSource, DateTime? ErasedAt)>("""
            select name, email, phone, company, message, handle, consent_source, stage::text, utm_source, erased_at from leads where id = @LeadId
            """, person);
        Assert.Equal(("Gelöscht (Art. 17)", null, null, null, null, null, null, "WON", "instagram"),
            (lead.Name, lead.Email, lead.Phone, lead.Company, lead.Message, lead.Handle, lead.ConsentSource, lead.Stage, lead.UtmSource));
        Assert.NotNull(lead.ErasedAt);

        Assert.Equal(0, await ScalarAsync<int>("select count(*)::int from lead_touchpoints where lead_id = @LeadId and note is not null", person));
        // Her tasks: neutral and closed; the overdue summary no longer names her, but still names the other lead.
        var tasks = (await connection.QueryAsync<(string Title, string? Details, string Status)>(
            "select title, details, status::text from tasks where lead_id = @LeadId", person)).ToList();
        Assert.All(tasks, t => Assert.Equal(("Aufgabe zu einem gelöschten Lead (Art. 17)", null, "CANCELLED"), t));
        var summary = await ScalarAsync<string>("select details from tasks where dedupe_key = 'overdue:test:' || @LeadId", person);
        Assert.Contains("- Gelöscht (Art. 17) (fällig 05.12.)", summary);
        Assert.Contains("Erstkontakt: Otto Anders", summary);
        // Her agent: paused under a neutral name; onboarding gone.
        Assert.Equal(("Agent (gelöscht, Art. 17)", true, false),
            await connection.QuerySingleAsync<(string, bool, bool)>("select name::text, paused, revoked_at is not null from agents where id = @AgentId", person));
        Assert.Equal(0, await ScalarAsync<int>("""
            select (select count(*) from onboarding_answers where lead_id = @LeadId) + (select count(*) from onboarding_links where lead_id = @LeadId)
            """, person));
        // The KPI figures kept their other reason; the lead-captured message is gone, the alert's message scrubbed.
        var figures = await ScalarAsync<string>("select figures::text from kpi_period_figures where kind = 'month' and period_start = '2025-10-01'");
        Assert.Contains("Kein Budget", figures);
        Assert.Contains("Meldet sich, sagt Gelöscht (Art. 17)", figures);
        Assert.Equal(0, await ScalarAsync<int>("select count(*)::int from outbox_messages where payload ->> 'lead_id' = @LeadId::text", person));
        Assert.Equal("Neuer Lead: Gelöscht (Art. 17) (Gelöscht (Art. 17))",
            await ScalarAsync<string>("select body from alerts where subject_id = @LeadId", person));
    }

    [Fact]
    public async Task The_lead_view_and_the_list_of_erasures_show_the_record_and_a_new_task_for_the_erased_lead_is_not_made()
    {
        var person = await PersonAsync();
        var erasureId = (await BodyAsync(await EraseAsync(person.LeadId, new { reason = "objection" }))).GetProperty("erasure").GetProperty("id").GetGuid();

        var view = await BodyAsync(await Host.TeamClient.GetAsync($"/api/leads/{person.LeadId}"));
        Assert.Equal("Gelöscht (Art. 17)", view.GetProperty("name").GetString());
        var list = await BodyAsync(await Host.TeamClient.GetAsync($"/api/erasures?lead_id={person.LeadId}"));
        var record = Assert.Single(list.GetProperty("erasures").EnumerateArray());
        Assert.Equal((erasureId, "objection"), (record.GetProperty("id").GetGuid(), record.GetProperty("reason").GetString()));
        Assert.Contains("Widerspruch", record.GetProperty("reason_label").GetString());
        Assert.Contains((await BodyAsync(await Host.TeamClient.GetAsync("/api/erasures"))).GetProperty("erasures").EnumerateArray(),
            e => e.GetProperty("id").GetGuid() == erasureId);
        // After an objection the agent's key stops working too.
        Assert.True(await ScalarAsync<bool>("select paused and revoked_at is not null from agents where id = @AgentId", person));

        await ExecuteAsync("""
            insert into tasks (lead_id, kind, title, due_at) values (@LeadId, 'follow_up', 'Nachfassen', now())
            """, person);
        Assert.Equal(0, await ScalarAsync<int>("select count(*)::int from tasks where lead_id = @LeadId and status = 'OPEN'", person));
    }

    [Fact]
    public async Task An_unknown_reason_is_422_in_German_and_erases_nothing()
    {
        var person = await PersonAsync();

        var response = await EraseAsync(person.LeadId, new { reason = "because" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Unbekannter Grund", (await BodyAsync(response)).GetProperty("errors").GetProperty("reason")[0].GetString());
        Assert.Equal(person.Name, await ScalarAsync<string>("select name from leads where id = @LeadId", person));
        Assert.Equal(0, await ScalarAsync<int>("select count(*)::int from erasures"));
    }

    [Fact]
    public async Task Without_a_body_the_reason_is_the_persons_request()
    {
        var person = await PersonAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/leads/{person.LeadId}/erase");
        var response = await Host.TeamClient.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("request", (await BodyAsync(response)).GetProperty("erasure").GetProperty("reason").GetString());
    }
}
