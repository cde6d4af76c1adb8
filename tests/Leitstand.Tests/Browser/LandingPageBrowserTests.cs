using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Browser;

[Collection(StackCollection.Name)]
public sealed class LandingPageBrowserTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task Landing_form_filled_in_Chromium_creates_the_lead_and_shows_the_thank_you_page()
    {
        await using var host = await RunningHost.StartAsync(stack);
        await using var context = await chromium.NewContextAsync();
        // A client of its own, as the other lead-form tests: the form's rate limit counts per client across hosts, and
        // every other post from 127.0.0.1 in the same minute (a fast run) would count against this one.
        await context.SetExtraHTTPHeadersAsync([new("X-Forwarded-For", Leitstand.Tests.Leads.LeadForms.UniqueClient())]);
        var page = await context.NewPageAsync();
        var email = $"browser-{Guid.NewGuid():N}@example.de";

        await page.GotoAsync(new Uri(host.BaseAddress, "/?utm_source=instagram&utm_campaign=launch").ToString());
        await page.FillAsync("#name", "Bernd Browser");
        await page.FillAsync("#email", email);
        await page.FillAsync("#company", "Tischlerei Browser");
        await page.FillAsync("#message", "Bitte meldet euch.");
        await page.ClickAsync("#consent");
        await Task.Delay(1100); // the form's minimum fill time in this test host is one second
        await page.ClickAsync("#submit");
        try
        {
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/danke.html", new() { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            var shown = await page.EvaluateAsync<string>("document.querySelector('#consent') ? location.href + ' invalid: ' + [...document.querySelectorAll(':invalid')].map(e => e.id).join(',') + ' consent: ' + document.querySelector('#consent').checked + ' name: ' + document.querySelector('#name').value + ' started: ' + document.querySelector('#form_started_at').value + ' button: ' + document.querySelector('#submit').disabled : location.href + ' page: ' + document.body.innerText.slice(0, 500)");
            throw new Xunit.Sdk.XunitException($"The thank-you page did not appear. The browser shows: {shown}");
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
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var email = $"browser-{Guid.NewGuid():N}@example.de";

        await page.GotoAsync(host.BaseAddress.ToString());
        await page.FillAsync("#name", "Clara Ohne-Häkchen");
        await page.FillAsync("#email", email);
        await page.ClickAsync("#submit");
        await Task.Delay(1000);

        Assert.Equal("/", await page.EvaluateAsync<string>("location.pathname"));
        Assert.False(await page.EvaluateAsync<bool>("document.querySelector('#consent').validity.valid"));
        await using var connection = await stack.Admin.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from leads where email = @email", new { email }));
    }
}
