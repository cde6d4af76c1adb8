using Leitstand.Alerts.Channels;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Alerts.Channels;

public sealed class CircuitBreakerTests
{
    [Fact]
    public async Task Repeated_failures_open_the_circuit_and_the_next_send_does_not_reach_the_peer()
    {
        await using var slack = await HttpSink.StartAsync();
        slack.Default = HttpSink.Reply.Status(500);
        await using var rig = Rig(slack, breakSeconds: 30);
        var channel = rig.Channels.Get("slack");

        // Run 1: three failed attempts (below the minimum throughput of 4). Run 2: the fourth failure opens
        // the circuit, the retry after it ends at once.
        await channel.SendAsync(AlertSamples.Single(), CancellationToken.None);
        var second = await channel.SendAsync(AlertSamples.Single(), CancellationToken.None);
        Assert.Equal(ResilientChannel.BreakerMinimumThroughput, slack.Requests.Count);
        // The run that opened the circuit says what opened it; a later run only that it is open.
        Assert.Equal("circuit open after: HTTP 500 from slack", Assert.IsType<SendOutcome.Transient>(second).Error);

        slack.Default = HttpSink.Reply.Status(200);
        var third = await channel.SendAsync(AlertSamples.Single(), CancellationToken.None);

        var transient = Assert.IsType<SendOutcome.Transient>(third);
        Assert.Equal("circuit open", transient.Error);
        Assert.InRange(transient.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        Assert.Equal(ResilientChannel.BreakerMinimumThroughput, slack.Requests.Count);
    }

    [Fact]
    public async Task After_the_break_a_probe_reaches_the_peer_and_success_closes_the_circuit()
    {
        await using var slack = await HttpSink.StartAsync();
        slack.Default = HttpSink.Reply.Status(500);
        await using var rig = Rig(slack, breakSeconds: 1);
        var channel = rig.Channels.Get("slack");
        await channel.SendAsync(AlertSamples.Single(), CancellationToken.None);
        await channel.SendAsync(AlertSamples.Single(), CancellationToken.None);
        Assert.Equal("circuit open", Assert.IsType<SendOutcome.Transient>(await channel.SendAsync(AlertSamples.Single(), CancellationToken.None)).Error);
        var before = slack.Requests.Count;

        slack.Default = HttpSink.Reply.Status(200);
        await Task.Delay(TimeSpan.FromSeconds(1.2));

        Assert.IsType<SendOutcome.Delivered>(await channel.SendAsync(AlertSamples.Single(), CancellationToken.None));
        Assert.IsType<SendOutcome.Delivered>(await channel.SendAsync(AlertSamples.Single(), CancellationToken.None));
        Assert.Equal(before + 2, slack.Requests.Count);
    }

    [Fact]
    public async Task Permanent_answers_do_not_open_the_circuit()
    {
        await using var slack = await HttpSink.StartAsync();
        slack.Default = HttpSink.Reply.Status(404);
        await using var rig = Rig(slack, breakSeconds: 30);
        var channel = rig.Channels.Get("slack");

        for (var i = 0; i < 6; i++)
            Assert.IsType<SendOutcome.Permanent>(await channel.SendAsync(AlertSamples.Single(), CancellationToken.None));

        Assert.Equal(6, slack.Requests.Count);
    }

    [Fact]
    public async Task Each_channel_has_its_own_circuit()
    {
        await using var slack = await HttpSink.StartAsync();
        await using var teams = await HttpSink.StartAsync();
        slack.Default = HttpSink.Reply.Status(500);
        await using var rig = ChannelRig.Create(s =>
        {
            s.Slack.WebhookUrl = slack.Url("/hook").AbsoluteUri;
            s.Teams.WebhookUrl = teams.Url("/hook").AbsoluteUri;
        });
        await rig.Channels.Get("slack").SendAsync(AlertSamples.Single(), CancellationToken.None);
        await rig.Channels.Get("slack").SendAsync(AlertSamples.Single(), CancellationToken.None);
        Assert.Equal("circuit open", Assert.IsType<SendOutcome.Transient>(await rig.Channels.Get("slack").SendAsync(AlertSamples.Single(), CancellationToken.None)).Error);

        Assert.IsType<SendOutcome.Delivered>(await rig.Channels.Get("teams").SendAsync(AlertSamples.Single(), CancellationToken.None));
        Assert.Single(teams.Requests);
    }

    private static ChannelRig Rig(HttpSink slack, int breakSeconds) => ChannelRig.Create(s =>
    {
        s.Slack.WebhookUrl = slack.Url("/hook").AbsoluteUri;
        s.BreakSeconds = breakSeconds;
        // The sink answers at once; a generous timeout keeps a slow first request on a busy machine from
        // counting as a timeout that never reached the sink.
        s.TimeoutSeconds = 10;
    });
}
