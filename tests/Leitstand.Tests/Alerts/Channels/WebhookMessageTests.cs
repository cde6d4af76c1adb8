using System.Text.Json;
using Leitstand.Alerts.Channels;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Alerts.Channels;

public sealed class WebhookMessageTests
{
    [Fact]
    public async Task The_body_is_snake_case_json_with_every_alert_of_the_message()
    {
        await using var receiver = await HttpSink.StartAsync();
        await using var rig = Rig(receiver);
        var message = new OutgoingMessage(Guid.NewGuid(), [AlertSamples.Alert(index: 1), AlertSamples.Alert(title: "Flattern", severity: "warning", acknowledgeLink: false, index: 2)]);

        await rig.Channel<WebhookChannel>().SendAsync(message, CancellationToken.None);

        var request = Assert.Single(receiver.Requests);
        Assert.StartsWith("application/json", request.Header("Content-Type"));
        var json = request.Json();
        Assert.Equal("alerts", json.GetProperty("type").GetString());
        Assert.Equal(2, json.GetProperty("version").GetInt32());
        Assert.Equal(message.MessageId, json.GetProperty("message_id").GetGuid());
        var alerts = json.GetProperty("alerts").EnumerateArray().ToList();
        Assert.Equal(2, alerts.Count);
        foreach (var (sent, received) in message.Alerts.Zip(alerts))
        {
            Assert.Equal(sent.AlertId, received.GetProperty("alert_id").GetGuid());
            Assert.Equal(sent.Kind, received.GetProperty("kind").GetString());
            Assert.Equal(sent.Severity, received.GetProperty("severity").GetString());
            Assert.Equal(sent.DedupeKey, received.GetProperty("dedupe_key").GetString());
            Assert.Equal(sent.SubjectType, received.GetProperty("subject").GetProperty("type").GetString());
            Assert.Equal(sent.SubjectId, received.GetProperty("subject").GetProperty("id").GetGuid());
            Assert.Equal(sent.Title, received.GetProperty("title").GetString());
            Assert.Equal(sent.Text, received.GetProperty("text").GetString());
            Assert.Equal(sent.Link.AbsoluteUri, received.GetProperty("link").GetString());
            Assert.Equal("2026-12-01T22:15:30.000Z", received.GetProperty("occurred_at").GetString());
        }
        Assert.Equal(message.Alerts[0].AcknowledgeLink!.AbsoluteUri, alerts[0].GetProperty("acknowledge_link").GetString());
        Assert.Equal(JsonValueKind.Null, alerts[1].GetProperty("acknowledge_link").ValueKind);
    }

    [Fact]
    public async Task The_webhook_id_is_the_message_id_on_every_retry_and_the_timestamp_is_now()
    {
        await using var receiver = await HttpSink.StartAsync();
        receiver.Enqueue(HttpSink.Reply.Status(503));
        await using var rig = Rig(receiver);
        var message = AlertSamples.Single();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.IsType<SendOutcome.Delivered>(await rig.Channels.Get("webhook").SendAsync(message, CancellationToken.None));

        var requests = receiver.Requests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(message.MessageId.ToString(), r.Header("webhook-id")));
        Assert.All(requests, r => Assert.InRange(long.Parse(r.Header("webhook-timestamp")!), before, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        Assert.All(requests, r => Assert.StartsWith("v1,", r.Header("webhook-signature")));
    }

    private static ChannelRig Rig(HttpSink receiver) => ChannelRig.Create(s =>
    {
        s.Webhook.Url = receiver.Url("/hooks/leitstand").AbsoluteUri;
        s.Webhook.Secret = AlertSamples.WebhookSecret;
    });
}
