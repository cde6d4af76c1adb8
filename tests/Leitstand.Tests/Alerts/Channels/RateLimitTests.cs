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
        // Burst of 2 (one second's worth), then one token every 0.5 s: the sixth message cannot start before
        // four refills, about 2 s. Lower bound only, generous (1.4 s), and measured at the sender: the spread of
        // arrivals at the peer would also include the first connection's set-up time and be flaky.
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.4), $"6 messages at 2/s took only {watch.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Zero_messages_per_second_means_no_pacing()
    {
        await using var slack = await HttpSink.StartAsync();
        await using var rig = ChannelRig.Create(s => s.Slack.WebhookUrl = slack.Url("/hook").AbsoluteUri);
        var channel = rig.Channels.Get("slack");
        var watch = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, 21).Select(_ => channel.SendAsync(AlertSamples.Single(), CancellationToken.None)));

        Assert.Equal(21, slack.Requests.Count);
        // Paced at the Slack default of 1/s this would take 20 s; the bound leaves room for a busy machine.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed.TotalMilliseconds} ms");
    }
}
