using System.Diagnostics;
using Leitstand.Alerts.Channels;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Alerts.Channels;

/// <summary>Fault injection through <see cref="ResilientChannel"/> against a real HTTP peer (the Slack channel stands in for all).</summary>
public sealed class RetryAndTimeoutTests
{
    private const string SecretPath = "/services/T000/B000/XXsecretXX";

    [Fact]
    public async Task A_500_then_200_is_delivered_after_one_retry()
    {
        await using var slack = await HttpSink.StartAsync();
        slack.Enqueue(HttpSink.Reply.Status(500));
        await using var rig = Rig(slack);

        var outcome = await rig.Channels.Get("slack").SendAsync(AlertSamples.Single(), CancellationToken.None);

        Assert.IsType<SendOutcome.Delivered>(outcome);
        Assert.Equal(2, slack.Requests.Count);
    }

    [Fact]
    public async Task Three_5xx_in_a_row_end_the_run_as_transient_after_max_attempts_without_the_url_in_the_error()
    {
        await using var slack = await HttpSink.StartAsync();
        slack.Default = HttpSink.Reply.Status(503);
        await using var rig = Rig(slack);

        var outcome = await rig.Channels.Get("slack").SendAsync(AlertSamples.Single(), CancellationToken.None);

        var transient = Assert.IsType<SendOutcome.Transient>(outcome);
        Assert.Equal("HTTP 503 from slack", transient.Error);
        Assert.Equal(3, slack.Requests.Count);
        Assert.Contains(rig.Log.Entries, e => e.Message.Contains("HTTP 503 from slack"));
        Assert.All(rig.Log.Entries, e => Assert.DoesNotContain("XXsecretXX", e.Message + e.Exception));
    }

    [Fact]
    public async Task A_429_with_retry_after_1_waits_about_a_second_then_delivers()
    {
        await using var slack = await HttpSink.StartAsync();
        slack.Enqueue(HttpSink.Reply.Status(429).WithHeader("Retry-After", "1"));
        await using var rig = Rig(slack);

        var outcome = await rig.Channels.Get("slack").SendAsync(AlertSamples.Single(), CancellationToken.None);

        Assert.IsType<SendOutcome.Delivered>(outcome);
        var requests = slack.Requests;
        Assert.Equal(2, requests.Count);
        var gap = requests[1].ReceivedAt - requests[0].ReceivedAt;
        // Lower bound: the header is honoured; upper bound far below the client's own back-off ceiling (60 s), with room
        // for a busy machine.
        Assert.InRange(gap, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_retry_after_as_http_date_is_honoured_too()
    {
        await using var slack = await HttpSink.StartAsync();
        slack.Enqueue(HttpSink.Reply.Status(503).WithHeader("Retry-After", DateTimeOffset.UtcNow.AddSeconds(300).ToString("R")));
        await using var rig = Rig(slack);

        var outcome = await rig.Channels.Get("slack").SendAsync(AlertSamples.Single(), CancellationToken.None);

        var transient = Assert.IsType<SendOutcome.Transient>(outcome);
        Assert.InRange(transient.RetryAfter!.Value, TimeSpan.FromSeconds(290), TimeSpan.FromSeconds(301));
        Assert.Single(slack.Requests);
    }

    [Fact]
    public async Task A_retry_after_beyond_the_in_process_limit_is_returned_after_one_request_for_the_database_to_schedule()
    {
        await using var slack = await HttpSink.StartAsync();
        slack.Default = HttpSink.Reply.Status(429).WithHeader("Retry-After", "120");
        await using var rig = Rig(slack);
        var watch = Stopwatch.StartNew();

        var outcome = await rig.Channels.Get("slack").SendAsync(AlertSamples.Single(), CancellationToken.None);

        var transient = Assert.IsType<SendOutcome.Transient>(outcome);
        Assert.Equal(TimeSpan.FromSeconds(120), transient.RetryAfter);
        Assert.Single(slack.Requests);
        // Waiting the 120 s in process would take 120 s; half of it leaves room for any busy machine.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed.TotalSeconds} s");
    }

    [Fact]
    public async Task An_answer_slower_than_the_timeout_is_transient_timeout_after_max_attempts()
    {
        await using var slack = await HttpSink.StartAsync();
        // The sink answers after 30 s: without the 1 s timeout the two attempts would take a minute.
        slack.Default = HttpSink.Reply.Status(200).After(TimeSpan.FromSeconds(30));
        await using var rig = Rig(slack, s => { s.MaxAttempts = 2; s.TimeoutSeconds = 1; });
        var watch = Stopwatch.StartNew();

        var outcome = await rig.Channels.Get("slack").SendAsync(AlertSamples.Single(), CancellationToken.None);
        var elapsed = watch.Elapsed;

        var transient = Assert.IsType<SendOutcome.Transient>(outcome);
        Assert.Equal("timeout", transient.Error);
        // The second attempt's request may reach the sink only after the client gave up on it (a busy machine).
        for (var i = 0; i < 150 && slack.Requests.Count < 2; i++) await Task.Delay(100);
        Assert.Equal(2, slack.Requests.Count);
        // Two attempts of 1 s each plus back-off (a busy machine may add some seconds, never the sink's 30).
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_refused_connection_is_transient()
    {
        var closedPort = Processes.FreeTcpPort();
        await using var rig = ChannelRig.Create(s => s.Slack.WebhookUrl = $"http://127.0.0.1:{closedPort}{SecretPath}");

        var outcome = await rig.Channels.Get("slack").SendAsync(AlertSamples.Single(), CancellationToken.None);

        var transient = Assert.IsType<SendOutcome.Transient>(outcome);
        Assert.StartsWith("HttpRequestException: ConnectionError", transient.Error);
        Assert.DoesNotContain("XXsecretXX", transient.Error);
        Assert.All(rig.Log.Entries, e => Assert.DoesNotContain("XXsecretXX", e.Message + e.Exception));
    }

    [Theory]
    [InlineData(404)]
    [InlineData(410)]
    [InlineData(403)]
    public async Task A_permanent_status_ends_the_run_after_exactly_one_request(int status)
    {
        await using var slack = await HttpSink.StartAsync();
        slack.Default = HttpSink.Reply.Status(status, "no_service");
        await using var rig = Rig(slack);

        var outcome = await rig.Channels.Get("slack").SendAsync(AlertSamples.Single(), CancellationToken.None);

        var permanent = Assert.IsType<SendOutcome.Permanent>(outcome);
        Assert.Equal($"HTTP {status} from slack", permanent.Error);
        Assert.Single(slack.Requests);
    }

    [Fact]
    public async Task The_callers_cancellation_is_thrown_not_turned_into_an_outcome()
    {
        await using var slack = await HttpSink.StartAsync();
        slack.Default = HttpSink.Reply.Status(200).After(TimeSpan.FromSeconds(30));
        await using var rig = Rig(slack, s => s.TimeoutSeconds = 60);
        using var cts = new CancellationTokenSource();

        // Cancelled once the request is at the sink (not after a fixed time, which a busy machine could reach first).
        var send = rig.Channels.Get("slack").SendAsync(AlertSamples.Single(), cts.Token);
        await slack.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.Single(slack.Requests);
    }

    private static ChannelRig Rig(HttpSink slack, Action<Leitstand.Alerts.AlertSettings>? more = null) => ChannelRig.Create(s =>
    {
        s.Slack.WebhookUrl = slack.Url(SecretPath).AbsoluteUri;
        more?.Invoke(s);
    });
}
