using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Alerts;

/// <summary>
/// One channel answers slower than its timeout. A class of its own because it needs the short timeout of 2 s, which
/// the other alert tests do not have (on a busy machine a first send may take longer than that).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SlowChannelTests(StackFixture stack) : AlertTestBase(stack)
{
    protected override void ConfigureSettings(Dictionary<string, string?> settings)
    {
        settings["Alerts:TimeoutSeconds"] = "2";
        settings["Alerts:SendingTimeoutSeconds"] = "10";
    }

    [Fact]
    public async Task One_failing_channel_neither_blocks_nor_repeats_the_others()
    {
        // Slack answers slower than the timeout, every time: the others are delivered meanwhile, once.
        Slack.Default = HttpSink.Reply.Status(200).After(TimeSpan.FromSeconds(30));
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key, status: "error", errorClass: "config_invalid");
        var incident = await IncidentOfAsync(agent);
        await DeliverQueuedAsync();
        Clock.Advance(TimeSpan.FromSeconds(10));

        await TickAsync();
        Clock.Advance(TimeSpan.FromMinutes(2));
        await TickAsync();

        var deliveries = (await DeliveriesAsync("incident_opened", incident)).ToDictionary(d => d.Channel);
        Assert.Equal("pending", deliveries["slack"].State);
        Assert.Equal("timeout", deliveries["slack"].LastError);
        Assert.All(deliveries.Values.Where(d => d.Channel != "slack"), d => Assert.Equal(("delivered", 1), (d.State, d.Attempts)));
        Assert.Equal((1, 1, 1, 1), (Received().Teams, Received().Telegram, Received().Email, Received().Webhook));
    }
}
