using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Leitstand.Tests.Fixtures;

/// <summary>
/// A real HTTP peer in process (Kestrel on a free 127.0.0.1 port) standing in for Slack, Teams, Telegram or a
/// webhook receiver. It answers every method and path, records each request as it arrives (before any
/// planned delay) and answers from a plan: queued responses first, then <see cref="Default"/>.
/// </summary>
/// <example>
/// <code>
/// await using var sink = await HttpSink.StartAsync();
/// sink.Enqueue(HttpSink.Reply.Status(500), HttpSink.Reply.Status(200));
/// // POST to sink.Url("/hook") …
/// Assert.Equal(2, sink.Requests.Count);
/// </code>
/// </example>
public sealed class HttpSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Reply> _plan = new();
    private readonly List<Request> _requests = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private HttpSink(WebApplication app) => _app = app;

    /// <summary>Base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The answer when the plan is empty (200 without a body unless set).</summary>
    public Reply Default { get; set; } = Reply.Status(200);

    /// <summary>Requests received so far, oldest first (a snapshot).</summary>
    public IReadOnlyList<Request> Requests
    {
        get { lock (_requests) return _requests.ToList(); }
    }

    /// <summary>An absolute URL on this sink.</summary>
    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery.TrimStart('/'));

    /// <summary>Answers the next requests with these, in order; afterwards <see cref="Default"/> again.</summary>
    public void Enqueue(params Reply[] replies)
    {
        foreach (var reply in replies) _plan.Enqueue(reply);
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived (fails the test after <paramref name="timeout"/>).</summary>
    public async Task<IReadOnlyList<Request>> WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Requests.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
                throw new Xunit.Sdk.XunitException($"Expected {count} requests at the HTTP sink, got {Requests.Count}.");
        }
        return Requests;
    }

    public static async Task<HttpSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var sink = new HttpSink(app);
        app.Run(sink.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sink.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return sink;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new Request(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? "",
            headers, body, DateTimeOffset.UtcNow);
        PiiCapture.Produced("http:" + request.Path, request.Query + " " + body);
        lock (_requests) _requests.Add(request);
        _arrived.Release();

        var reply = _plan.TryDequeue(out var planned) ? planned : Default;
        if (reply.Delay > TimeSpan.Zero)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try { await Task.Delay(reply.Delay, both.Token); }
            catch (OperationCanceledException) { return; } // the client gave up (its timeout) or the sink stops
        }
        context.Response.StatusCode = reply.StatusCode;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
        if (reply.Body is not null)
        {
            context.Response.ContentType = reply.ContentType;
            await context.Response.WriteAsync(reply.Body, context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
        _arrived.Dispose();
    }

    /// <summary>One request as the sink received it.</summary>
    /// <param name="Path">The path without query, e.g. <c>/bot123:abc/sendMessage</c>.</param>
    /// <param name="Query">The query string with its "?", or empty.</param>
    /// <param name="Headers">Header values by name (case-insensitive); repeated headers joined with ",".</param>
    /// <param name="ReceivedAt">When the request (with its whole body) had arrived.</param>
    public sealed record Request(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset ReceivedAt)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
        public System.Text.Json.JsonElement Json() => System.Text.Json.JsonDocument.Parse(Body).RootElement.Clone();
    }

    /// <summary>A planned answer: status, optional body and headers, and a delay before answering.</summary>
    public sealed record Reply(int StatusCode, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default,
        string ContentType = "application/json")
    {
        public static Reply Status(int statusCode, string? body = null) => new(statusCode, body);
        public static Reply Json(int statusCode, string json) => new(statusCode, json);
        public Reply WithHeader(string name, string value) =>
            this with { Headers = new Dictionary<string, string>(Headers ?? new Dictionary<string, string>()) { [name] = value } };
        public Reply After(TimeSpan delay) => this with { Delay = delay };
    }
}
