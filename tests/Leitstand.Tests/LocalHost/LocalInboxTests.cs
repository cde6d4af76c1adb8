using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Leitstand.Alerts;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using MimeKit;
using StandardWebhooks;

namespace Leitstand.Tests.LocalHost;

[Collection(StackCollection.Name)]
public sealed class LocalInboxTests(StackFixture stack) : IAsyncLifetime
{
    private readonly string _emlDirectory = Path.Combine(Path.GetTempPath(), "leitstand-inbox-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private LocalInbox _inbox = null!;
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _inbox = new LocalInbox(Processes.FreeTcpPort(), _emlDirectory);
        await _inbox.StartAsync();
        _host = await RunningHost.StartAsync(stack, s => s["Alerts:Webhook:Secret"] = _secret, o => o with { Inbox = _inbox });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _inbox.DisposeAsync();
        try { Directory.Delete(_emlDirectory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task An_email_sent_over_smtp_appears_in_the_inbox_json_and_page()
    {
        var link = $"http://localhost:7071/status/#/incidents/{Guid.NewGuid()}";
        var subject = $"Kritisch: <b>Kein Heartbeat</b> & mehr {Guid.NewGuid():N}";
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("leitstand@localhost"));
        message.To.Add(MailboxAddress.Parse("team@localhost"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = $"Agent antwortet nicht.\nÖffnen: {link}\n" };

        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", _inbox.SmtpPort, SecureSocketOptions.None);
            await smtp.SendAsync(message);
            await smtp.DisconnectAsync(quit: true);
        }

        var json = await _host.Client.GetFromJsonAsync<JsonElement>("/admin/inbox.json");
        var mail = json.GetProperty("emails").EnumerateArray().Single(e => e.GetProperty("subject").GetString() == subject);
        Assert.Contains("Agent antwortet nicht.", mail.GetProperty("text_body").GetString());
        Assert.Equal(link, Assert.Single(mail.GetProperty("links").EnumerateArray()).GetString());
        Assert.Equal("team@localhost", Assert.Single(mail.GetProperty("to").EnumerateArray()).GetString());
        Assert.True(File.Exists(mail.GetProperty("file").GetString()), "no .eml written");

        var page = await _host.Client.GetAsync("/admin/inbox");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"5\">", html);
        Assert.Contains(WebUtility.HtmlEncode(subject), html);
        Assert.DoesNotContain("<b>Kein Heartbeat</b>", html);
        Assert.Contains($"<a href=\"{WebUtility.HtmlEncode(link)}\">", html);
        Assert.Contains("Zustellprotokoll", html);
    }

    [Fact]
    public async Task A_webhook_signed_with_the_standard_webhooks_package_is_kept_with_its_signature_ok()
    {
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var body = JsonSerializer.Serialize(new { type = "alert", title = "Kein Heartbeat <Agent>", severity = "critical" });

        var response = await PostAsync(id, DateTimeOffset.UtcNow, body, new StandardWebhook(_secret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await _host.Client.GetFromJsonAsync<JsonElement>("/admin/inbox.json");
        var kept = json.GetProperty("webhooks").EnumerateArray().Single(w => w.GetProperty("webhook_id").GetString() == id);
        Assert.True(kept.GetProperty("signature_ok").GetBoolean());
        Assert.Equal("critical", kept.GetProperty("payload").GetProperty("severity").GetString());
        var html = await _host.Client.GetStringAsync("/admin/inbox");
        Assert.Contains(id, html);
        Assert.Contains("Kein Heartbeat &lt;Agent&gt;", html);

        // A repeat of the same webhook-id (a sender's retry) is answered but not kept twice.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(id, DateTimeOffset.UtcNow, body, new StandardWebhook(_secret))).StatusCode);
        Assert.Single(_inbox.Webhooks, w => w.WebhookId == id);
    }

    [Fact]
    public async Task Tampered_stale_or_foreign_webhooks_get_401_and_are_not_kept()
    {
        var signer = new StandardWebhook(_secret);
        var now = DateTimeOffset.UtcNow;
        var body = """{"title":"Deal gewonnen"}""";
        var tamperedId = "msg_" + Guid.NewGuid().ToString("N");
        var staleId = "msg_" + Guid.NewGuid().ToString("N");
        var foreignId = "msg_" + Guid.NewGuid().ToString("N");

        // Signed, then the body changed on the way.
        using var tampered = new HttpRequestMessage(HttpMethod.Post, "/admin/inbox/webhook") { Content = new StringContent("""{"title":"Deal verloren"}""", Encoding.UTF8, "application/json") };
        tampered.Headers.Add("webhook-id", tamperedId);
        tampered.Headers.Add("webhook-timestamp", now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        tampered.Headers.Add("webhook-signature", signer.Sign(tamperedId, now, body));
        var tamperedResponse = await _host.Client.SendAsync(tampered);
        var stale = await PostAsync(staleId, now.AddMinutes(-6), body, signer);
        var foreign = await PostAsync(foreignId, now, body, new StandardWebhook("whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, "/admin/inbox/webhook") { Content = new StringContent(body) };
        var unsignedResponse = await _host.Client.SendAsync(unsigned);

        Assert.Equal(HttpStatusCode.Unauthorized, tamperedResponse.StatusCode);
        Assert.Contains("title", await tamperedResponse.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsignedResponse.StatusCode);
        var json = await _host.Client.GetFromJsonAsync<JsonElement>("/admin/inbox.json");
        Assert.DoesNotContain(json.GetProperty("webhooks").EnumerateArray(), w =>
            w.GetProperty("webhook_id").GetString() is { } kept && (kept == tamperedId || kept == staleId || kept == foreignId));
        // The same request, correctly signed and fresh, is accepted: the 401s came from the checks above.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(staleId, now, body, signer)).StatusCode);
    }

    [Fact]
    public void The_receiver_accepts_any_of_several_signatures_and_nothing_but_v1()
    {
        var signer = new StandardWebhook(_secret);
        var now = DateTimeOffset.UtcNow;
        var timestamp = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var good = signer.Sign("msg_1", now, "{}");

        Assert.True(LocalInbox.Verify(_secret, "msg_1", timestamp, "v1,AAAA " + good, "{}", now));
        Assert.False(LocalInbox.Verify(_secret, "msg_1", timestamp, "v2," + good[3..], "{}", now));
        Assert.False(LocalInbox.Verify(_secret, "msg_2", timestamp, good, "{}", now));
        Assert.False(LocalInbox.Verify(_secret, "msg_1", timestamp, good, "{}", now.AddMinutes(6)));
    }

    [Fact]
    public void The_local_alert_settings_are_valid_alert_settings()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(LocalInbox.AlertSettings(7071, LocalInbox.DefaultSmtpPort).Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)))
            .Build();
        var settings = configuration.GetSection("Alerts").Get<AlertSettings>()!;

        Assert.Empty(settings.Validate());
        Assert.True(settings.EmailOn);
        Assert.True(settings.WebhookOn);
        Assert.False(settings.Email.UseStartTls);
        Assert.Equal(2525, settings.Email.Port);
    }

    private Task<HttpResponseMessage> PostAsync(string id, DateTimeOffset timestamp, string body, StandardWebhook signer)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/admin/inbox/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signer.Sign(id, timestamp, body));
        return _host.Client.SendAsync(request);
    }
}
