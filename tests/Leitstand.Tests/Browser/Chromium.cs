using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Leitstand.Tests.Browser;

/// <summary>
/// Debian's Chromium ($CHROMIUM_PATH or /usr/bin/chromium) driven by Playwright: one headless browser for the
/// whole stack collection, launched on first use, and a fresh context (cookies, storage, viewport) per test.
/// Playwright's own browser download is never used; its driver (node, in the build output's .playwright/) runs
/// offline.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    /// <summary>Wait for pages and <c>Expect</c> assertions (Playwright's default is 5 s; the host is slower under load).</summary>
    public const float TimeoutMs = 20_000; // generous: a busy CI machine; passing tests do not wait it

    /// <summary>A phone: 390×844 CSS pixels, mobile (meta viewport honoured), touch.</summary>
    public static BrowserNewContextOptions Phone => new()
    {
        ViewportSize = new() { Width = 390, Height = 844 },
        DeviceScaleFactor = 3,
        IsMobile = true,
        HasTouch = true,
    };

    // Without the background-networking flags Chromium's own connections (updates, sync, QUIC probes) are refused
    // by a closed network, which slows or breaks the launch; --no-sandbox because CI runs as root.
    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private readonly SemaphoreSlim _launch = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    static Chromium() => Assertions.SetDefaultExpectTimeout(TimeoutMs);

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>A new, empty browser context (dispose it at the end of the test); <paramref name="options"/> e.g. <see cref="Phone"/>.</summary>
    public async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        var context = await (await BrowserAsync()).NewContextAsync(options ?? new());
        context.SetDefaultTimeout(TimeoutMs);
        return context;
    }

    private async Task<IBrowser> BrowserAsync()
    {
        await _launch.WaitAsync();
        try
        {
            if (_browser is { IsConnected: true })
                return _browser;
            if (!File.Exists(ExecutablePath))
                throw new InvalidOperationException($"Chromium not found at {ExecutablePath}: install the Debian package 'chromium' (apt-get install chromium)");
            _playwright ??= await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Arguments,
                Timeout = 30_000,
            });
            return _browser;
        }
        finally
        {
            _launch.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        _launch.Dispose();
    }
}

/// <summary>What the browser tests do beyond Playwright's API.</summary>
public static class PlaywrightExtensions
{
    /// <summary>Every URL the context's pages request from now on (documents, scripts, styles, fetches, redirects).</summary>
    public static ConcurrentQueue<string> RecordRequests(this IBrowserContext context)
    {
        var urls = new ConcurrentQueue<string>();
        context.Request += (_, request) => urls.Enqueue(request.Url);
        return urls;
    }

    /// <summary>Presses Tab until the focused element matches <paramref name="cssSelector"/>; fails after <paramref name="maxTabs"/>.</summary>
    public static async Task TabToAsync(this IPage page, string cssSelector, int maxTabs = 60)
    {
        var trail = new List<string>();
        for (var i = 0; i < maxTabs; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => !!document.activeElement?.matches(s)", cssSelector))
                return;
            trail.Add(await page.EvaluateAsync<string>("(e => e ? e.tagName + (e.id ? '#' + e.id : '') : 'none')(document.activeElement)"));
        }
        throw new InvalidOperationException($"Tab never reached '{cssSelector}' in {maxTabs} presses: {string.Join(" → ", trail)}");
    }

    /// <summary>Saves a PNG of the viewport under TestResults/status-center/ (the run's artefacts).</summary>
    public static Task SaveScreenshotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Leitstand.LocalHost.Stack.RepoPaths.Root, "TestResults", "status-center", name + ".png") });
}
