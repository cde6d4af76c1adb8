using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Browser;

[Collection(StackCollection.Name)]
public sealed class LandingPageBrowserTests(StackFixture stack)
{
    [Fact]
    public async Task Landing_form_filled_in_Chromium_creates_the_lead_and_shows_the_thank_you_page()
    {
        await using var host = await RunningHost.StartAsync(stack);
        await using var browser = await HeadlessChromium.LaunchAsync();
        var email = $"browser-{Guid.NewGuid():N}@example.de";

        await browser.NavigateAsync(new Uri(host.BaseAddress, "/?utm_source=instagram&utm_campaign=launch").ToString());
        await browser.TypeAsync("#name", "Bernd Browser");
        await browser.TypeAsync("#email", email);
        await browser.TypeAsync("#company", "Tischlerei Browser");
        await browser.TypeAsync("#message", "Bitte meldet euch.");
        await browser.ClickAsync("#consent");
        await Task.Delay(1100); // the form's minimum fill time in this test host is one second
        await browser.ClickAsync("#submit");
        try
        {
            await browser.WaitForAsync("location.pathname === '/danke.html'", TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            var page = await browser.EvaluateAsync("location.href + ' invalid: ' + [...document.querySelectorAll(':invalid')].map(e => e.id).join(',') + ' consent: ' + document.querySelector('#consent').checked + ' name: ' + document.querySelector('#name').value + ' started: ' + document.querySelector('#form_started_at').value + ' button: ' + document.querySelector('#submit').disabled");
            throw new Xunit.Sdk.XunitException($"The thank-you page did not appear. The browser shows: {page}");
        }

        await using var connection = await stack.Admin.OpenConnectionAsync();
        var lead = await connection.QuerySingleOrDefaultAsync(
            "select name, company, utm_source, utm_campaign, consent_text_version from leads where email = @email", new { email });
        Assert.NotNull(lead);
        Assert.Equal("Bernd Browser", (string)lead!.name);
        Assert.Equal("Tischlerei Browser", (string)lead.company);
        Assert.Equal("instagram", (string)lead.utm_source);
        Assert.Equal("launch", (string)lead.utm_campaign);
        Assert.Equal("2026-11-25", (string)lead.consent_text_version);
    }

    [Fact]
    public async Task Landing_form_without_consent_is_not_sent()
    {
        await using var host = await RunningHost.StartAsync(stack);
        await using var browser = await HeadlessChromium.LaunchAsync();
        var email = $"browser-{Guid.NewGuid():N}@example.de";

        await browser.NavigateAsync(host.BaseAddress.ToString());
        await browser.TypeAsync("#name", "Clara Ohne-Häkchen");
        await browser.TypeAsync("#email", email);
        await browser.ClickAsync("#submit");
        await Task.Delay(1000);

        Assert.Equal("/", (await browser.EvaluateAsync("location.pathname")).GetString());
        Assert.False((await browser.EvaluateAsync("document.querySelector('#consent').validity.valid")).GetBoolean());
        await using var connection = await stack.Admin.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from leads where email = @email", new { email }));
    }
}
