using System.Net;
using Dapper;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Leads;

namespace Leitstand.Tests.Privacy;

/// <summary>
/// A form submission with fresh consent is a new opt-in: the lead is accepted, the objection to its e-mail is lifted
/// (lifted_at, reason opt_in), visibly: the alert "Widerspruch aufgehoben" links to the lead, without personal data,
/// and the list of objections shows it lifted. A withdrawn consent is cleared the same way.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class OptInLiftsObjectionTests(StackFixture stack) : ProspectTestBase(stack)
{
    [Fact]
    public async Task A_form_submission_with_consent_is_accepted_and_lifts_the_objection_with_an_alert_that_names_no_one()
    {
        var (leadId, email, _) = await Objections.LeadWithOpenTaskAsync(Stack.Admin);
        var recorded = await Objections.BodyAsync(await Objections.PostAsync(Host, new { email }));
        var objectionId = recorded.GetProperty("objections")[0].GetProperty("id").GetGuid();

        var response = await Host.Client.SendAsync(LeadForms.Json(LeadForms.Valid(email)));

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, response.StatusCode.ToString());
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var objection = await connection.QuerySingleAsync("select lifted_at, lifted_by, lifted_reason from objections where id = @objectionId", new { objectionId });
        Assert.NotNull(objection.lifted_at);
        Assert.Equal("opt_in", (string)objection.lifted_reason);
        Assert.Equal("NEW", await connection.ExecuteScalarAsync<string>("select stage::text from leads where id = @leadId", new { leadId }));
        var alert = await connection.QuerySingleAsync("select title, body, link, severity::text as severity from alerts where kind = 'objection_lifted' and subject_id = @leadId", new { leadId });
        Assert.Equal("Widerspruch aufgehoben", (string)alert.title);
        Assert.Equal($"#/leads/{leadId}", (string)alert.link);
        Assert.Equal("info", (string)alert.severity);
        Assert.DoesNotContain(email, (string)alert.body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Lena", (string)alert.body, StringComparison.Ordinal);
        Assert.DoesNotContain("Anna", (string)alert.body, StringComparison.Ordinal);

        var list = await Objections.BodyAsync(await Host.TeamClient.GetAsync("/api/objections"));
        var item = list.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == objectionId);
        Assert.Equal("opt_in", item.GetProperty("lifted_reason").GetString());
        // lifted: the person may be entered again
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(
            "select count(*) from objections where id = @objectionId and lifted_at is null", new { objectionId }));
    }

    [Fact]
    public async Task A_form_submission_without_an_objection_lifts_nothing_and_raises_no_alert()
    {
        var email = LeadForms.UniqueEmail();

        var response = await Host.Client.SendAsync(LeadForms.Json(LeadForms.Valid(email)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var leadId = (await Objections.BodyAsync(response)).GetProperty("id").GetGuid();
        Assert.Equal(0, await CountAsync("select count(*) from alerts where kind = 'objection_lifted' and subject_id = @leadId", new { leadId }));
    }

    [Fact]
    public async Task A_new_form_submission_clears_a_withdrawn_consent()
    {
        var (leadId, email, _) = await Objections.LeadWithOpenTaskAsync(Stack.Admin);
        Assert.Equal(HttpStatusCode.OK, (await Host.TeamClient.PostAsync($"/api/leads/{leadId}/consent/withdraw", null)).StatusCode);

        var response = await Host.Client.SendAsync(LeadForms.Json(LeadForms.Valid(email)));

        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        Assert.Equal(0, await CountAsync("select count(*) from leads where id = @leadId and (consent_withdrawn_at is not null or consent_withdrawn_by is not null)", new { leadId }));
    }
}
