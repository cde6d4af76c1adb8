using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Browser;

/// <summary>
/// The status center's production build as Netlify serves it, against local peers on three origins: the page
/// (built with VITE_AUTH_MODE=supabase into a temp folder, served with its generated _headers), a fake Supabase Auth
/// (<see cref="FakeGoTrue"/>, whose JWKS the functions trust) and the functions host, which allows the page's origin
/// by CORS (Host.CORS) and keeps no clock skew, so an expired token is refused at once.
/// </summary>
public sealed class StatusCenterSupabaseSession : IAsyncDisposable
{
    private StatusCenterSupabaseSession(StaticSite site, FakeGoTrue auth, RunningHost host, HeadlessChromium browser, DirectoryInfo dist)
    {
        Site = site;
        Auth = auth;
        Host = host;
        Browser = browser;
        Dist = dist;
    }

    public StaticSite Site { get; }
    public FakeGoTrue Auth { get; }
    public RunningHost Host { get; }
    public HeadlessChromium Browser { get; }
    public DirectoryInfo Dist { get; }
    public string Page => Site.Origin + "/";

    public static async Task<StatusCenterSupabaseSession> StartAsync(StackFixture stack)
    {
        var dist = Directory.CreateTempSubdirectory("leitstand-status-supabase-");
        StaticSite? site = null;
        FakeGoTrue? auth = null;
        RunningHost? host = null;
        try
        {
            site = await StaticSite.StartAsync(dist.FullName);
            auth = await FakeGoTrue.StartAsync(site.Origin);
            var authUrl = auth.Url;
            host = await RunningHost.StartAsync(stack, s =>
            {
                s["Auth:SupabaseUrl"] = authUrl;
                s["Auth:ClockSkewSeconds"] = "0";
            }, o => o with { CorsAllowedOrigins = [site.Origin] });
            await StaticSite.BuildStatusCenterAsync(dist.FullName, new Dictionary<string, string>
            {
                ["VITE_AUTH_MODE"] = "supabase",
                ["VITE_SUPABASE_URL"] = auth.Url,
                ["VITE_SUPABASE_ANON_KEY"] = FakeGoTrue.AnonKey,
                ["VITE_API_BASE"] = host.BaseAddress.ToString().TrimEnd('/'),
            });
            return new StatusCenterSupabaseSession(site, auth, host, await HeadlessChromium.LaunchAsync(), dist);
        }
        catch
        {
            if (host is not null) await host.DisposeAsync();
            if (auth is not null) await auth.DisposeAsync();
            if (site is not null) await site.DisposeAsync();
            dist.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>A team member the fake Auth knows, with a password.</summary>
    public async Task<(Guid Id, string Email, string Password)> TeamMemberAsync(StackFixture stack)
    {
        var id = await Crm.CreateTeamMemberAsync(stack.Admin);
        var (email, password) = ($"team-{id:N}@example.de", "richtig-geheim-" + id.ToString("N")[..6]);
        Auth.AddUser(id, email, password);
        return (id, email, password);
    }

    public async Task OpenAsync()
    {
        await Browser.NavigateAsync(Page);
        await Browser.WaitForAsync("!!document.querySelector('#anmelden')", TimeSpan.FromSeconds(10));
    }

    public async Task SignInWithPasswordAsync(string email, string password)
    {
        await Browser.TypeAsync("#email", email);
        await Browser.TypeAsync("#passwort", password);
        await Browser.ClickAsync("#anmelden-senden");
    }

    public Task WaitForTodayAsync() => Browser.WaitForAsync(
        "!document.querySelector('#nav').hidden && document.querySelector('#aufgaben')?.getAttribute('aria-busy') === 'false'"
        + " && document.querySelector('#heute-stand').textContent.includes('offen')", TimeSpan.FromSeconds(15));

    /// <summary>Asserts every request went to one of the three local peers and nowhere else.</summary>
    public async Task AssertOnlyLocalPeersWereAskedAsync()
    {
        var urls = (await Browser.EvaluateAsync("[location.href, ...performance.getEntriesByType('resource').map(e => e.name)]"))
            .EnumerateArray().Select(e => new Uri(e.GetString()!)).ToList();
        var peers = new[] { new Uri(Site.Origin).Authority, new Uri(Auth.Url).Authority, Host.BaseAddress.Authority };
        Assert.All(urls, u => Assert.Contains(u.Authority, peers));
        Assert.Contains(urls, u => u.Authority == Host.BaseAddress.Authority);
        Assert.Contains(urls, u => u.Authority == new Uri(Auth.Url).Authority);
    }

    /// <summary>Saves a PNG of the viewport under TestResults/status-center/ (the run's artefacts).</summary>
    public async Task ScreenshotAsync(string name)
    {
        var directory = Path.Combine(Leitstand.LocalHost.Stack.RepoPaths.Root, "TestResults", "status-center");
        Directory.CreateDirectory(directory);
        await File.WriteAllBytesAsync(Path.Combine(directory, name + ".png"), await Browser.ScreenshotAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Host.DisposeAsync();
        await Auth.DisposeAsync();
        await Site.DisposeAsync();
        try { Dist.Delete(recursive: true); } catch (IOException) { }
    }
}
