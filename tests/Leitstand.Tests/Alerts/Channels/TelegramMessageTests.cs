using System.Net;
using Leitstand.Alerts.Channels;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Alerts.Channels;

public sealed class TelegramMessageTests
{
    private const string Token = "123456789:AAH-secret-bot-token_xyz";

    [Fact]
    public async Task SendMessage_goes_to_the_bot_path_with_chat_id_html_text_and_previews_off()
    {
        await using var telegram = await TelegramPeer();
        await using var rig = Rig(telegram);
        var alert = AlertSamples.Alert(title: "Neustart <fehlgeschlagen>", text: "Agent \"Nord\" & <Süd> antwortet nicht.");

        var outcome = await rig.Channel<TelegramChannel>().SendAsync(AlertSamples.Single(alert), CancellationToken.None);

        Assert.IsType<SendOutcome.Delivered>(outcome);
        var request = Assert.Single(telegram.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/bot{Token}/sendMessage", request.Path);
        var json = request.Json();
        Assert.Equal("-1001234567890", json.GetProperty("chat_id").GetString());
        Assert.Equal("HTML", json.GetProperty("parse_mode").GetString());
        Assert.True(json.GetProperty("link_preview_options").GetProperty("is_disabled").GetBoolean());
        var text = json.GetProperty("text").GetString()!;
        // Producer text is encoded: no raw "<" from it can open a tag Telegram would reject.
        Assert.Contains("Neustart &lt;fehlgeschlagen&gt;", text);
        Assert.Contains("Agent &quot;Nord&quot; &amp; &lt;S", text);
        Assert.DoesNotContain("<Süd>", text);
        Assert.DoesNotContain("<fehlgeschlagen>", text);
        Assert.Contains($"<a href=\"{WebUtility.HtmlEncode(alert.Link.AbsoluteUri)}\">", text);
        Assert.Contains($"<a href=\"{WebUtility.HtmlEncode(alert.AcknowledgeLink!.AbsoluteUri)}\">", text);
        // What the reader sees once Telegram decodes the entities:
        Assert.Contains("Agent \"Nord\" & <Süd> antwortet nicht.", WebUtility.HtmlDecode(text));
        Assert.Contains(">Übernehmen</a>", WebUtility.HtmlDecode(text));
        Assert.Contains(">Öffnen</a>", WebUtility.HtmlDecode(text));
    }

    [Fact]
    public async Task A_group_lists_every_alert()
    {
        await using var telegram = await TelegramPeer();
        await using var rig = Rig(telegram);
        var group = AlertSamples.Group(6);

        await rig.Channel<TelegramChannel>().SendAsync(group, CancellationToken.None);

        var text = WebUtility.HtmlDecode(Assert.Single(telegram.Requests).Json().GetProperty("text").GetString()!);
        foreach (var alert in group.Alerts)
        {
            Assert.Contains($"<b>{alert.Title}</b>", text);
            Assert.Contains(alert.Text, text);
            Assert.Contains(alert.Link.AbsoluteUri, text);
        }
    }

    [Fact]
    public async Task A_2xx_without_ok_true_is_not_delivered()
    {
        await using var telegram = await HttpSink.StartAsync();
        telegram.Default = HttpSink.Reply.Status(200, "<html>proxy</html>");
        await using var rig = Rig(telegram);

        var outcome = await rig.Channel<TelegramChannel>().SendAsync(AlertSamples.Single(), CancellationToken.None);

        Assert.IsType<SendOutcome.Transient>(outcome);
    }

    [Fact]
    public async Task Flood_control_429_is_transient_after_the_retry_after_from_the_json_body()
    {
        await using var telegram = await TelegramPeer();
        telegram.Enqueue(HttpSink.Reply.Json(429, """{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17","parameters":{"retry_after":17}}"""));
        await using var rig = Rig(telegram);

        var outcome = await rig.Channel<TelegramChannel>().SendAsync(AlertSamples.Single(), CancellationToken.None);

        var transient = Assert.IsType<SendOutcome.Transient>(outcome);
        Assert.Equal(TimeSpan.FromSeconds(17), transient.RetryAfter);
        Assert.DoesNotContain(Token, transient.Error);
    }

    [Fact]
    public async Task Flood_control_retry_after_is_honoured_by_the_resilient_channel_before_the_next_attempt()
    {
        await using var telegram = await TelegramPeer();
        telegram.Enqueue(HttpSink.Reply.Json(429, """{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}"""));
        await using var rig = Rig(telegram);

        var outcome = await rig.Channels.Get("telegram").SendAsync(AlertSamples.Single(), CancellationToken.None);

        Assert.IsType<SendOutcome.Delivered>(outcome);
        var requests = telegram.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(900),
            $"second attempt after {(requests[1].ReceivedAt - requests[0].ReceivedAt).TotalMilliseconds} ms");
    }

    [Theory]
    [InlineData(400, "Bad Request: chat not found")]
    [InlineData(403, "Forbidden: bot was blocked by the user")]
    [InlineData(401, "Unauthorized")]
    public async Task Chat_not_found_blocked_bot_and_revoked_token_are_permanent_after_one_request(int status, string description)
    {
        await using var telegram = await TelegramPeer();
        telegram.Default = HttpSink.Reply.Json(status, $$"""{"ok":false,"error_code":{{status}},"description":"{{description}}"}""");
        await using var rig = Rig(telegram);

        var outcome = await rig.Channels.Get("telegram").SendAsync(AlertSamples.Single(), CancellationToken.None);

        var permanent = Assert.IsType<SendOutcome.Permanent>(outcome);
        Assert.Contains(description, permanent.Error);
        Assert.DoesNotContain(Token, permanent.Error);
        Assert.DoesNotContain("AAH-secret", permanent.Error);
        Assert.Single(telegram.Requests);
    }

    [Fact]
    public async Task The_bot_token_is_in_no_error_and_no_log_line_even_when_the_api_is_unreachable()
    {
        await using var rig = ChannelRig.Create(s =>
        {
            s.Telegram.ApiBaseUrl = $"http://127.0.0.1:{Leitstand.LocalHost.Stack.Processes.FreeTcpPort()}";
            s.Telegram.BotToken = Token;
            s.Telegram.ChatId = "-1001234567890";
        });

        var outcome = await rig.Channels.Get("telegram").SendAsync(AlertSamples.Single(), CancellationToken.None);

        var transient = Assert.IsType<SendOutcome.Transient>(outcome);
        Assert.DoesNotContain("AAH-secret", transient.Error);
        Assert.NotEmpty(rig.Log.Entries);
        Assert.All(rig.Log.Entries, e => Assert.DoesNotContain("AAH-secret", e.Message + e.Exception));
    }

    private static async Task<HttpSink> TelegramPeer()
    {
        var sink = await HttpSink.StartAsync();
        sink.Default = HttpSink.Reply.Json(200, """{"ok":true,"result":{"message_id":42}}""");
        return sink;
    }

    private static ChannelRig Rig(HttpSink telegram) => ChannelRig.Create(s =>
    {
        s.Telegram.ApiBaseUrl = telegram.BaseAddress.AbsoluteUri.TrimEnd('/');
        s.Telegram.BotToken = Token;
        s.Telegram.ChatId = "-1001234567890";
    });
}
