using System.Diagnostics;
using Leitstand.Tests.Fixtures;
using Leitstand.Alerts.Channels;

namespace Leitstand.Tests.Alerts.Channels;

public sealed class RateLimitTests
{
    [Fact]
    public async Task Messages_beyond_the_burst_are_queued_and_paced_at_messages_per_second()
    {
        await using var slack = await HttpSink.StartAsync();
        await using var rig = ChannelRig.Create(s =>
        {
            s.Slack.WebhookUrl = slack.Url("/hook").AbsoluteUri;
            s.Slack.MessagesPerSecond = 2;
        });
        var channel = rig.Channels.Get("slack");
        const int count = 6;
        var watch = Stopwatch.StartNew();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => channel.SendAsync(AlertSamples.Single(), CancellationToken.None)));

        Assert.All(outcomes, o => Assert.IsType<SendOutcome.Delivered>(o));
        Assert.Equal(count, slack.Requests.Count);
        // Burst of 2 (one second's worth), then one token every 0.5 s: the sixth message waits for the fourth
        // refill, at least 1.5 s after the first (lower bound only, with slack for timer resolution).
        var spread = slack.Requests.Max(r => r.ReceivedAt) - slack.Requests.Min(r => r.ReceivedAt);
        Assert.True(spread >= TimeSpan.FromSeconds(1.3), $"6 messages at 2/s arrived within {spread.TotalMilliseconds} ms");
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.3));
    }

    [Fact]
    public async Task Zero_messages_per_second_means_no_pacing()
    {
        await using var slack = await HttpSink.StartAsync();
        await using var rig = ChannelRig.Create(s => s.Slack.WebhookUrl = slack.Url("/hook").AbsoluteUri);
        var channel = rig.Channels.Get("slack");
        var watch = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => channel.SendAsync(AlertSamples.Single(), CancellationToken.None)));

        Assert.Equal(6, slack.Requests.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.3), $"took {watch.Elapsed.TotalMilliseconds} ms");
    }
}
