using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Browser;

/// <summary>
/// The production build (VITE_AUTH_MODE=supabase): sign-in with supabase-js against a fake Supabase Auth, the
/// session in sessionStorage only, the team API on another origin (CORS), token refresh and sign-out.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterSupabaseSignInTests(StackFixture stack)
{
    private const string StorageKey = "leitstand.supabase";

    [Fact]
    public async Task Password_sign_in_opens_today_s_list_from_the_function_app_and_keeps_the_session_in_session_storage_only()
    {
        await using var session = await StatusCenterSupabaseSession.StartAsync(stack);
        var (_, email, password) = await session.TeamMemberAsync(stack);
        await session.OpenAsync();
        Assert.False((await session.Browser.EvaluateAsync("!!document.querySelector('#aufgaben')")).GetBoolean());
        await session.Browser.WaitForAsync("!!document.querySelector('#link-senden') && !!document.querySelector('#passwort')", TimeSpan.FromSeconds(5));

        await session.SignInWithPasswordAsync(email, "falsch");
        await session.Browser.WaitForAsync("document.querySelector('#anmelde-fehler').textContent.includes('stimmt nicht')", TimeSpan.FromSeconds(10));
        await session.ScreenshotAsync("anmelden-supabase");

        await session.Browser.EvaluateAsync("document.querySelector('#passwort').value = ''");
        await session.Browser.TypeAsync("#passwort", password);
        await session.Browser.ClickAsync("#anmelden-senden");
        await session.WaitForTodayAsync();
        await session.Browser.EvaluateAsync("document.activeElement.blur()");

        Assert.Equal("#/heute", (await session.Browser.EvaluateAsync("location.hash")).GetString());
        Assert.Equal(0, (await session.Browser.EvaluateAsync("localStorage.length")).GetInt32());
        var stored = (await session.Browser.EvaluateAsync($"sessionStorage.getItem('{StorageKey}')")).GetString()!;
        Assert.Contains(session.Auth.IssuedTokens.Last(), stored, StringComparison.Ordinal);
        Assert.Contains("POST /auth/v1/token?password", session.Auth.Calls);
        await session.AssertOnlyLocalPeersWereAskedAsync();

        // Signing out ends this tab's session at Supabase and forgets it.
        await session.Browser.ClickAsync("#sign-out");
        await session.Browser.WaitForAsync("!!document.querySelector('#anmelden') && !document.querySelector('#aufgaben')", TimeSpan.FromSeconds(10));
        Assert.Contains("POST /auth/v1/logout", session.Auth.Calls);
        Assert.Equal(0, (await session.Browser.EvaluateAsync("sessionStorage.length + localStorage.length")).GetInt32());
    }

    [Fact]
    public async Task A_magic_link_signs_in_the_tab_that_opens_it()
    {
        await using var session = await StatusCenterSupabaseSession.StartAsync(stack);
        var (_, email, _) = await session.TeamMemberAsync(stack);
        await session.OpenAsync();

        await session.Browser.TypeAsync("#email", email);
        await session.Browser.ClickAsync("#link-senden");
        await session.Browser.WaitForAsync("document.querySelector('#anmelde-hinweis').textContent.includes('unterwegs')", TimeSpan.FromSeconds(10));
        var (to, link) = Assert.Single(session.Auth.Mails);
        Assert.Equal(email, to);
        Assert.Contains("redirect_to=" + Uri.EscapeDataString(session.Page), link, StringComparison.Ordinal);

        // The person opens the link from the mail: Supabase redirects back with the tokens in the fragment.
        await session.Browser.NavigateAsync(link);
        await session.WaitForTodayAsync();

        Assert.Equal("#/heute", (await session.Browser.EvaluateAsync("location.hash")).GetString());
        Assert.DoesNotContain("access_token", (await session.Browser.EvaluateAsync("location.href")).GetString(), StringComparison.Ordinal);
        Assert.Contains("GET /auth/v1/user", session.Auth.Calls);
        Assert.Equal(0, (await session.Browser.EvaluateAsync("localStorage.length")).GetInt32());
        await session.AssertOnlyLocalPeersWereAskedAsync();
    }

    [Fact]
    public async Task An_expiring_token_is_refreshed_by_supabase_js_and_the_page_goes_on_with_the_new_one()
    {
        await using var session = await StatusCenterSupabaseSession.StartAsync(stack);
        var (_, email, password) = await session.TeamMemberAsync(stack);
        session.Auth.FirstTokenLifetime = TimeSpan.FromSeconds(4);
        await session.OpenAsync();

        await session.SignInWithPasswordAsync(email, password);
        await session.Browser.WaitForAsync("!document.querySelector('#nav').hidden", TimeSpan.FromSeconds(10));
        var first = session.Auth.IssuedTokens.First();
        for (var i = 0; i < 100 && !session.Auth.Calls.Contains("POST /auth/v1/token?refresh_token"); i++) await Task.Delay(100);
        Assert.Contains("POST /auth/v1/token?refresh_token", session.Auth.Calls);

        // Past the first token's end (the host allows no clock skew): the figures still load, with the new token.
        await Task.Delay(TimeSpan.FromSeconds(5));
        await session.Browser.EvaluateAsync("location.hash = '#/zahlen'");
        await session.Browser.WaitForAsync("document.querySelectorAll('#kennzahlen li').length === 5", TimeSpan.FromSeconds(15));
        var stored = (await session.Browser.EvaluateAsync($"sessionStorage.getItem('{StorageKey}')")).GetString()!;
        Assert.DoesNotContain(first, stored, StringComparison.Ordinal);
        Assert.Contains(session.Auth.IssuedTokens.Last(), stored, StringComparison.Ordinal);
        Assert.False((await session.Browser.EvaluateAsync("document.querySelector('#nav').hidden")).GetBoolean());
    }

    [Fact]
    public async Task The_production_build_has_no_dev_sign_in_and_the_dev_build_no_supabase_js()
    {
        await using var session = await StatusCenterSupabaseSession.StartAsync(stack);

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
