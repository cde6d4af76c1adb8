using System.Collections.Concurrent;
using Leitstand.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// The status center's production build as Netlify serves it, against local peers on three origins: the page
/// (built with VITE_AUTH_MODE=supabase into a temp folder, served with its generated _headers), a fake Supabase Auth
/// (<see cref="FakeGoTrue"/>, whose JWKS the functions trust) and the functions host, which allows the page's origin
/// by CORS (Host.CORS) and keeps no clock skew, so an expired token is refused at once.
/// </summary>
public sealed class StatusCenterSupabaseSession : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _requests;

    private StatusCenterSupabaseSession(StaticSite site, FakeGoTrue auth, RunningHost host, IBrowserContext context,
        ConcurrentQueue<string> requests, IPage page, DirectoryInfo dist)
    {
        Site = site;
        Auth = auth;
        Host = host;
        Context = context;
        _requests = requests;
        Page = page;
        Dist = dist;
    }

    public StaticSite Site { get; }
    public FakeGoTrue Auth { get; }
    public RunningHost Host { get; }
    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public DirectoryInfo Dist { get; }
    /// <summary>The page's address, as Netlify would serve it.</summary>
    public string Url => Site.Origin + "/";

    public static async Task<StatusCenterSupabaseSession> StartAsync(StackFixture stack, Chromium chromium)
    {
        var dist = Directory.CreateTempSubdirectory("leitstand-status-supabase-");
        StaticSite? site = null;
        FakeGoTrue? auth = null;
        RunningHost? host = null;
        IBrowserContext? context = null;
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
            context = await chromium.NewContextAsync();
            var requests = context.RecordRequests();
            return new StatusCenterSupabaseSession(site, auth, host, context, requests, await context.NewPageAsync(), dist);
        }
        catch
        {
            if (context is not null) await context.DisposeAsync();
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
        await Page.GotoAsync(Url);
        await Expect(Page.Locator("#anmelden")).ToBeAttachedAsync();
    }

    public async Task SignInWithPasswordAsync(string email, string password)
    {
        await Page.FillAsync("#email", email);
        await Page.FillAsync("#passwort", password);
        await Page.ClickAsync("#anmelden-senden");
    }

    public async Task WaitForTodayAsync()
    {
        await Expect(Page.Locator("#nav:not([hidden])")).ToBeAttachedAsync(new() { Timeout = 30_000 });
        await Expect(Page.Locator("#aufgaben")).ToHaveAttributeAsync("aria-busy", "false", new() { Timeout = 30_000 });
        await Expect(Page.Locator("#heute-stand")).ToContainTextAsync("offen", new() { Timeout = 30_000 });
    }

    /// <summary>Asserts every request went to one of the three local peers and nowhere else.</summary>
    public void AssertOnlyLocalPeersWereAsked()
    {
        var urls = _requests.Select(u => new Uri(u)).ToList();
        var peers = new[] { new Uri(Site.Origin).Authority, new Uri(Auth.Url).Authority, Host.BaseAddress.Authority };
        Assert.All(urls, u => Assert.Contains(u.Authority, peers));
        Assert.Contains(urls, u => u.Authority == Host.BaseAddress.Authority);
        Assert.Contains(urls, u => u.Authority == new Uri(Auth.Url).Authority);
    }

    /// <summary>Saves a PNG of the viewport under TestResults/status-center/ (the run's artefacts).</summary>
    public Task ScreenshotAsync(string name) => Page.SaveScreenshotAsync(name);

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        await Host.DisposeAsync();
        await Auth.DisposeAsync();
        await Site.DisposeAsync();
        try { Dist.Delete(recursive: true); } catch (IOException) { }
    }
}
