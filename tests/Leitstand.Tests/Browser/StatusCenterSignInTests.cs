using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Browser;

/// <summary>Signed out, the status center shows the sign-in and nothing else; the dev sign-in opens the day's list.</summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterSignInTests(StackFixture stack)
{
    [Fact]
    public async Task Signed_out_only_the_sign_in_is_shown_and_no_data_request_succeeds()
    {
        await using var session = await StatusCenterSession.StartAsync(stack);

        await session.Browser.NavigateAsync(session.Page + "#/zahlen");
        await session.Browser.WaitForAsync("!!document.querySelector('#anmelden')", TimeSpan.FromSeconds(10));
        await session.ScreenshotAsync("anmelden");

        Assert.True((await session.Browser.EvaluateAsync("document.querySelector('#nav').hidden")).GetBoolean());
        Assert.False((await session.Browser.EvaluateAsync("!!document.querySelector('#aufgaben, #kennzahlen')")).GetBoolean());
        Assert.DoesNotContain(await session.RequestedUrlsAsync(), u => u.Contains("/api/", StringComparison.Ordinal));
        var statuses = await session.Browser.EvaluateAsync(
            "Promise.all(['/api/tasks?view=day', '/api/kpi', '/api/tasks/00000000-0000-0000-0000-000000000000/complete'].map((u, i) => fetch(u, { method: i === 2 ? 'POST' : 'GET' }).then(r => r.status)))");
        Assert.Equal([401, 401, 401], statuses.EnumerateArray().Select(s => s.GetInt32()));
        await session.AssertNoRequestLeftLocalhostAsync();
    }

    [Fact]
    public async Task Signing_in_with_the_dev_sign_in_opens_today_s_list_and_signing_out_hides_it_again()
    {
        await using var session = await StatusCenterSession.StartAsync(stack);

        await session.SignInAsync();
        await session.Browser.WaitForAsync("document.querySelector('#aufgaben')?.getAttribute('aria-busy') === 'false'", TimeSpan.FromSeconds(10));
        Assert.Equal("#/heute", (await session.Browser.EvaluateAsync("location.hash")).GetString());
        Assert.StartsWith("Heute", (await session.Browser.EvaluateAsync("document.title")).GetString());

        await session.Browser.ClickAsync("#sign-out");
        await session.Browser.WaitForAsync("!!document.querySelector('#anmelden') && !document.querySelector('#aufgaben')", TimeSpan.FromSeconds(5));
        Assert.Equal("null", (await session.Browser.EvaluateAsync("String(sessionStorage.getItem('leitstand.session'))")).GetString());
        await session.AssertNoRequestLeftLocalhostAsync();
    }
}
