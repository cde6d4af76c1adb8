using System.Text;
using System.Text.Json.Nodes;

namespace Leitstand.Alerts.Channels;

/// <summary>
/// Slack incoming webhook: <c>text</c> as the notification fallback, <c>blocks</c> (header, mrkdwn sections) for
/// the message itself. Links are mrkdwn links, not buttons: buttons would need a Slack app to receive clicks.
/// </summary>
public sealed class SlackChannel(AlertSettings settings, IHttpClientFactory http, TimeProvider time) : IAlertChannel
{
    public string Key => "slack";
    public bool IsConfigured => settings.SlackOn;
    public double MessagesPerSecond => settings.Slack.MessagesPerSecond;

    public async Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        using var content = ChannelHttp.JsonBody(ChannelHttp.Serialize(Payload(message)));
        using var response = await http.CreateClient(AlertChannelsSetup.HttpClientName).PostAsync(settings.Slack.WebhookUrl, content, ct);
        return ChannelHttp.Outcome(response, Key, time);
    }

    public static JsonObject Payload(OutgoingMessage message)
    {
        var headline = $"{AlertText.SeverityIcon(message.Severity)} {message.Title}";
        var blocks = new JsonArray
        {
            // Slack caps header text at 150 characters.
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = AlertText.Truncate(headline, 150), ["emoji"] = true } },
            new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = $"Schweregrad: *{AlertText.SeverityLabel(message.Severity)}*" }) },
        };
        foreach (var alert in AlertText.Listed(message))
            blocks.Add(Section(message.IsGroup ? $"*{Escape(alert.Title)}*\n{Links(alert, Escape(alert.Text))}" : Links(alert, Escape(alert.Text))));
        if (AlertText.MoreLine(message) is { } more)
            blocks.Add(new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = more }) });

        var fallback = message.IsGroup ? headline : $"{headline}: {message.Alerts[0].Text}";
        return new JsonObject { ["text"] = AlertText.Truncate(fallback, 300), ["blocks"] = blocks };
    }

    private static JsonObject Section(string mrkdwn) =>
        new() { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = mrkdwn } };

    private static string Links(OutgoingAlert alert, string text)
    {
        var line = new StringBuilder(AlertText.Truncate(text)).Append('\n').Append($"<{alert.Link.AbsoluteUri}|{AlertText.OpenLabel}>");
        if (alert.AcknowledgeLink is { } ack) line.Append($"  ·  <{ack.AbsoluteUri}|{AlertText.AcknowledgeLabel}>");
        return line.ToString();
    }

    /// <summary>Slack's mrkdwn needs exactly these three escaped; everything else is literal.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
