using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace Leitstand.Alerts.Channels;

/// <summary>
/// One channel with retries, circuit breaker, rate limit and per-attempt timeout (Polly v8), built once per
/// channel so breaker and limiter state live as long as the app. <see cref="SendAsync"/> is one delivery run:
/// it never throws (except for the caller's cancellation) and returns Delivered, Permanent or the last
/// Transient, whose RetryAfter tells the database when to schedule the next run.
/// </summary>
/// <remarks>
/// Order, outermost first: retry → circuit breaker → rate limiter → timeout → channel. Every attempt passes
/// the breaker (an open circuit ends the run at once instead of waiting out the break in process) and takes a
/// token from the limiter (the provider's pace counts attempts, not runs); the timeout starts only once the
/// token is there, so a queue in front of the limiter never looks like a slow peer.
/// </remarks>
public sealed partial class ResilientChannel : IDisposable
{
    /// <summary>The breaker looks at the attempts of this window...</summary>
    public static readonly TimeSpan BreakerSamplingDuration = TimeSpan.FromSeconds(30);
    /// <summary>...and opens when at least this many were made there...</summary>
    public const int BreakerMinimumThroughput = 4;
    /// <summary>...and at least this share failed (transient outcome, timeout or exception; permanent answers are the peer working).</summary>
    public const double BreakerFailureRatio = 0.5;
    /// <summary>Back-off delays never grow beyond this (a longer wait belongs in the database schedule).</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly IAlertChannel _channel;
    private readonly AlertSettings _settings;
    private readonly ILogger _log;
    private readonly RateLimiter? _limiter;
    private readonly ResiliencePipeline<SendOutcome> _pipeline;

    public ResilientChannel(IAlertChannel channel, AlertSettings settings, TimeProvider time, ILogger<ResilientChannel> log)
    {
        _channel = channel;
        _settings = settings;
        _log = log;
        _limiter = CreateLimiter(channel.MessagesPerSecond);

        var builder = new ResiliencePipelineBuilder<SendOutcome> { TimeProvider = time, Name = "alerts-" + channel.Key };
        if (settings.MaxAttempts > 1)
            builder.AddRetry(new RetryStrategyOptions<SendOutcome>
            {
                MaxRetryAttempts = settings.MaxAttempts - 1,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(args.Outcome, args.AttemptNumber)),
            });
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<SendOutcome>
        {
            FailureRatio = BreakerFailureRatio,
            MinimumThroughput = BreakerMinimumThroughput,
            SamplingDuration = BreakerSamplingDuration,
            BreakDuration = TimeSpan.FromSeconds(settings.BreakSeconds),
            ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
        });
        if (_limiter is not null) builder.AddRateLimiter(_limiter);
        builder.AddTimeout(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        _pipeline = builder.Build();
    }

    public string Key => _channel.Key;

    /// <summary>One delivery run: up to MaxAttempts attempts. Throws only OperationCanceledException of <paramref name="ct"/>.</summary>
    public async Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        SendOutcome outcome;
        var attempts = new AttemptLog();
        try
        {
            outcome = await _pipeline.ExecuteAsync(
                static async (state, token) =>
                {
                    try
                    {
                        var result = await state.Channel.SendAsync(state.Message, token);
                        if (result is SendOutcome.Transient t) state.Attempts.LastError = t.Error;
                        return result;
                    }
                    catch (OperationCanceledException) when (!state.Caller.IsCancellationRequested)
                    {
                        state.Attempts.LastError = "timeout";
                        throw;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        state.Attempts.LastError = $"{e.GetType().Name}: {Describe(e)}";
                        throw;
                    }
                },
                (Channel: _channel, Message: message, Attempts: attempts, Caller: ct), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            outcome = FromException(e);
            // The breaker opened during this run: say what made it open, not only that it is open.
            if (e is BrokenCircuitException && attempts.LastError is { } last && outcome is SendOutcome.Transient open)
                outcome = open with { Error = AlertText.Truncate($"circuit open after: {last}", 300) };
        }

        switch (outcome)
        {
            case SendOutcome.Transient t:
                _log.LogWarning("Alert message {MessageId} not delivered on {Channel} (transient, retry after {RetryAfterSeconds} s): {Error}",
                    message.MessageId, Key, t.RetryAfter?.TotalSeconds, t.Error);
                break;
            case SendOutcome.Permanent p:
                _log.LogWarning("Alert message {MessageId} cannot be delivered on {Channel} (permanent): {Error}", message.MessageId, Key, p.Error);
                break;
        }
        return outcome;
    }

    private bool ShouldRetry(Outcome<SendOutcome> outcome, CancellationToken callerToken) => outcome switch
    {
        { Result: SendOutcome.Transient { RetryAfter: var after } } => after is null || after.Value <= TimeSpan.FromSeconds(_settings.MaxRetryAfterSeconds),
        // While the circuit is open, waiting out the break here would only hold the caller: the run ends.
        { Exception: BrokenCircuitException } => false,
        { Exception: OperationCanceledException } when callerToken.IsCancellationRequested => false,
        { Exception: not null } => true,
        _ => false,
    };

    /// <summary>max(peer's Retry-After, jittered exponential back-off); attempt 0 is the first retry.</summary>
    private TimeSpan Delay(Outcome<SendOutcome> outcome, int attempt)
    {
        var exponential = _settings.RetryBaseDelayMilliseconds * Math.Pow(2, Math.Min(attempt, 16));
        // ±25 % jitter, so channels failing together do not retry in lockstep.
        var backoff = TimeSpan.FromMilliseconds(Math.Min(exponential * (0.75 + Random.Shared.NextDouble() * 0.5), MaxBackoff.TotalMilliseconds));
        var retryAfter = outcome.Result is SendOutcome.Transient { RetryAfter: { } after } ? after
            : outcome.Exception is RateLimiterRejectedException { RetryAfter: { } wait } ? wait
            : TimeSpan.Zero;
        return retryAfter > backoff ? retryAfter : backoff;
    }

    private static bool IsFailure(Outcome<SendOutcome> outcome) => outcome switch
    {
        { Result: SendOutcome.Transient } => true,
        // Our own queue being full or the caller giving up says nothing about the peer.
        { Exception: RateLimiterRejectedException or OperationCanceledException } => false,
        { Exception: not null } => true,
        _ => false,
    };

    private SendOutcome FromException(Exception e) => e switch
    {
        BrokenCircuitException b => new SendOutcome.Transient("circuit open", b.RetryAfter ?? TimeSpan.FromSeconds(_settings.BreakSeconds)),
        TimeoutRejectedException => new SendOutcome.Transient("timeout"),
        RateLimiterRejectedException r => new SendOutcome.Transient("rate limit queue full", r.RetryAfter),
        _ => new SendOutcome.Transient($"{e.GetType().Name}: {Describe(e)}"),
    };

    /// <summary>
    /// A short, secret-free description. HttpRequestException gets its error category only (its message may
    /// carry host and port); anything URL-like is cut from other messages, since webhook URLs and the Telegram
    /// bot token are secrets.
    /// </summary>
    public static string Describe(Exception e)
    {
        if (e is HttpRequestException http)
        {
            var socket = FindInner<SocketException>(e);
            return socket is null ? http.HttpRequestError.ToString() : $"{http.HttpRequestError} ({socket.SocketErrorCode})";
        }
        var text = UrlPattern().Replace(e.Message.ReplaceLineEndings(" "), "<url>");
        return AlertText.Truncate(text, 200);
    }

    private static T? FindInner<T>(Exception e) where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is T found) return found;
        return null;
    }

    /// <summary>Token bucket at the provider's pace: a burst of one second's worth, the rest queued (never rejected).</summary>
    private static TokenBucketRateLimiter? CreateLimiter(double messagesPerSecond)
    {
        if (messagesPerSecond <= 0 || double.IsNaN(messagesPerSecond)) return null;
        // The bucket refills in whole tokens: at high rates refill every 50 ms with several tokens, because
        // timer resolution makes very short periods inaccurate.
        var period = TimeSpan.FromSeconds(Math.Max(1 / messagesPerSecond, 0.05));
        var tokensPerPeriod = Math.Max(1, (int)Math.Round(messagesPerSecond * period.TotalSeconds));
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, (int)Math.Floor(messagesPerSecond)),
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public void Dispose() => _limiter?.Dispose();

    /// <summary>What the attempts of one run saw last (for the error that the run reports).</summary>
    private sealed class AttemptLog
    {
        public string? LastError { get; set; }
    }

    [GeneratedRegex(@"\w+://\S+")]
    private static partial Regex UrlPattern();
}
