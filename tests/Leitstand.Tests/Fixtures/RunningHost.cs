using Leitstand.LocalHost.Functions;
using Leitstand.LocalHost.Stack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Fixtures;

/// <summary>The local functions host on a free loopback port, wired to the test stack.</summary>
public sealed class RunningHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<RunningHost> StartAsync(StackFixture stack, Action<Dictionary<string, string?>>? configure = null,
        Func<FunctionsHostOptions, FunctionsHostOptions>? options = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = stack.FunctionsConnectionString,
            ["AzureWebJobsStorage"] = stack.Azurite.ConnectionString,
            ["Leads:MinFillSeconds"] = "1",
        };
        configure?.Invoke(settings);
        var hostOptions = new FunctionsHostOptions
        {
            Url = "http://127.0.0.1:0",
            Settings = settings,
            LandingDirectory = RepoPaths.Landing,
            RunTimers = false,
        };
        var app = FunctionsWebHost.Build(options?.Invoke(hostOptions) ?? hostOptions);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
