using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// The production build (VITE_AUTH_MODE=supabase): sign-in with supabase-js against a fake Supabase Auth, the
/// session in sessionStorage only, the team API on another origin (CORS), token refresh and sign-out.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterSupabaseSignInTests(StackFixture stack, Chromium chromium)
{
    private const string StorageKey = "leitstand.supabase";

    [Fact]
    public async Task Password_sign_in_opens_today_s_list_from_the_function_app_and_keeps_the_session_in_session_storage_only()
    {
        await using var session = await StatusCenterSupabaseSession.StartAsync(stack, chromium);
        var (_, email, password) = await session.TeamMemberAsync(stack);
        await session.OpenAsync();
        var page = session.Page;
        Assert.Equal(0, await page.Locator("#aufgaben").CountAsync());
        await Expect(page.Locator("#link-senden")).ToBeAttachedAsync();
        await Expect(page.Locator("#passwort")).ToBeAttachedAsync();

        await session.SignInWithPasswordAsync(email, "falsch");
        await Expect(page.Locator("#anmelde-fehler")).ToContainTextAsync("stimmt nicht");
        await session.ScreenshotAsync("anmelden-supabase");

        await page.FillAsync("#passwort", password);
        await page.ClickAsync("#anmelden-senden");
        await session.WaitForTodayAsync();
        await page.EvaluateAsync("document.activeElement.blur()");

        Assert.Equal("#/heute", await page.EvaluateAsync<string>("location.hash"));
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length"));
        var stored = await page.EvaluateAsync<string>("key => sessionStorage.getItem(key)", StorageKey);
        Assert.Contains(session.Auth.IssuedTokens.Last(), stored, StringComparison.Ordinal);
        Assert.Contains("POST /auth/v1/token?password", session.Auth.Calls);
        session.AssertOnlyLocalPeersWereAsked();

        // Signing out ends this tab's session at Supabase and forgets it.
        await page.ClickAsync("#sign-out");
        await Expect(page.Locator("#anmelden")).ToBeAttachedAsync();
        await Expect(page.Locator("#aufgaben")).Not.ToBeAttachedAsync();
        Assert.Contains("POST /auth/v1/logout", session.Auth.Calls);
        Assert.Equal(0, await page.EvaluateAsync<int>("sessionStorage.length + localStorage.length"));
    }

    [Fact]
    public async Task A_magic_link_signs_in_the_tab_that_opens_it()
    {
        await using var session = await StatusCenterSupabaseSession.StartAsync(stack, chromium);
        var (_, email, _) = await session.TeamMemberAsync(stack);
        await session.OpenAsync();
        var page = session.Page;

        await page.FillAsync("#email", email);
        await page.ClickAsync("#link-senden");
        await Expect(page.Locator("#anmelde-hinweis")).ToContainTextAsync("unterwegs");
        var (to, link) = Assert.Single(session.Auth.Mails);
        Assert.Equal(email, to);
        Assert.Contains("redirect_to=" + Uri.EscapeDataString(session.Url), link, StringComparison.Ordinal);

        // The person opens the link from the mail: Supabase redirects back with the tokens in the fragment.
        await page.GotoAsync(link);
        await session.WaitForTodayAsync();

        Assert.Equal("#/heute", await page.EvaluateAsync<string>("location.hash"));
        Assert.DoesNotContain("access_token", page.Url, StringComparison.Ordinal);
        Assert.Contains("GET /auth/v1/user", session.Auth.Calls);
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length"));
        session.AssertOnlyLocalPeersWereAsked();
    }

    [Fact]
    public async Task An_expiring_token_is_refreshed_by_supabase_js_and_the_page_goes_on_with_the_new_one()
    {
        await using var session = await StatusCenterSupabaseSession.StartAsync(stack, chromium);
        var (_, email, password) = await session.TeamMemberAsync(stack);
        session.Auth.FirstTokenLifetime = TimeSpan.FromSeconds(4);
        await session.OpenAsync();
        var page = session.Page;

        await session.SignInWithPasswordAsync(email, password);
        await Expect(page.Locator("#nav:not([hidden])")).ToBeAttachedAsync();
        var first = session.Auth.IssuedTokens.First();
        for (var i = 0; i < 300 && !session.Auth.Calls.Contains("POST /auth/v1/token?refresh_token"); i++) await Task.Delay(100);
        Assert.Contains("POST /auth/v1/token?refresh_token", session.Auth.Calls);

        // Past the first token's end (the host allows no clock skew): the figures still load, with the new token.
        await Task.Delay(TimeSpan.FromSeconds(5));
        await page.EvaluateAsync("location.hash = '#/zahlen'");
        await Expect(page.Locator("#kennzahlen li")).ToHaveCountAsync(5, new() { Timeout = 30_000 });
        var stored = await page.EvaluateAsync<string>("key => sessionStorage.getItem(key)", StorageKey);
        Assert.DoesNotContain(first, stored, StringComparison.Ordinal);
        Assert.Contains(session.Auth.IssuedTokens.Last(), stored, StringComparison.Ordinal);
        Assert.False(await page.Locator("#nav").EvaluateAsync<bool>("nav => nav.hidden"));
    }

    [Fact]
    public async Task The_production_build_has_no_dev_sign_in_and_the_dev_build_no_supabase_js()
    {
        await using var session = await StatusCenterSupabaseSession.StartAsync(stack, chromium);

        string Scripts(string dir) => string.Concat(Directory.GetFiles(Path.Combine(dir, "assets"), "*.js").Select(File.ReadAllText));
        Assert.DoesNotContain("/admin/dev-sign-in", Scripts(session.Dist.FullName), StringComparison.Ordinal);
        Assert.Contains("grant_type", Scripts(session.Dist.FullName), StringComparison.Ordinal);
        Assert.DoesNotContain("grant_type", Scripts(RepoPaths.StatusCenter), StringComparison.Ordinal);

        // The generated _headers carries the policy with exactly the three origins the page may talk to.
        var csp = StaticSite.ReadHeaders(Path.Combine(session.Dist.FullName, "_headers")).Single(h => h.Name == "Content-Security-Policy" && h.Path == "/*").Value;
        Assert.Contains($"connect-src 'self' {session.Host.BaseAddress.ToString().TrimEnd('/')} {session.Auth.Url};", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
    }
}
