using System.Net;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Fulfilment;

/// <summary>GET /api/leads/{id}: the lead's onboarding (state, version, submitted_at, answers, the template's labels, the link).</summary>
[Collection(StackCollection.Name)]
public sealed class OnboardingInLeadTests(StackFixture stack) : OnboardingTestBase(stack)
{
    [Fact]
    public async Task The_lead_shows_its_submitted_answers_with_the_template_and_the_link()
    {
        var (lead, path) = await WonLeadWithLinkAsync();
        Assert.Equal(HttpStatusCode.SeeOther, (await PostFormAsync(path, CompleteForm(), "submit")).StatusCode);

        var body = await JsonAsync(await Host.TeamClient.GetAsync($"/api/leads/{lead}"), HttpStatusCode.OK);

        var onboarding = body.GetProperty("onboarding");
        Assert.Equal(("submitted", 1), (onboarding.GetProperty("state").GetString(), onboarding.GetProperty("template_version").GetInt32()));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, onboarding.GetProperty("submitted_at").ValueKind);
        Assert.Equal("klara@kundin.de", onboarding.GetProperty("answers").GetProperty("contact").GetProperty("email").GetString());
        Assert.Equal(3, onboarding.GetProperty("answers").GetProperty("workflows").GetArrayLength());
        Assert.Equal("Onboarding-Fragebogen", onboarding.GetProperty("template").GetProperty("title").GetString());
        Assert.Equal(7, onboarding.GetProperty("template").GetProperty("sections").GetArrayLength());
        Assert.True(onboarding.GetProperty("link").GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task A_lead_without_onboarding_has_no_onboarding_object()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON");

        var body = await JsonAsync(await Host.TeamClient.GetAsync($"/api/leads/{lead}"), HttpStatusCode.OK);

        Assert.False(body.TryGetProperty("onboarding", out _));
    }
}
