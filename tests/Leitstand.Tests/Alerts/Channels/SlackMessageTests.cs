using System.Text.Json;
using Leitstand.Alerts.Channels;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Alerts.Channels;

public sealed class SlackMessageTests
{
    [Fact]
    public async Task A_single_alert_is_posted_as_header_and_mrkdwn_section_with_open_and_acknowledge_links()
    {
        await using var slack = await HttpSink.StartAsync();
        await using var rig = ChannelRig.Create(s => s.Slack.WebhookUrl = slack.Url("/services/T000/B000/secret").AbsoluteUri);
        var alert = AlertSamples.Alert(title: "Kein Heartbeat", text: "Agent <Nord> & Süd schweigt.");

        var outcome = await rig.Channel<SlackChannel>().SendAsync(AlertSamples.Single(alert), CancellationToken.None);

        Assert.IsType<SendOutcome.Delivered>(outcome);
        var request = Assert.Single(slack.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/services/T000/B000/secret", request.Path);
        Assert.StartsWith("application/json", request.Header("Content-Type"));
        var json = request.Json();
        Assert.Contains("Kein Heartbeat", json.GetProperty("text").GetString());
        var blocks = json.GetProperty("blocks").EnumerateArray().ToList();
        var header = blocks[0];
        Assert.Equal("header", header.GetProperty("type").GetString());
        Assert.Equal("plain_text", header.GetProperty("text").GetProperty("type").GetString());
        Assert.Equal("🔴 Kein Heartbeat", header.GetProperty("text").GetProperty("text").GetString());
        var section = blocks.Single(b => b.GetProperty("type").GetString() == "section");
        Assert.Equal("mrkdwn", section.GetProperty("text").GetProperty("type").GetString());
        var text = section.GetProperty("text").GetProperty("text").GetString()!;
        Assert.Contains("Agent &lt;Nord&gt; &amp; Süd schweigt.", text);
        Assert.Contains($"<{alert.Link.AbsoluteUri}|Öffnen>", text);
        Assert.Contains($"<{alert.AcknowledgeLink!.AbsoluteUri}|Übernehmen>", text);
    }

    [Fact]
    public async Task Without_an_acknowledge_link_there_is_no_Übernehmen()
    {
        await using var slack = await HttpSink.StartAsync();
        await using var rig = ChannelRig.Create(s => s.Slack.WebhookUrl = slack.Url("/hook").AbsoluteUri);

        await rig.Channel<SlackChannel>().SendAsync(AlertSamples.Single(AlertSamples.Alert(acknowledgeLink: false)), CancellationToken.None);

        var body = Assert.Single(slack.Requests).Body;
        Assert.Contains("|Öffnen>", body);
        Assert.DoesNotContain("Übernehmen", body);
    }

    [Fact]
    public async Task A_group_lists_every_alert_with_title_text_and_link()
    {
        await using var slack = await HttpSink.StartAsync();
        await using var rig = ChannelRig.Create(s => s.Slack.WebhookUrl = slack.Url("/hook").AbsoluteUri);
        var group = AlertSamples.Group(5);

        await rig.Channel<SlackChannel>().SendAsync(group, CancellationToken.None);

        var sections = Sections(Assert.Single(slack.Requests).Json());
        Assert.Equal(5, sections.Count);
        foreach (var (alert, section) in group.Alerts.Zip(sections))
        {
            Assert.Contains($"*{alert.Title}*", section);
            Assert.Contains(alert.Text, section);
            Assert.Contains($"<{alert.Link.AbsoluteUri}|Öffnen>", section);
        }
        Assert.DoesNotContain("weitere", slack.Requests[0].Body);
    }

    [Fact]
    public async Task A_long_group_shows_twenty_alerts_and_counts_the_rest()
    {
        await using var slack = await HttpSink.StartAsync();
        await using var rig = ChannelRig.Create(s => s.Slack.WebhookUrl = slack.Url("/hook").AbsoluteUri);

        await rig.Channel<SlackChannel>().SendAsync(AlertSamples.Group(25), CancellationToken.None);

        var json = Assert.Single(slack.Requests).Json();
        Assert.Equal(20, Sections(json).Count);
        Assert.Contains("… und 5 weitere", slack.Requests[0].Body);
        Assert.Contains("25 Alerts", json.GetProperty("text").GetString());
        // Slack refuses more than 50 blocks.
        Assert.True(json.GetProperty("blocks").GetArrayLength() <= 50);
    }

    private static List<string> Sections(JsonElement json) =>
        json.GetProperty("blocks").EnumerateArray()
            .Where(b => b.GetProperty("type").GetString() == "section")
            .Select(b => b.GetProperty("text").GetProperty("text").GetString()!)
            .ToList();
}
