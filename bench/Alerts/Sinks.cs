using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Leitstand.Bench.Alerts;

/// <summary>
/// When each alert (keyed by its subject id) reached each channel's sink: Stopwatch timestamps, 0 = not yet.
/// The sinks record on arrival of the whole body, before their answer delay.
/// </summary>
public sealed class Receipts
{
    public const int Channels = 3;
    public static readonly string[] ChannelNames = ["slack", "teams", "webhook"];

    private readonly ConcurrentDictionary<Guid, long[]> _received = new();
    private long _requests;
    private long _repeats;
    private long _unmatched;

    public long Requests => Interlocked.Read(ref _requests);
    /// <summary>Requests for an alert and channel that had been received already (at-least-once repeats).</summary>
    public long Repeats => Interlocked.Read(ref _repeats);
    /// <summary>Requests without an alert link in the body.</summary>
    public long Unmatched => Interlocked.Read(ref _unmatched);

    public void Record(int channel, Guid subject, long timestamp)
    {
        Interlocked.Increment(ref _requests);
        var slots = _received.GetOrAdd(subject, _ => new long[Channels]);
        if (Interlocked.CompareExchange(ref slots[channel], timestamp, 0) != 0) Interlocked.Increment(ref _repeats);
    }

    public void Unmatch() { Interlocked.Increment(ref _requests); Interlocked.Increment(ref _unmatched); }

    /// <summary>The three receive times, or null while one is missing.</summary>
    public long[]? Complete(Guid subject)
    {
        if (!_received.TryGetValue(subject, out var slots)) return null;
        for (var i = 0; i < Channels; i++)
            if (Volatile.Read(ref slots[i]) == 0) return null;
        return slots;
    }

    public int CountComplete(IEnumerable<Guid> subjects) => subjects.Count(s => Complete(s) is not null);
}

/// <summary>
/// One Kestrel on 127.0.0.1 (free port) standing in for Slack, Teams or the webhook receiver: reads the body,
/// finds the alert by its status-center link "#/alerts/&lt;subject id&gt;" (every channel's payload carries it),
/// records the time and answers 200 after a fixed delay.
/// </summary>
public sealed partial class Sink : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Sink(WebApplication app, string url) { _app = app; Url = url; }

    public string Url { get; }

    public static async Task<Sink> StartAsync(int channel, Receipts receipts, TimeSpan delay, string path)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var now = Stopwatch.GetTimestamp();
            var matches = AlertLink().Matches(body);
            if (matches.Count == 0) receipts.Unmatch();
            // A group lists several alerts (not with group_window 0, but counted right if it happens); a payload
            // may name the same alert twice (Teams: text and action), so each alert once per request.
            foreach (var id in matches.Select(m => Guid.Parse(m.Groups[1].Value)).Distinct())
                receipts.Record(channel, id, now);
            if (delay > TimeSpan.Zero) await Task.Delay(delay, context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Sink(app, address.TrimEnd('/') + path);
    }

    [GeneratedRegex("#/alerts/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")]
    private static partial Regex AlertLink();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
