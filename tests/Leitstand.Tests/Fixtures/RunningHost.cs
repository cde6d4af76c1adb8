using System.Text.Json;
using Azure.Storage.Queues;
using Leitstand.Functions;
using Leitstand.LocalHost.Functions;
using Leitstand.LocalHost.Stack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Fixtures;

/// <summary>The local functions host on a free loopback port, wired to the test stack.</summary>
public sealed class RunningHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningHost(WebApplication app, Uri baseAddress, IReadOnlyDictionary<string, string?> settings, Guid teamMember, string teamToken)
    {
        _app = app;
        BaseAddress = baseAddress;
        LeadCapturedQueue = settings["Leads:LeadCapturedQueue"]!;
        AlertsQueue = settings["Alerts:Queue"]!;
        Client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        TeamMemberId = teamMember;
        TeamToken = teamToken;
        TeamClient = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        TeamClient.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", teamToken);
    }

    public Uri BaseAddress { get; }
    /// <summary>Each host writes to queues of its own, so a test finds its messages among few.</summary>
    public string LeadCapturedQueue { get; }
    public string AlertsQueue { get; }
    /// <summary>Anonymous: the lead form, heartbeats, webhooks, the local /admin pages.</summary>
    public HttpClient Client { get; }
    /// <summary>Signed in as a team member of its own (<see cref="TeamMemberId"/>), with a token of <see cref="TestIssuer.Shared"/>.</summary>
    public HttpClient TeamClient { get; }
    public Guid TeamMemberId { get; }
    public string TeamToken { get; }
    public IServiceProvider Services => _app.Services;

    /// <param name="database">A database of the test's own; without it, the stack's shared database.</param>
    public static async Task<RunningHost> StartAsync(StackFixture stack, Action<Dictionary<string, string?>>? configure = null,
        Func<FunctionsHostOptions, FunctionsHostOptions>? options = null, TestDatabase? database = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = database?.FunctionsConnectionString ?? stack.FunctionsConnectionString,
            ["AzureWebJobsStorage"] = stack.Azurite.ConnectionString,
            ["Leads:MinFillSeconds"] = "1",
            ["Leads:LeadCapturedQueue"] = "lead-captured-" + Guid.NewGuid().ToString("N")[..10],
            ["Alerts:Queue"] = "alerts-" + Guid.NewGuid().ToString("N")[..10],
            // Team endpoints verify tokens of the test issuer, as they would Supabase's.
            ["Auth:SupabaseUrl"] = (await TestIssuer.Shared).SupabaseUrl,
        };
        configure?.Invoke(settings);
        var hostOptions = new FunctionsHostOptions
        {
            Url = "http://127.0.0.1:0",
            Settings = settings,
            LandingDirectory = RepoPaths.Landing,
            RunTimers = false,
            // Tests look at queue messages and call the queue functions themselves; those that need the
            // polling (alert delivery end to end) switch it on.
            RunQueues = false,
        };
        var chosen = options?.Invoke(hostOptions) ?? hostOptions;
        var configureServices = chosen.ConfigureServices;
        // the personal-data scan's capture (PiiCapture): its log lines and queue messages, whatever the test configured
        var app = FunctionsWebHost.Build(chosen with
        {
            ConfigureServices = services =>
            {
                configureServices?.Invoke(services);
                PiiCapture.AddTo(services);
            },
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var member = await Crm.CreateTeamMemberAsync(database?.Admin ?? stack.Admin);
        var token = (await TestIssuer.Shared).Token(member, change: d => d.Claims["email"] = $"team-{member:N}@example.de");
        return new RunningHost(app, new Uri(address), settings, member, token);
    }

    /// <summary>The message whose <paramref name="property"/> (or its <paramref name="nested"/> property) is <paramref name="id"/>.</summary>
    public async Task<JsonElement> FindQueueMessageAsync(string queueName, string property, Guid id, string? nested = null)
    {
        var queue = new QueueClient(Configuration["AzureWebJobsStorage"], queueName, ServiceSetup.QueueClientOptionsForApp());
        for (var i = 0; i < 100; i++)
        {
            if (await queue.ExistsAsync())
                foreach (var m in (await queue.PeekMessagesAsync(32)).Value)
                {
                    var json = JsonDocument.Parse(m.Body.ToString()).RootElement;
                    if (json.TryGetProperty(property, out var value) && (nested is null || value.TryGetProperty(nested, out value))
                        && value.ValueKind == JsonValueKind.String && value.GetGuid() == id) return json.Clone();
                }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"No message with {property} {id} in queue {queueName}.");
    }

    /// <summary>The alert message (type "alerts") listing an alert whose <paramref name="property"/> (or its <paramref name="nested"/> property) is <paramref name="id"/>, and that alert.</summary>
    public async Task<(JsonElement Message, JsonElement Alert)> FindAlertAsync(string property, Guid id, string? nested = null)
    {
        var queue = new QueueClient(Configuration["AzureWebJobsStorage"], AlertsQueue, ServiceSetup.QueueClientOptionsForApp());
        for (var i = 0; i < 100; i++)
        {
            if (await queue.ExistsAsync())
                foreach (var m in (await queue.PeekMessagesAsync(32)).Value)
                {
                    var json = JsonDocument.Parse(m.Body.ToString()).RootElement;
                    if (!json.TryGetProperty("alerts", out var alerts)) continue;
                    foreach (var alert in alerts.EnumerateArray())
                        if (alert.TryGetProperty(property, out var value) && (nested is null || value.TryGetProperty(nested, out value))
                            && value.ValueKind == JsonValueKind.String && value.GetGuid() == id) return (json.Clone(), alert.Clone());
                }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"No alert with {property} {id} in queue {AlertsQueue}.");
    }

    public IConfiguration Configuration => _app.Configuration;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        TeamClient.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
