using System.Text.Json.Nodes;

namespace Leitstand.Alerts.Channels;

/// <summary>
/// Microsoft Teams through a Workflows webhook ("Post to a channel when a webhook request is received"): a
/// message with one Adaptive Card 1.4 attachment. Workflows answer 202 Accepted; any 2xx counts as delivered.
/// </summary>
public sealed class TeamsChannel(AlertSettings settings, IHttpClientFactory http, TimeProvider time) : IAlertChannel
{
    public string Key => "teams";
    public bool IsConfigured => settings.TeamsOn;
    public double MessagesPerSecond => settings.Teams.MessagesPerSecond;

    public async Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        using var content = ChannelHttp.JsonBody(ChannelHttp.Serialize(Payload(message, settings.StatusCenterUrl)));
        using var response = await http.CreateClient(AlertChannelsSetup.HttpClientName).PostAsync(settings.Teams.WebhookUrl, content, ct);
        return ChannelHttp.Outcome(response, Key, time);
    }

    /// <param name="statusCenterUrl">Where "Im Status-Center öffnen" leads for a group (a single alert links to its subject).</param>
    public static JsonObject Payload(OutgoingMessage message, string statusCenterUrl)
    {
        var body = new JsonArray
        {
            Text($"{AlertText.SeverityIcon(message.Severity)} {message.Title}", size: "Large", bold: true),
            Text($"Schweregrad: {AlertText.SeverityLabel(message.Severity)}", subtle: true),
        };
        var actions = new JsonArray();
        if (message.IsGroup)
        {
            foreach (var alert in AlertText.Listed(message))
            {
                body.Add(Text(alert.Title, bold: true, separator: true));
                // TextBlocks render markdown links, so each alert of the group keeps its own links.
                var links = $"[{AlertText.OpenLabel}]({alert.Link.AbsoluteUri})" + (alert.AcknowledgeLink is { } ack ? $" · [{AlertText.AcknowledgeLabel}]({ack.AbsoluteUri})" : "");
                body.Add(Text($"{AlertText.Truncate(alert.Text)}\n\n{links}"));
            }
            if (AlertText.MoreLine(message) is { } more) body.Add(Text(more, subtle: true));
            actions.Add(OpenUrl(AlertText.OpenInStatusCenterLabel, statusCenterUrl));
        }
        else
        {
            var alert = message.Alerts[0];
            body.Add(Text(AlertText.Truncate(alert.Text)));
            actions.Add(OpenUrl(AlertText.OpenInStatusCenterLabel, alert.Link.AbsoluteUri));
            if (alert.AcknowledgeLink is { } ack) actions.Add(OpenUrl(AlertText.AcknowledgeLabel, ack.AbsoluteUri));
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
            ["actions"] = actions,
        };
        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["contentType"] = "application/vnd.microsoft.card.adaptive",
                ["contentUrl"] = null,
                ["content"] = card,
            }),
        };
    }

    private static JsonObject Text(string text, string? size = null, bool bold = false, bool subtle = false, bool separator = false)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };
        if (size is not null) block["size"] = size;
        if (bold) block["weight"] = "Bolder";
        if (subtle) block["isSubtle"] = true;
        if (separator) block["separator"] = true;
        return block;
    }

    private static JsonObject OpenUrl(string title, string url) => new() { ["type"] = "Action.OpenUrl", ["title"] = title, ["url"] = url };
}
