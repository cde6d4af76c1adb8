using System.Net.Http.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Alerts;

[Collection(StackCollection.Name)]
public sealed class IncidentFollowUpTests(StackFixture stack) : AlertTestBase(stack)
{
    private async Task<(Guid Agent, string Key, Guid Incident)> DeliveredCriticalIncidentAsync()
    {
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key, status: "error", errorClass: "auth_expired");
        await DeliverQueuedAsync();
        Clock.Advance(TimeSpan.FromSeconds(10));
        await TickAsync();
        Assert.Equal((1, 1, 1, 1, 1), Received());
        return (agent, key, await IncidentOfAsync(agent));
    }

    [Fact]
    public async Task Open_incident_is_reminded_on_every_channel_that_got_it_until_acknowledged()
    {
        // A warning reaches chat and the webhook; the warning route reminds every two hours.
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key, status: "error", errorClass: "upstream_down");
        var incident = await IncidentOfAsync(agent);
        await DeliverQueuedAsync();
        Clock.Advance(TimeSpan.FromSeconds(30));
        await TickAsync();
        Assert.Equal((1, 1, 1, 0, 1), Received());

        Clock.Advance(TimeSpan.FromHours(2));
        await TickAsync();
        await DeliverQueuedAsync();
        Clock.Advance(TimeSpan.FromSeconds(30));
        await TickAsync();
        Assert.Equal((2, 2, 2, 0, 2), Received());
        Assert.Contains("Erinnerung: Externer Dienst nicht erreichbar", Slack.Requests[1].Body);
        Assert.Contains("Seit 2 h offen", Telegram.Requests[1].Body);

        // Acknowledged through the team endpoint: no more reminders, on any channel.
        (await Host.TeamClient.PostAsync($"/api/incidents/{incident}/acknowledge", null)).EnsureSuccessStatusCode();
        Clock.Advance(TimeSpan.FromHours(2));
        await TickAsync();
        await DeliverQueuedAsync();
        Clock.Advance(TimeSpan.FromSeconds(30));
        await TickAsync();
        Assert.Equal((2, 2, 2, 0, 2), Received());
    }

    [Fact]
    public async Task Reminders_stop_when_the_acknowledgement_comes_while_one_waits()
    {
        var (_, _, incident) = await DeliveredCriticalIncidentAsync();
        Clock.Advance(TimeSpan.FromMinutes(30));
        await TickAsync(); // the reminder is created and queued, not yet planned

        (await Host.TeamClient.PostAsync($"/api/incidents/{incident}/acknowledge", null)).EnsureSuccessStatusCode();
        await DeliverQueuedAsync();
        await TickAsync();

        // Planned after the acknowledgement: suppressed, not sent. (The escalation is due too, and suppressed as well.)
        Assert.Equal((1, 1, 1, 1, 1), Received());
        await AssertDeliveriesAsync("incident_reminder", incident, "suppressed", EveryChannel);
    }

    [Fact]
    public async Task Critical_incident_not_acknowledged_in_time_escalates_once_to_the_escalation_channels()
    {
        var (_, _, incident) = await DeliveredCriticalIncidentAsync();

        Clock.Advance(TimeSpan.FromMinutes(15));
        await TickAsync();
        await DeliverQueuedAsync();
        Clock.Advance(TimeSpan.FromMinutes(1));
        await TickAsync();
        await DeliverQueuedAsync();

        Assert.Equal((2, 2, 2, 2, 2), Received());
        Assert.Contains("Eskalation: Zugang abgelaufen", Email.Messages[1].Subject);
        Assert.Equal(1, await CountAsync("select count(*) from alerts where kind = 'incident_unacknowledged' and subject_id = @incident", new { incident }));
    }

    [Fact]
    public async Task Resolved_incident_sends_behoben_to_exactly_the_channels_that_got_the_alert()
    {
        // Warnings reach chat and the webhook, not e-mail: "behoben" goes there too, and nowhere else.
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key, status: "error", errorClass: "upstream_down");
        await DeliverQueuedAsync();
        Clock.Advance(TimeSpan.FromSeconds(30));
        await TickAsync();
        Assert.Equal((1, 1, 1, 0, 1), Received());

        Clock.Advance(TimeSpan.FromMinutes(5));
        await BeatAsync(key, status: "ok");
        await DeliverQueuedAsync();
        Clock.Advance(TimeSpan.FromSeconds(30));
        await TickAsync();

        Assert.Equal((2, 2, 2, 0, 2), Received());
        Assert.Contains("Behoben: Externer Dienst nicht erreichbar", Slack.Requests[1].Body);
        Assert.Equal(["incident_resolved"], WebhookAlertKinds(Webhook.Requests[1]));
        var timeline = await Host.TeamClient.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/incidents/{await IncidentOfAsync(agent)}");
        Assert.Equal(8, timeline.GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "alert_delivered"));
    }

    [Fact]
    public async Task No_behoben_without_an_alert_before_it()
    {
        // The alert could not go out anywhere (every channel permanently refuses); the recovery then says nothing.
        foreach (var sink in new[] { Slack, Teams, Webhook }) sink.Default = HttpSink.Reply.Status(410);
        Telegram.Default = HttpSink.Reply.Json(400, """{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}""");
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key, status: "error", errorClass: "upstream_down");
        await DeliverQueuedAsync();
        Clock.Advance(TimeSpan.FromSeconds(30));
        await TickAsync();

        await BeatAsync(key, status: "ok");
        await DeliverQueuedAsync();
        Clock.Advance(TimeSpan.FromMinutes(1));
        await TickAsync();

        var incident = await IncidentOfAsync(agent);
        Assert.Empty(await DeliveriesAsync("incident_resolved", incident));
        await AssertDeliveriesAsync("incident_opened", incident, "failed", ChatAndWebhook);
        Assert.DoesNotContain("Behoben", AllText(Slack) + AllText(Teams) + AllText(Telegram) + AllText(Webhook));
        Assert.Equal(0, await CountAsync("select count(*) from alerts where kind = 'incident_resolved' and subject_id = @incident and exists (select 1 from alert_deliveries d where d.alert_id = alerts.id)", new { incident }));
    }
}
