using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Leitstand.Alerts;
using Leitstand.Leads;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Alerts;

[Collection(StackCollection.Name)]
public sealed class AlertFanOutTests(StackFixture stack) : AlertTestBase(stack)
{
    [Fact]
    public async Task Critical_incident_reaches_every_channel_once_even_when_the_queue_delivers_its_message_twice()
    {
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key, status: "error", errorClass: "auth_expired");
        var incident = await IncidentOfAsync(agent);
        var (message, _) = await Host.FindAlertAsync("subject", incident, "id");

        await DeliverQueuedAsync();
        Clock.Advance(TimeSpan.FromSeconds(10)); // the critical route groups for 10 s
        await Host.Services.GetRequiredService<DeliverAlert>().ExecuteAsync(message.GetRawText(), CancellationToken.None);
        await Host.Services.GetRequiredService<DeliverAlert>().ExecuteAsync(message.GetRawText(), CancellationToken.None);
        await TickAsync();

        Assert.Equal((1, 1, 1, 1, 1), Received());
        Assert.All(await DeliveriesAsync("incident_opened", incident), d => Assert.Equal(("delivered", 1), (d.State, d.Attempts)));
        Assert.Contains("Zugang abgelaufen", Slack.Requests[0].Body);
        Assert.Contains($"https://status.example.de/#/incidents/{incident}", Teams.Requests[0].Body);
        Assert.Contains("https://leitstand.example.de/api/alerts/ack/", Webhook.Requests[0].Body);
        Assert.Contains("Zugang abgelaufen", Email.Messages[0].Subject);
    }

    [Fact]
    public async Task One_failing_channel_neither_blocks_nor_repeats_the_others()
    {
        // Slack answers slower than the timeout, every time: the others are delivered meanwhile, once.
        Slack.Default = HttpSink.Reply.Status(200).After(TimeSpan.FromSeconds(5));
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

    [Fact]
    public async Task New_lead_alert_names_no_person_and_links_to_the_status_center()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, name: "Petra Privat", company: "Privat & Partner");
        var email = await Crm.ScalarAsync<string>(Stack.Admin, "select email from leads where id = @lead", new { lead });
        var captured = new LeadCaptured(Guid.CreateVersion7(), Clock.GetUtcNow().UtcDateTime, lead, true, false, "NEW", "landing-page", "winter");
        await Host.Services.GetRequiredService<AnnounceLead>().ExecuteAsync(JsonSerializer.Serialize(captured, Leitstand.Platform.JsonConvention.Default), CancellationToken.None);

        await DeliverQueuedAsync();
        Clock.Advance(TimeSpan.FromMinutes(5)); // new leads are grouped for five minutes
        await TickAsync();

        // New leads go to chat and the webhook (not e-mail), with the campaign and the link, and without the person.
        Assert.Equal((1, 1, 1, 0, 1), Received());
        var everything = AllText(Slack) + AllText(Teams) + AllText(Telegram) + AllText(Webhook);
        Assert.Contains("Neuer Lead über die Landingpage (Kampagne winter)", everything);
        Assert.Contains($"#/leads/{lead}", everything);
        foreach (var secret in new[] { "Petra", "Privat", email })
            Assert.DoesNotContain(secret, everything, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Same_lead_message_twice_makes_one_alert()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin);
        var captured = JsonSerializer.Serialize(new LeadCaptured(Guid.CreateVersion7(), Clock.GetUtcNow().UtcDateTime, lead, false, false, "CONTACTED", "landing-page", null),
            Leitstand.Platform.JsonConvention.Default);
        var announce = Host.Services.GetRequiredService<AnnounceLead>();

        Assert.True(await announce.ExecuteAsync(captured, CancellationToken.None));
        Assert.False(await announce.ExecuteAsync(captured, CancellationToken.None));

        Assert.Equal(1, await CountAsync("select count(*) from alerts where subject_id = @lead and kind = 'lead_repeat'", new { lead }));
    }

    [Fact]
    public async Task Sql_and_csharp_producers_write_the_same_contract()
    {
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key, status: "error", errorClass: "unknown");
        var incident = await IncidentOfAsync(agent);
        var lead = await Crm.CreateLeadAsync(Stack.Admin);
        await Host.Services.GetRequiredService<AnnounceLead>().ExecuteAsync(JsonSerializer.Serialize(
            new LeadCaptured(Guid.CreateVersion7(), Clock.GetUtcNow().UtcDateTime, lead, true, false, "NEW", "landing-page", null), Leitstand.Platform.JsonConvention.Default), CancellationToken.None);

        var (sqlMessage, fromSql) = await Host.FindAlertAsync("subject", incident, "id");
        var (csharpMessage, fromCSharp) = await Host.FindAlertAsync("subject", lead, "id");

        string[] Shape(JsonElement m) => [.. m.EnumerateObject().Select(p => $"{p.Name}:{p.Value.ValueKind}").Order()];
        Assert.Equal(Shape(fromSql), Shape(fromCSharp));
        Assert.Equal(Shape(sqlMessage), Shape(csharpMessage));
        Assert.Equal(["alert_id", "attributes", "dedupe_key", "kind", "link", "occurred_at", "severity", "subject", "text", "title"],
            fromSql.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(("alerts", 2), (csharpMessage.GetProperty("type").GetString(), csharpMessage.GetProperty("version").GetInt32()));
    }
}
