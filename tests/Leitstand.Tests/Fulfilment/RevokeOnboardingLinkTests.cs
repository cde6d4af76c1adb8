using System.Net;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Fulfilment;

/// <summary>POST /api/leads/{id}/onboarding-link/revoke: the customer's link stops working; the saved answers stay.</summary>
[Collection(StackCollection.Name)]
public sealed class RevokeOnboardingLinkTests(StackFixture stack) : OnboardingTestBase(stack)
{
    [Fact]
    public async Task A_revoked_link_gets_the_same_page_as_a_tampered_one_and_the_draft_stays()
    {
        var (lead, path) = await WonLeadWithLinkAsync();
        Assert.Equal(HttpStatusCode.SeeOther, (await PostFormAsync(path, new Dictionary<string, string> { ["goals.change"] = "Weniger Postfach." }, "draft")).StatusCode);

        var response = await Host.TeamClient.PostAsync($"/api/leads/{lead}/onboarding-link/revoke", null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var revoked = await PageAsync(path, HttpStatusCode.NotFound);
        Assert.Equal(await PageAsync("/api/onboarding/not-a-token", HttpStatusCode.NotFound), revoked);
        Assert.Equal(HttpStatusCode.NotFound, (await PostFormAsync(path, new Dictionary<string, string> { ["goals.change"] = "Anders." }, "draft")).StatusCode);
        Assert.Equal("Weniger Postfach.", (await AnswersAsync(lead)).GetProperty("goals").GetProperty("change").GetString());
    }

    [Fact]
    public async Task Revoking_without_a_working_link_is_404()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON");

        var response = await Host.TeamClient.PostAsync($"/api/leads/{lead}/onboarding-link/revoke", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
