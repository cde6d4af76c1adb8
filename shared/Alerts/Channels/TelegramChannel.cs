using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Leitstand.Alerts.Channels;

/// <summary>
/// Telegram Bot API <c>sendMessage</c> in HTML parse mode, link previews off. Success needs a 2xx AND
/// <c>{"ok":true}</c>; Telegram's flood control (429) says in the body how long to wait. The bot token is part
/// of the URL path, so neither the URL nor anything derived from it goes into an outcome.
/// </summary>
public sealed class TelegramChannel(AlertSettings settings, IHttpClientFactory http, TimeProvider time) : IAlertChannel
{
    public string Key => "telegram";
    public bool IsConfigured => settings.TelegramOn;
    public double MessagesPerSecond => settings.Telegram.MessagesPerSecond;

    public async Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        var url = $"{settings.Telegram.ApiBaseUrl.TrimEnd('/')}/bot{settings.Telegram.BotToken}/sendMessage";
        using var content = ChannelHttp.JsonBody(ChannelHttp.Serialize(Payload(message, settings.Telegram.ChatId)));
        using var response = await http.CreateClient(AlertChannelsSetup.HttpClientName).PostAsync(url, content, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return Outcome(response, body, time);
    }

    public static JsonObject Payload(OutgoingMessage message, string chatId) => new()
    {
        // A numeric id ("-100…") or "@channelname"; Telegram takes both as a string.
        ["chat_id"] = chatId,
        ["text"] = Text(message),
        ["parse_mode"] = "HTML",
        ["link_preview_options"] = new JsonObject { ["is_disabled"] = true },
    };

    /// <summary>The message in Telegram's HTML subset: every producer text encoded, links as &lt;a href&gt;.</summary>
    public static string Text(OutgoingMessage message)
    {
        var text = new StringBuilder()
            .Append("<b>").Append(Html($"{AlertText.SeverityIcon(message.Severity)} {message.Title}")).Append("</b>\n")
            .Append("Schweregrad: ").Append(Html(AlertText.SeverityLabel(message.Severity))).Append('\n');
        foreach (var alert in AlertText.Listed(message))
        {
            text.Append('\n');
            if (message.IsGroup) text.Append("<b>").Append(Html(alert.Title)).Append("</b>\n");
            text.Append(Html(AlertText.Truncate(alert.Text, message.IsGroup ? 150 : AlertText.MaxTextLength))).Append('\n');
            text.Append(Link(alert.Link, AlertText.OpenLabel));
            if (alert.AcknowledgeLink is { } ack) text.Append(" · ").Append(Link(ack, AlertText.AcknowledgeLabel));
            text.Append('\n');
        }
        if (AlertText.MoreLine(message) is { } more) text.Append('\n').Append(Html(more));
        return text.ToString().TrimEnd();
    }

    private static string Link(Uri url, string label) => $"<a href=\"{Html(url.AbsoluteUri)}\">{Html(label)}</a>";

    private static string Html(string text) => WebUtility.HtmlEncode(text);

    /// <summary>
    /// 2xx with ok:true delivered; 429 transient after <c>parameters.retry_after</c>; 5xx transient; 400 ("chat not
    /// found"), 401 (token revoked), 403 ("bot was blocked by the user") and other 4xx permanent.
    /// </summary>
    public static SendOutcome Outcome(HttpResponseMessage response, string body, TimeProvider time)
    {
        var status = (int)response.StatusCode;
        var (ok, description, retryAfter) = Parse(body);
        if (status is >= 200 and < 300)
            return ok ? SendOutcome.Ok : new SendOutcome.Transient($"HTTP {status} from telegram without ok:true");
        var error = description is null ? $"HTTP {status} from telegram" : $"HTTP {status} from telegram: {AlertText.Truncate(description, 200)}";
        if (!ChannelHttp.IsTransient(response.StatusCode)) return new SendOutcome.Permanent(error);
        return new SendOutcome.Transient(error, retryAfter is > 0 ? TimeSpan.FromSeconds(retryAfter.Value) : ChannelHttp.RetryAfter(response, time));
    }

    private static (bool Ok, string? Description, int? RetryAfter) Parse(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (false, null, null);
            var ok = root.TryGetProperty("ok", out var okValue) && okValue.ValueKind == JsonValueKind.True;
            var description = root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            int? retryAfter = root.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object
                && p.TryGetProperty("retry_after", out var r) && r.TryGetInt32(out var seconds) ? seconds : null;
            return (ok, description, retryAfter);
        }
        catch (JsonException)
        {
            // A proxy's HTML error page or an empty body: only the status code counts.
            return (false, null, null);
        }
    }
}
