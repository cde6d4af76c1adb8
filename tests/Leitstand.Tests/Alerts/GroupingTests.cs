using Dapper;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Alerts;

[Collection(StackCollection.Name)]
public sealed class GroupingTests(StackFixture stack) : AlertTestBase(stack)
{
    [Fact]
    public async Task Forty_agents_down_at_once_are_one_message_per_channel()
    {
        var agents = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            var (agent, key) = await CreateAgentAsync();
            await BeatAsync(key);
            agents.Add(agent);
        }
        // The customer's network fails: none of them reports for longer than interval + grace.
        Clock.Advance(TimeSpan.FromMinutes(16));
        await Host.Services.GetRequiredService<CheckAgents>().ExecuteAsync(CancellationToken.None);
        await DeliverQueuedAsync();
        Clock.Advance(TimeSpan.FromSeconds(10));
        await TickAsync();

        Assert.Equal((1, 1, 1, 1, 1), Received());
        Assert.Contains("40× Incident: Kein Heartbeat", Slack.Requests[0].Body);
        Assert.Equal(40, WebhookAlertKinds(Webhook.Requests[0]).Count(k => k == "incident_opened"));
        Assert.Contains("40× Incident: Kein Heartbeat", Email.Messages[0].Subject);
    }

    [Fact]
    public async Task Incident_that_opens_and_resolves_inside_the_grouping_window_sends_nothing()
    {
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key, status: "error", errorClass: "rate_limited");
        var incident = await IncidentOfAsync(agent);
        await DeliverQueuedAsync();
        Clock.Advance(TimeSpan.FromSeconds(10)); // the warning route groups for 30 s
        await BeatAsync(key, status: "ok");
        await DeliverQueuedAsync();

        Clock.Advance(TimeSpan.FromMinutes(1));
        await TickAsync();

        Assert.Equal((0, 0, 0, 0, 0), Received());
        await AssertDeliveriesAsync("incident_opened", incident, "suppressed", ChatAndWebhook);
        Assert.Empty(await DeliveriesAsync("incident_resolved", incident));
    }

    [Fact]
    public async Task Alerts_held_in_the_quiet_hours_go_out_as_one_message_in_the_morning()
    {
        Clock.Advance(new DateTimeOffset(2026, 12, 2, 21, 0, 0, TimeSpan.Zero) - Clock.GetUtcNow()); // 22:00 in Berlin
        for (var i = 0; i < 3; i++)
        {
            var (_, key) = await CreateAgentAsync();
            await BeatAsync(key, status: "error", errorClass: "upstream_down");
            Clock.Advance(TimeSpan.FromHours(1));
        }
        await DeliverQueuedAsync();

        Clock.Advance(new DateTimeOffset(2026, 12, 3, 6, 1, 0, TimeSpan.Zero) - Clock.GetUtcNow()); // 07:01
        await TickAsync();

        Assert.Equal((1, 1, 1, 0, 1), Received());
        Assert.Contains("3× Incident: Externer Dienst nicht erreichbar", Slack.Requests[0].Body);
    }
}
