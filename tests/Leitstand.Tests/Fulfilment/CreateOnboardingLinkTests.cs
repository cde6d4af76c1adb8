using System.Net;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Fulfilment;

/// <summary>
/// POST /api/leads/{id}/onboarding-link: a signed, expiring link for a won lead's customer; a new one revokes the
/// old; a tampered or expired link gets the one page that reveals nothing; a lead not WON gets no link.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class CreateOnboardingLinkTests(StackFixture stack) : OnboardingTestBase(stack)
{
    [Fact]
    public async Task A_won_lead_gets_a_link_that_opens_its_questionnaire_and_only_the_link_version_is_stored()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON");

        var response = await CreateLinkAsync(lead);

        var body = await JsonAsync(response, HttpStatusCode.Created);
        var url = body.GetProperty("url").GetString()!;
        Assert.StartsWith("http://localhost:7071/api/onboarding/", url, StringComparison.Ordinal);
        var expires = body.GetProperty("expires_at").GetDateTime();
        Assert.InRange(expires, DateTime.UtcNow.AddDays(14).AddMinutes(-5), DateTime.UtcNow.AddDays(14).AddMinutes(5));
        var page = await PageAsync(new Uri(url).AbsolutePath);
        Assert.Contains("<h1>Onboarding-Fragebogen</h1>", page, StringComparison.Ordinal);
        Assert.Contains("Die drei Kern-Workflows", page, StringComparison.Ordinal);
        Assert.Equal("draft", await StateAsync(lead));
        Assert.Equal(1, await Crm.ScalarAsync<int>(Stack.Admin, "select link_version from onboarding_links where lead_id = @lead", new { lead }));
        var token = url[(url.LastIndexOf('/') + 1)..];
        Assert.Equal(0, await Crm.ScalarAsync<int>(Stack.Admin,
            "select count(*)::int from onboarding_links k where (to_jsonb(k))::text like '%' || @token || '%'", new { token }));
    }

    [Fact]
    public async Task A_new_link_revokes_the_old_one()
    {
        var (lead, first) = await WonLeadWithLinkAsync();

        var second = await LinkPathAsync(lead);

        Assert.NotEqual(first, second);
        Assert.Contains("id=\"link-ungueltig\"", await PageAsync(first, HttpStatusCode.NotFound), StringComparison.Ordinal);
        Assert.Contains("<h1>Onboarding-Fragebogen</h1>", await PageAsync(second), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_or_expired_link_gets_the_same_page_that_reveals_nothing()
    {
        var (lead, path) = await WonLeadWithLinkAsync("Theo Tamper");
        var token = path[(path.LastIndexOf('/') + 1)..];
        var tampered = "/api/onboarding/" + token[..5] + (token[5] == 'A' ? 'B' : 'A') + token[6..];

        var tamperedPage = await PageAsync(tampered, HttpStatusCode.NotFound);
        var expiredPage = await PageAsync(ExpiredPath(lead), HttpStatusCode.NotFound);
        await Crm.ScalarAsync<int>(Stack.Admin, "update onboarding_links set expires_at = now() - interval '1 second' where lead_id = @lead returning 1", new { lead });
        var expiredInTheDatabase = await PageAsync(path, HttpStatusCode.NotFound);

        Assert.Equal(tamperedPage, expiredPage);
        Assert.Equal(tamperedPage, expiredInTheDatabase);
        Assert.Contains("Dieser Link funktioniert nicht (mehr).", tamperedPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Theo", tamperedPage, StringComparison.Ordinal);
        Assert.DoesNotContain("abgelaufen", tamperedPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lead_that_is_not_won_gets_no_link_422_at_lead()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");

        var problem = await JsonAsync(await CreateLinkAsync(lead), HttpStatusCode.UnprocessableEntity);

        Assert.Contains("Gewonnen", Assert.Single(Errors(problem, "lead")));
        Assert.Equal(0, await Crm.ScalarAsync<int>(Stack.Admin, "select count(*)::int from onboarding_links where lead_id = @lead", new { lead }));
        Assert.Equal(0, await Crm.ScalarAsync<int>(Stack.Admin, "select count(*)::int from onboarding_answers where lead_id = @lead", new { lead }));
    }

    [Fact]
    public async Task An_unknown_lead_is_404_and_a_request_without_a_token_401()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await CreateLinkAsync(Guid.NewGuid())).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.Client.PostAsync($"/api/leads/{Guid.NewGuid()}/onboarding-link", null)).StatusCode);
    }
}
