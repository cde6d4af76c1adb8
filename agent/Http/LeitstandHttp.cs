using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Leitstand.Agent.Http;

/// <summary>
/// The HTTP client and Polly pipeline every command that talks to Leitstand shares: bounded retries with jitter, a
/// timeout per attempt, 408, 429 and 5xx retried (a Retry-After up to <see cref="LeitstandHttpOptions.LongestRetryAfter"/>
/// is honoured), no redirects. The request is built anew for each attempt.
/// </summary>
internal sealed class LeitstandHttp : IDisposable
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public LeitstandHttp(ILogger log, string what, LeitstandHttpOptions? options = null)
    {
        options ??= new LeitstandHttpOptions();
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = options.AttemptTimeout,
            AllowAutoRedirect = false,
        }) { Timeout = Timeout.InfiniteTimeSpan };
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.FirstRetryDelay,
                MaxDelay = options.LongestRetryAfter,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => IsBusy(r) && (RetryAfter(r) ?? TimeSpan.Zero) <= options.LongestRetryAfter),
                DelayGenerator = args => new ValueTask<TimeSpan?>(args.Outcome.Result is { } r ? RetryAfter(r) : null),
                OnRetry = args =>
                {
                    log.LogDebug("{What} attempt {Attempt} failed ({Reason}); retrying in {Delay} ms", what, args.AttemptNumber + 1,
                        args.Outcome.Result is { } r ? ((int)r.StatusCode).ToString() : args.Outcome.Exception?.GetType().Name, (int)args.RetryDelay.TotalMilliseconds);
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>
    /// Sends the request that <paramref name="build"/> makes (once per attempt). Throws <see cref="HttpRequestException"/>
    /// or <see cref="TimeoutRejectedException"/> when no attempt got an answer.
    /// </summary>
    public ValueTask<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken ct) =>
        _pipeline.ExecuteAsync(async token =>
        {
            using var request = build();
            return await _http.SendAsync(request, token);
        }, ct);

    /// <summary>408, 429 or 5xx: worth another attempt later.</summary>
    public static bool IsBusy(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500;

    public static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>
    /// Leitstand's base address from <c>--url</c> or <see cref="UrlVariable"/>: http(s), no query or user info, TLS
    /// unless the server is this machine. Adds a German message to <paramref name="problems"/> otherwise.
    /// </summary>
    public static Uri? BaseAddress(string? text, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add($"Die Adresse des Leitstands fehlt: --url https://… angeben (oder {UrlVariable} setzen).");
            return null;
        }
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || string.IsNullOrEmpty(uri.Host) || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            problems.Add($"--url ist keine gültige Adresse: '{text}'. Erwartet wird z. B. https://leitstand.example.de");
            return null;
        }
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            problems.Add("Der Leitstand wird nur verschlüsselt angesprochen: bitte https:// verwenden (http:// nur für localhost und 127.0.0.1).");
            return null;
        }
        return uri;
    }

    /// <summary>The base address with <paramref name="apiPath"/> (e.g. <c>/api/heartbeat</c>) appended unless it already ends with it.</summary>
    public static Uri Endpoint(Uri baseAddress, string apiPath)
    {
        var path = baseAddress.AbsolutePath.TrimEnd('/');
        if (!path.EndsWith(apiPath, StringComparison.Ordinal)) path += apiPath;
        return new UriBuilder(baseAddress) { Path = path }.Uri;
    }

    public const string UrlVariable = "LEITSTAND_URL";

    public void Dispose() => _http.Dispose();
}

internal sealed record LeitstandHttpOptions
{
    public int Retries { get; init; } = 3;
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>A longer Retry-After is not waited for inline: the caller gets the answer and decides.</summary>
    public TimeSpan LongestRetryAfter { get; init; } = TimeSpan.FromSeconds(30);
}
