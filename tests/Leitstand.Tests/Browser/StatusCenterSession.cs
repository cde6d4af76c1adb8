using System.Collections.Concurrent;
using Leitstand.LocalHost.Functions;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// The status center end to end: a local host on a free port with the development sign-in (as scripts/start
/// runs it), the built page at /status/ (scripts/test builds it first), and a fresh Chromium context. A test:
/// <code>
/// await using var session = await StatusCenterSession.StartAsync(stack, chromium); // or (…, Chromium.Phone)
/// await session.SignInAsync("#/agenten");
/// await Expect(session.Page.Locator("#agenten")).ToHaveAttributeAsync("aria-busy", "false");
/// </code>
/// </summary>
public sealed class StatusCenterSession : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _requests;

    private StatusCenterSession(RunningHost host, IBrowserContext context, ConcurrentQueue<string> requests, IPage page, Uri url)
    {
        Host = host;
        Context = context;
        _requests = requests;
        Page = page;
        Url = url;
    }

    public RunningHost Host { get; }
    public IBrowserContext Context { get; }
    public IPage Page { get; }
    /// <summary>http://127.0.0.1:&lt;port&gt;/status/</summary>
    public Uri Url { get; }

    /// <param name="settings">Further host settings, given the host's URL (e.g. the alert channels of a local inbox).</param>
    /// <param name="host">Further host options (e.g. the inbox, queue polling).</param>
    public static async Task<StatusCenterSession> StartAsync(StackFixture stack, Chromium chromium, BrowserNewContextOptions? options = null,
        Action<string, Dictionary<string, string?>>? settings = null, Func<FunctionsHostOptions, FunctionsHostOptions>? host = null)
    {
        if (!File.Exists(Path.Combine(RepoPaths.StatusCenter, "index.html")))
            throw new InvalidOperationException("web/status/dist fehlt: erst `npm run build:status` (scripts/test baut es selbst).");
        var url = $"http://127.0.0.1:{Processes.FreeTcpPort()}";
        var running = await RunningHost.StartAsync(stack, s => { s["Auth:SupabaseUrl"] = url; settings?.Invoke(url, s); }, o =>
        {
            var own = o with
            {
                Url = url,
                SignIn = new LocalSignIn(url, stack.Postgres.AdminConnectionString()),
                StatusCenterDirectory = RepoPaths.StatusCenter,
            };
            return host?.Invoke(own) ?? own;
        });
        IBrowserContext? context = null;
        try
        {
            context = await chromium.NewContextAsync(options);
            var requests = context.RecordRequests();
            return new StatusCenterSession(running, context, requests, await context.NewPageAsync(), new Uri(running.BaseAddress, "/status/"));
        }
        catch
        {
            if (context is not null) await context.DisposeAsync();
            await running.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens the page at <paramref name="route"/> and signs in with the dev sign-in's form.</summary>
    public async Task SignInAsync(string route = "#/heute")
    {
        await Page.GotoAsync(Url + route);
        await Expect(Page.Locator("#anmelden")).ToBeAttachedAsync();
        await Page.FillAsync("#email", $"status-{Guid.NewGuid():N}@example.de");
        await Page.ClickAsync("#anmelden-senden");
        await Expect(Page.Locator("#nav:not([hidden])")).ToBeAttachedAsync();
    }

    /// <summary>Every URL the page has requested so far (documents, scripts, styles, fetches).</summary>
    public IReadOnlyList<string> RequestedUrls => [.. _requests];

    /// <summary>Asserts the page has talked to nobody but the local host.</summary>
    public void AssertNoRequestLeftLocalhost()
    {
        var urls = RequestedUrls;
        Assert.NotEmpty(urls);
        Assert.All(urls, u => Assert.Equal(Host.BaseAddress.Authority, new Uri(u).Authority));
    }

    /// <summary>Saves a PNG of the viewport under TestResults/status-center/ (the run's artefacts).</summary>
    public Task ScreenshotAsync(string name) => Page.SaveScreenshotAsync(name);

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        await Host.DisposeAsync();
    }
}
