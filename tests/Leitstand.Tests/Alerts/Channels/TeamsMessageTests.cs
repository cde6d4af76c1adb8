using Leitstand.Alerts.Channels;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Alerts.Channels;

public sealed class TeamsMessageTests
{
    [Fact]
    public async Task A_single_alert_is_an_adaptive_card_message_with_open_and_acknowledge_actions_and_202_counts_as_delivered()
    {
        await using var teams = await HttpSink.StartAsync();
        teams.Default = HttpSink.Reply.Status(202);
        await using var rig = ChannelRig.Create(s => s.Teams.WebhookUrl = teams.Url("/workflows/abc/triggers/manual/run?sig=secret").AbsoluteUri);
        var alert = AlertSamples.Alert();

        var outcome = await rig.Channel<TeamsChannel>().SendAsync(AlertSamples.Single(alert), CancellationToken.None);

        Assert.IsType<SendOutcome.Delivered>(outcome);
        var json = Assert.Single(teams.Requests).Json();
        Assert.Equal("message", json.GetProperty("type").GetString());
        var attachment = Assert.Single(json.GetProperty("attachments").EnumerateArray());
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, attachment.GetProperty("contentUrl").ValueKind);
        var card = attachment.GetProperty("content");
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", card.GetProperty("$schema").GetString());
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.Equal("1.4", card.GetProperty("version").GetString());
        var texts = card.GetProperty("body").EnumerateArray().ToList();
        Assert.All(texts, t => Assert.Equal("TextBlock", t.GetProperty("type").GetString()));
        Assert.Contains(texts, t => t.GetProperty("text").GetString()!.Contains("Kein Heartbeat"));
        Assert.Contains(texts, t => t.GetProperty("text").GetString() == alert.Text);
        var actions = card.GetProperty("actions").EnumerateArray().ToList();
        Assert.Equal(2, actions.Count);
        Assert.All(actions, a => Assert.Equal("Action.OpenUrl", a.GetProperty("type").GetString()));
        Assert.Equal("Im Status-Center öffnen", actions[0].GetProperty("title").GetString());
        Assert.Equal(alert.Link.AbsoluteUri, actions[0].GetProperty("url").GetString());
        Assert.Equal("Übernehmen", actions[1].GetProperty("title").GetString());
        Assert.Equal(alert.AcknowledgeLink!.AbsoluteUri, actions[1].GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_group_lists_every_alert_with_its_links_and_opens_the_status_center()
    {
        await using var teams = await HttpSink.StartAsync();
        await using var rig = ChannelRig.Create(s => s.Teams.WebhookUrl = teams.Url("/hook").AbsoluteUri);
        var group = AlertSamples.Group(4);

        await rig.Channel<TeamsChannel>().SendAsync(group, CancellationToken.None);

        var card = Assert.Single(teams.Requests).Json().GetProperty("attachments")[0].GetProperty("content");
        var texts = card.GetProperty("body").EnumerateArray().Select(t => t.GetProperty("text").GetString()!).ToList();
        foreach (var alert in group.Alerts)
        {
            Assert.Contains(alert.Title, texts);
            Assert.Contains(texts, t => t.Contains(alert.Text) && t.Contains($"[Öffnen]({alert.Link.AbsoluteUri})") && t.Contains($"[Übernehmen]({alert.AcknowledgeLink!.AbsoluteUri})"));
        }
        var action = Assert.Single(card.GetProperty("actions").EnumerateArray());
        Assert.Equal("Im Status-Center öffnen", action.GetProperty("title").GetString());
        Assert.Equal(rig.Settings.StatusCenterUrl, action.GetProperty("url").GetString());
    }
}
