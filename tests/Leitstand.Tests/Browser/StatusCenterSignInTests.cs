using Leitstand.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>Signed out, the status center shows the sign-in and nothing else; the dev sign-in opens the day's list.</summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterSignInTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task Signed_out_only_the_sign_in_is_shown_and_no_data_request_succeeds()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;

        await page.GotoAsync(session.Url + "#/zahlen");
        await Expect(page.Locator("#anmelden")).ToBeAttachedAsync();
        await session.ScreenshotAsync("anmelden");

        Assert.True(await page.Locator("#nav").EvaluateAsync<bool>("nav => nav.hidden"));
        await Expect(page.Locator("#nav")).ToBeHiddenAsync(); // hidden for a person too, not only as an attribute
        Assert.Equal(0, await page.Locator("#aufgaben, #kennzahlen").CountAsync());
        Assert.DoesNotContain(session.RequestedUrls, u => u.Contains("/api/", StringComparison.Ordinal));
        var statuses = await page.EvaluateAsync<int[]>(
            "Promise.all(['/api/tasks?view=day', '/api/kpi', '/api/tasks/00000000-0000-0000-0000-000000000000/complete'].map((u, i) => fetch(u, { method: i === 2 ? 'POST' : 'GET' }).then(r => r.status)))");
        Assert.Equal([401, 401, 401], statuses);
        session.AssertNoRequestLeftLocalhost();
    }

    [Fact]
    public async Task Signing_in_with_the_dev_sign_in_opens_today_s_list_and_signing_out_hides_it_again()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;

        await session.SignInAsync();
        await Expect(page.Locator("#aufgaben")).ToHaveAttributeAsync("aria-busy", "false");
        Assert.Equal("#/heute", await page.EvaluateAsync<string>("location.hash"));
        Assert.StartsWith("Heute", await page.TitleAsync());

        await page.ClickAsync("#sign-out");
        await Expect(page.Locator("#anmelden")).ToBeAttachedAsync();
        await Expect(page.Locator("#aufgaben")).Not.ToBeAttachedAsync();
        Assert.Equal("null", await page.EvaluateAsync<string>("String(sessionStorage.getItem('leitstand.session'))"));
        session.AssertNoRequestLeftLocalhost();
    }
}
