using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Browser;

/// <summary>
/// The status center end to end: a local host on a free port with the development sign-in (as scripts/start
/// runs it), the built page at /status/ (scripts/test builds it first), and headless Chromium.
/// </summary>
public sealed class StatusCenterSession : IAsyncDisposable
{
    private StatusCenterSession(RunningHost host, HeadlessChromium browser, Uri page)
    {
        Host = host;
        Browser = browser;
        Page = page;
    }

    public RunningHost Host { get; }
    public HeadlessChromium Browser { get; }
    /// <summary>http://127.0.0.1:&lt;port&gt;/status/</summary>
    public Uri Page { get; }

    public static async Task<StatusCenterSession> StartAsync(StackFixture stack)
    {
        if (!File.Exists(Path.Combine(RepoPaths.StatusCenter, "index.html")))
            throw new InvalidOperationException("web/status/dist fehlt: erst `npm run build:status` (scripts/test baut es selbst).");
        var url = $"http://127.0.0.1:{Processes.FreeTcpPort()}";
        var host = await RunningHost.StartAsync(stack, s => s["Auth:SupabaseUrl"] = url, o => o with
        {
            Url = url,
            SignIn = new LocalSignIn(url, stack.Postgres.AdminConnectionString()),
            StatusCenterDirectory = RepoPaths.StatusCenter,
        });
        try
        {
            return new StatusCenterSession(host, await HeadlessChromium.LaunchAsync(), new Uri(host.BaseAddress, "/status/"));
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens the page at <paramref name="route"/> and signs in with the dev sign-in's form.</summary>
    public async Task SignInAsync(string route = "#/heute")
    {
        await Browser.NavigateAsync(Page + route);
        await Browser.WaitForAsync("!!document.querySelector('#anmelden')", TimeSpan.FromSeconds(10));
        await Browser.TypeAsync("#email", $"status-{Guid.NewGuid():N}@example.de");
        await Browser.ClickAsync("#anmelden-senden");
        await Browser.WaitForAsync("!document.querySelector('#nav').hidden", TimeSpan.FromSeconds(10));
    }

    /// <summary>Every URL the page has requested (resource timing: documents, scripts, styles, fetches).</summary>
    public async Task<IReadOnlyList<string>> RequestedUrlsAsync() =>
        (await Browser.EvaluateAsync("[location.href, ...performance.getEntriesByType('resource').map(e => e.name)]"))
            .EnumerateArray().Select(e => e.GetString()!).ToList();

    /// <summary>Asserts the page has talked to nobody but the local host.</summary>
    public async Task AssertNoRequestLeftLocalhostAsync()
    {
        var urls = await RequestedUrlsAsync();
        Assert.NotEmpty(urls);
        Assert.All(urls, u => Assert.Equal(Host.BaseAddress.Authority, new Uri(u).Authority));
    }

    /// <summary>Saves a PNG of the viewport under TestResults/status-center/ (the run's artefacts).</summary>
    public async Task ScreenshotAsync(string name)
    {
        var directory = Path.Combine(RepoPaths.Root, "TestResults", "status-center");
        Directory.CreateDirectory(directory);
        await File.WriteAllBytesAsync(Path.Combine(directory, name + ".png"), await Browser.ScreenshotAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Host.DisposeAsync();
    }
}
