using System.Net;
using Dapper;
using Leitstand.Privacy;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Leads;

namespace Leitstand.Tests.Privacy;

/// <summary>
/// <c>POST /api/leads/{id}/consent/withdraw</c>: the withdrawal is recorded (when, by whom) and honoured at once
/// (open tasks cancelled, the lead out of the sequence); the lead stays; the lead view shows it.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class WithdrawConsentTests(StackFixture stack) : ProspectTestBase(stack)
{
    private Task<HttpResponseMessage> WithdrawAsync(Guid leadId) => Host.TeamClient.PostAsync($"/api/leads/{leadId}/consent/withdraw", null);

    [Fact]
    public async Task A_withdrawal_is_recorded_with_when_and_by_whom_and_stops_the_open_tasks_at_once()
    {
        var (leadId, _, taskId) = await Objections.LeadWithOpenTaskAsync(Stack.Admin, "REPLIED");

        var response = await WithdrawAsync(leadId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Objections.BodyAsync(response);
        Assert.False(body.GetProperty("already_withdrawn").GetBoolean());
        Assert.True(body.GetProperty("tasks_cancelled").GetInt32() >= 1);
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var lead = await connection.QuerySingleAsync(
            "select stage::text as stage, lost_reason_code as lost_reason, consent_withdrawn_at, consent_withdrawn_by, consent_at from leads where id = @leadId", new { leadId });
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, (DateTime)lead.consent_withdrawn_at, TimeSpan.FromMilliseconds(1));
        Assert.Equal(Host.TeamMemberId.ToString(), (string)lead.consent_withdrawn_by);
        Assert.Equal(("LOST", WithdrawConsent.LostReason), ((string)lead.stage, (string)lead.lost_reason));
        Assert.NotNull(lead.consent_at);
        Assert.Equal(("CANCELLED", WithdrawConsent.CancelReason), await connection.QuerySingleAsync<(string, string)>(
            "select status::text, cancel_reason from tasks where id = @taskId", new { taskId }));

        var view = await Objections.BodyAsync(await Host.TeamClient.GetAsync($"/api/leads/{leadId}"));
        var consent = view.GetProperty("consent");
        Assert.Equal("2026-11-25", consent.GetProperty("text_version").GetString());
        Assert.StartsWith("Ich bin einverstanden", consent.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.String, consent.GetProperty("withdrawn_at").ValueKind);
    }

    [Fact]
    public async Task A_second_withdrawal_changes_nothing_and_names_the_first()
    {
        var (leadId, _, _) = await Objections.LeadWithOpenTaskAsync(Stack.Admin);
        var first = await Objections.BodyAsync(await WithdrawAsync(leadId));
        Clock.Advance(TimeSpan.FromMinutes(5));

        var second = await WithdrawAsync(leadId);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var body = await Objections.BodyAsync(second);
        Assert.True(body.GetProperty("already_withdrawn").GetBoolean());
        Assert.Equal(first.GetProperty("withdrawn_at").GetDateTime(), body.GetProperty("withdrawn_at").GetDateTime());
    }

    [Fact]
    public async Task Unknown_lead_404_a_prospect_without_consent_409_and_a_non_member_403()
    {
        var prospect = await Prospects.AddAsync(Host, new { name = "Ohne Einwilligung", handle = Prospects.UniqueHandle(), handle_channel = "instagram", contact_basis = "cold" });
        var (leadId, _, _) = await Objections.LeadWithOpenTaskAsync(Stack.Admin);

        var unknown = await WithdrawAsync(Guid.NewGuid());
        var noConsent = await WithdrawAsync(prospect);
        var nonMember = await Objections.AsNonMemberAsync(Host, HttpMethod.Post, $"/api/leads/{leadId}/consent/withdraw");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Diesen Lead gibt es nicht.", (await Objections.BodyAsync(unknown)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Conflict, noConsent.StatusCode);
        Assert.Contains("keine Einwilligung", (await Objections.BodyAsync(noConsent)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, nonMember.StatusCode);
        Assert.Equal(0, await CountAsync("select count(*) from leads where id = @leadId and consent_withdrawn_at is not null", new { leadId }));
    }
}
