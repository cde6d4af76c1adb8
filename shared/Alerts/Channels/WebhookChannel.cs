using System.Globalization;
using System.Text.Json.Nodes;

namespace Leitstand.Alerts.Channels;

/// <summary>
/// A signed JSON POST for the customer's own systems, per Standard Webhooks: <c>webhook-id</c> is the message
/// id (the same on every retry, so the receiver drops repeats), <c>webhook-timestamp</c> the send time and
/// <c>webhook-signature</c> the HMAC over both and the exact body bytes.
/// </summary>
public sealed class WebhookChannel(AlertSettings settings, IHttpClientFactory http, TimeProvider time) : IAlertChannel
{
    public const string EventType = "alerts";
    /// <summary>Version of the body format (docs: alert webhook); receivers switch on it.</summary>
    public const int Version = 2;

    public string Key => "webhook";
    public bool IsConfigured => settings.WebhookOn;
    public double MessagesPerSecond => settings.Webhook.MessagesPerSecond;

    public async Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        var id = message.MessageId.ToString();
        // Signed per attempt: a receiver rejects timestamps older than a few minutes, and retries come later.
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var body = ChannelHttp.Serialize(Payload(message));
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Webhook.Url) { Content = ChannelHttp.JsonBody(body) };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(settings.Webhook.Secret, id, timestamp, body));
        using var response = await http.CreateClient(AlertChannelsSetup.HttpClientName).SendAsync(request, ct);
        return ChannelHttp.Outcome(response, Key, time);
    }

    public static JsonObject Payload(OutgoingMessage message)
    {
        var alerts = new JsonArray();
        foreach (var a in message.Alerts)
            alerts.Add(new JsonObject
            {
                ["alert_id"] = a.AlertId,
                ["kind"] = a.Kind,
                ["severity"] = a.Severity,
                ["dedupe_key"] = a.DedupeKey,
                ["subject"] = new JsonObject { ["type"] = a.SubjectType, ["id"] = a.SubjectId },
                ["title"] = a.Title,
                ["text"] = a.Text,
                ["link"] = a.Link.AbsoluteUri,
                ["acknowledge_link"] = a.AcknowledgeLink?.AbsoluteUri,
                ["occurred_at"] = Utc(a.OccurredAt),
            });
        return new JsonObject
        {
            ["type"] = EventType,
            ["version"] = Version,
            ["message_id"] = message.MessageId,
            ["alerts"] = alerts,
        };
    }

    /// <summary>ISO 8601 in UTC with "Z"; a DateTime of unspecified kind is taken as UTC (as Npgsql reads timestamptz).</summary>
    private static string Utc(DateTime value)
    {
        var utc = value.Kind switch
        {
            DateTimeKind.Local => value.ToUniversalTime(),
            _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        };
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }
}
