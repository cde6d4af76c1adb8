using Leitstand.Alerts.Channels;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using MimeKit;
using SmtpServer.Protocol;

namespace Leitstand.Tests.Alerts.Channels;

public sealed class EmailDeliveryTests
{
    [Fact]
    public async Task An_alert_arrives_over_smtp_with_subject_sender_recipients_and_text_and_html_bodies()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var rig = Rig(smtp);
        var message = AlertSamples.Single(AlertSamples.Alert(text: "Agent <Nord> schweigt & antwortet nicht."));

        var outcome = await rig.Channel<EmailChannel>().SendAsync(message, CancellationToken.None);

        Assert.IsType<SendOutcome.Delivered>(outcome);
        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Equal("[Leitstand] Kein Heartbeat", mail.Subject);
        Assert.Equal("alerts@leitstand.example.de", Assert.Single(mail.From.Mailboxes).Address);
        Assert.Equal(["team@leitstand.example.de", "bereitschaft@leitstand.example.de"], mail.To.Mailboxes.Select(m => m.Address));
        Assert.Equal($"{message.MessageId:N}.alert@leitstand.example.de", mail.MessageId);
        var alternative = Assert.IsType<MultipartAlternative>(mail.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        var alert = message.Alerts[0];
        Assert.Contains("Agent <Nord> schweigt & antwortet nicht.", mail.TextBody);
        Assert.Contains($"Öffnen: {alert.Link.AbsoluteUri}", mail.TextBody);
        Assert.Contains($"Übernehmen: {alert.AcknowledgeLink!.AbsoluteUri}", mail.TextBody);
        Assert.Contains("Agent &lt;Nord&gt; schweigt &amp; antwortet nicht.", mail.HtmlBody);
        Assert.Contains($"<a href=\"{alert.Link.AbsoluteUri}\">Öffnen</a>", System.Net.WebUtility.HtmlDecode(mail.HtmlBody));
    }

    [Fact]
    public async Task A_repeat_of_the_same_message_carries_the_same_message_id()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var rig = Rig(smtp);
        var message = AlertSamples.Single();

        await rig.Channel<EmailChannel>().SendAsync(message, CancellationToken.None);
        await rig.Channel<EmailChannel>().SendAsync(message, CancellationToken.None);
        await rig.Channel<EmailChannel>().SendAsync(AlertSamples.Single(), CancellationToken.None);

        var mails = await smtp.WaitForMessagesAsync(3, TimeSpan.FromSeconds(30));
        Assert.Equal(mails[0].MessageId, mails[1].MessageId);
        Assert.NotEqual(mails[0].MessageId, mails[2].MessageId);
    }

    [Fact]
    public async Task A_group_lists_every_alert()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var rig = Rig(smtp);
        var group = AlertSamples.Group(7);

        await rig.Channel<EmailChannel>().SendAsync(group, CancellationToken.None);

        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30)));
        Assert.StartsWith("[Leitstand] 7 Alerts", mail.Subject);
        foreach (var alert in group.Alerts)
        {
            Assert.Contains(alert.Title, mail.TextBody);
            Assert.Contains(alert.Text, mail.TextBody);
            Assert.Contains(alert.Link.AbsoluteUri, mail.TextBody);
            Assert.Contains(alert.Title, mail.HtmlBody);
        }
    }

    [Fact]
    public async Task A_5xx_rejection_is_permanent_and_not_retried()
    {
        await using var smtp = await SmtpSink.StartAsync();
        smtp.RejectWith = new SmtpResponse(SmtpReplyCode.MailboxUnavailable, "mailbox unavailable");
        await using var rig = Rig(smtp);

        var outcome = await rig.Channels.Get("email").SendAsync(AlertSamples.Single(), CancellationToken.None);

        var permanent = Assert.IsType<SendOutcome.Permanent>(outcome);
        Assert.StartsWith("SMTP 550", permanent.Error);
        Assert.Equal(1, smtp.Transactions);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task A_4xx_rejection_is_transient_and_retried_up_to_max_attempts()
    {
        await using var smtp = await SmtpSink.StartAsync();
        smtp.RejectWith = new SmtpResponse((SmtpReplyCode)451, "try again later");
        await using var rig = Rig(smtp);

        var outcome = await rig.Channels.Get("email").SendAsync(AlertSamples.Single(), CancellationToken.None);

        var transient = Assert.IsType<SendOutcome.Transient>(outcome);
        Assert.StartsWith("SMTP 451", transient.Error);
        Assert.Equal(rig.Settings.MaxAttempts, smtp.Transactions);
    }

    [Fact]
    public async Task A_server_that_is_down_is_transient()
    {
        await using var rig = ChannelRig.Create(s => Configure(s, "127.0.0.1", Processes.FreeTcpPort()));

        var outcome = await rig.Channels.Get("email").SendAsync(AlertSamples.Single(), CancellationToken.None);

        var transient = Assert.IsType<SendOutcome.Transient>(outcome);
        Assert.Contains("SocketException", transient.Error);
    }

    [Fact]
    public async Task A_wrong_password_is_permanent_and_the_right_one_delivers()
    {
        await using var smtp = await SmtpSink.StartAsync();
        smtp.RequireLogin = ("alerts", "richtig-geheim");
        await using var wrong = ChannelRig.Create(s => { Configure(s, smtp.Host, smtp.Port); s.Email.User = "alerts"; s.Email.Password = "falsch-geheim"; });
        await using var right = ChannelRig.Create(s => { Configure(s, smtp.Host, smtp.Port); s.Email.User = "alerts"; s.Email.Password = "richtig-geheim"; });

        var refused = await wrong.Channels.Get("email").SendAsync(AlertSamples.Single(), CancellationToken.None);
        var accepted = await right.Channels.Get("email").SendAsync(AlertSamples.Single(), CancellationToken.None);

        var permanent = Assert.IsType<SendOutcome.Permanent>(refused);
        Assert.DoesNotContain("falsch-geheim", permanent.Error);
        Assert.IsType<SendOutcome.Delivered>(accepted);
        Assert.Single(await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30)));
    }

    private static ChannelRig Rig(SmtpSink smtp) => ChannelRig.Create(s => Configure(s, smtp.Host, smtp.Port));

    private static void Configure(Leitstand.Alerts.AlertSettings s, string host, int port)
    {
        s.Email.Host = host;
        s.Email.Port = port;
        s.Email.UseStartTls = false;
        s.Email.From = "Leitstand <alerts@leitstand.example.de>";
        s.Email.To = "team@leitstand.example.de; bereitschaft@leitstand.example.de";
    }
}
