using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Leitstand.Alerts;
using Leitstand.Alerts.Channels;
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
        await AssertDeliveriesAsync("incident_opened", incident, "delivered", EveryChannel);
        Assert.All(await DeliveriesAsync("incident_opened", incident), d => Assert.Equal(1, d.Attempts));
        Assert.Contains("Zugang abgelaufen", Slack.Requests[0].Body);
        Assert.Contains("Zugang abgelaufen", Email.Messages[0].Subject);
        // Every channel links to the incident in the status center and to an acknowledge link for this incident.
        var acknowledge = Host.Services.GetRequiredService<AcknowledgeLink>();
        foreach (var (channel, open, ack) in LinksPerChannel())
        {
            Assert.True(open == $"https://status.example.de/#/incidents/{incident}", $"{channel}: Öffnen → {open}");
            Assert.True(ack?.StartsWith("https://leitstand.example.de/api/alerts/ack/", StringComparison.Ordinal) == true, $"{channel}: Übernehmen → {ack}");
            var check = acknowledge.Check(ack!["https://leitstand.example.de/api/alerts/ack/".Length..]);
            Assert.True(check is LinkCheck.Valid valid && valid.IncidentId == incident, $"{channel}: {check}");
        }
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
        // Each channel's link opens the lead in the status center; a lead has nothing to acknowledge.
        Assert.Equal(["slack", "teams", "telegram", "webhook"], LinksPerChannel().Select(l => l.Channel));
        Assert.All(LinksPerChannel(), l => Assert.Equal((l.Channel, $"https://status.example.de/#/leads/{lead}", (string?)null), l));
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

    /// <summary>
    /// The targets of the first message's "Öffnen" and "Übernehmen" links, read the way each channel's client reads
    /// them (Slack mrkdwn links, Teams card actions, Telegram and e-mail &lt;a href&gt;, the webhook's fields);
    /// channels that received nothing are left out.
    /// </summary>
    private List<(string Channel, string? Open, string? Ack)> LinksPerChannel()
    {
        var links = new List<(string, string?, string?)>();
        if (Slack.Requests.Count > 0)
        {
            var mrkdwn = string.Join("\n", Json(Slack.Requests[0]).GetProperty("blocks").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString() == "section").Select(b => b.GetProperty("text").GetProperty("text").GetString()));
            links.Add(("slack", Match(mrkdwn, $"<([^|>]+)\\|{AlertText.OpenLabel}>"), Match(mrkdwn, $"<([^|>]+)\\|{AlertText.AcknowledgeLabel}>")));
        }
        if (Teams.Requests.Count > 0)
        {
            var actions = Json(Teams.Requests[0]).GetProperty("attachments")[0].GetProperty("content").GetProperty("actions").EnumerateArray()
                .Where(a => a.GetProperty("type").GetString() == "Action.OpenUrl")
                .ToDictionary(a => a.GetProperty("title").GetString()!, a => a.GetProperty("url").GetString());
            links.Add(("teams", actions.GetValueOrDefault(AlertText.OpenInStatusCenterLabel), actions.GetValueOrDefault(AlertText.AcknowledgeLabel)));
        }
        if (Telegram.Requests.Count > 0)
        {
            var html = Json(Telegram.Requests[0]).GetProperty("text").GetString()!;
            links.Add(("telegram", Href(html, AlertText.OpenLabel), Href(html, AlertText.AcknowledgeLabel)));
        }
        if (Email.Messages.Count > 0)
        {
            var html = Email.Messages[0].HtmlBody ?? "";
            var (open, ack) = (Href(html, AlertText.OpenLabel), Href(html, AlertText.AcknowledgeLabel));
            // The plain-text part carries the same targets.
            var text = Email.Messages[0].TextBody ?? "";
            Assert.Equal((open, ack), (Match(text, $"{AlertText.OpenLabel}: (\\S+)"), Match(text, $"{AlertText.AcknowledgeLabel}: (\\S+)")));
            links.Add(("email", open, ack));
        }
        if (Webhook.Requests.Count > 0)
        {
            var alert = Json(Webhook.Requests[0]).GetProperty("alerts")[0];
            links.Add(("webhook", alert.GetProperty("link").GetString(), alert.TryGetProperty("acknowledge_link", out var a) ? a.GetString() : null));
        }
        return links;

        static string? Match(string text, string pattern) => Regex.Match(text, pattern) is { Success: true } m ? m.Groups[1].Value : null;
        static string? Href(string html, string label) =>
            Match(html, $"<a href=\"([^\"]+)\">{Regex.Escape(WebUtility.HtmlEncode(label))}</a>") is { } href ? WebUtility.HtmlDecode(href) : null;
    }
}
