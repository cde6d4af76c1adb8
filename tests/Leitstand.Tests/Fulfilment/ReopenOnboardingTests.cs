using System.Net;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Fulfilment;

/// <summary>POST /api/leads/{id}/onboarding/reopen ("Zur Bearbeitung öffnen"): submitted answers become a draft the customer can change.</summary>
[Collection(StackCollection.Name)]
public sealed class ReopenOnboardingTests(StackFixture stack) : OnboardingTestBase(stack)
{
    [Fact]
    public async Task Reopened_answers_are_a_draft_again_that_the_customer_changes_and_submits_anew()
    {
        var (lead, path) = await WonLeadWithLinkAsync();
        Assert.Equal(HttpStatusCode.SeeOther, (await PostFormAsync(path, CompleteForm(), "submit")).StatusCode);

        var body = await JsonAsync(await Host.TeamClient.PostAsync($"/api/leads/{lead}/onboarding/reopen", null), HttpStatusCode.OK);

        Assert.Equal(("draft", 1), (body.GetProperty("state").GetString(), body.GetProperty("template_version").GetInt32()));
        Assert.Equal("draft", await StateAsync(lead));
        var page = await PageAsync(path);
        Assert.Contains("name=\"action\" value=\"submit\"", page, StringComparison.Ordinal);
        Assert.Contains("value=\"Workflow Nummer 1\"", page, StringComparison.Ordinal);
        var form = CompleteForm();
        form["goals.change"] = "Geändert nach Rückfrage";
        Assert.Equal(HttpStatusCode.SeeOther, (await PostFormAsync(path, form, "submit")).StatusCode);
        Assert.Equal("Geändert nach Rückfrage", (await AnswersAsync(lead)).GetProperty("goals").GetProperty("change").GetString());
        Assert.Equal(Host.TeamMemberId, await Crm.ScalarAsync<Guid>(Stack.Admin, "select reopened_by from onboarding_answers where lead_id = @lead", new { lead }));
        Assert.Equal(2, await Crm.ScalarAsync<int>(Stack.Admin, "select count(*)::int from alerts where subject_id = @lead and kind = 'onboarding_submitted'", new { lead }));
    }

    [Fact]
    public async Task A_draft_cannot_be_reopened_409_and_a_lead_without_answers_is_404()
    {
        var (lead, _) = await WonLeadWithLinkAsync();
        var other = await Crm.CreateLeadAsync(Stack.Admin, "WON");

        var draft = await JsonAsync(await Host.TeamClient.PostAsync($"/api/leads/{lead}/onboarding/reopen", null), HttpStatusCode.Conflict);
        var none = await Host.TeamClient.PostAsync($"/api/leads/{other}/onboarding/reopen", null);

        Assert.Single(Errors(draft, "state"));
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }
}
