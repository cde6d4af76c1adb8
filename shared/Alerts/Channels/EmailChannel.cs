using System.Net;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Leitstand.Alerts.Channels;

/// <summary>
/// E-mail through an SMTP relay (MailKit), one connection per message: alerts are rare and a kept-open
/// connection would need its own health handling. A 5xx reply or failed login cannot heal by retrying
/// (permanent); 4xx replies are transient; connection and protocol errors are thrown for
/// <see cref="ResilientChannel"/> to classify as transient.
/// </summary>
public sealed class EmailChannel(AlertSettings settings) : IAlertChannel
{
    public string Key => "email";
    public bool IsConfigured => settings.EmailOn;
    public double MessagesPerSecond => settings.Email.MessagesPerSecond;

    public async Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        var mail = Compose(message, settings);
        using var client = new SmtpClient { Timeout = settings.TimeoutSeconds * 1000 };
        try
        {
            // Port 465 speaks TLS from the first byte; STARTTLS would wait for a greeting that never comes.
            var security = !settings.Email.UseStartTls ? SecureSocketOptions.None
                : settings.Email.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
            await client.ConnectAsync(settings.Email.Host, settings.Email.Port, security, ct);
            if (settings.Email.User.Length > 0) await client.AuthenticateAsync(settings.Email.User, settings.Email.Password, ct);
            await client.SendAsync(mail, ct);
            await client.DisconnectAsync(quit: true, ct);
            return SendOutcome.Ok;
        }
        catch (SmtpCommandException e)
        {
            var error = $"SMTP {(int)e.StatusCode} from email: {AlertText.Truncate(e.Message.ReplaceLineEndings(" "), 200)}";
            return (int)e.StatusCode >= 500 ? new SendOutcome.Permanent(error) : new SendOutcome.Transient(error);
        }
        catch (AuthenticationException)
        {
            // The server's text may echo the user name; the outcome says only what to fix.
            return new SendOutcome.Permanent("SMTP authentication failed (Alerts__Email__User/Password)");
        }
    }

    public static MimeMessage Compose(OutgoingMessage message, AlertSettings settings)
    {
        var from = MailboxAddress.Parse(settings.Email.From);
        var mail = new MimeMessage { Subject = "[Leitstand] " + message.Title };
        mail.From.Add(from);
        foreach (var to in settings.EmailRecipients()) mail.To.Add(MailboxAddress.Parse(to));
        // Derived from the message id, so a repeat after a lost answer carries the same Message-Id (mail clients
        // and filters see the duplicate).
        mail.MessageId = $"{message.MessageId:N}.alert@{Domain(from)}";
        mail.Headers.Add("X-Leitstand-Severity", message.Severity);
        mail.Body = new BodyBuilder { TextBody = PlainText(message), HtmlBody = HtmlText(message) }.ToMessageBody();
        return mail;
    }

    public static string PlainText(OutgoingMessage message)
    {
        var text = new StringBuilder()
            .AppendLine(message.Title)
            .AppendLine($"Schweregrad: {AlertText.SeverityLabel(message.Severity)}");
        foreach (var alert in AlertText.Listed(message))
        {
            text.AppendLine();
            if (message.IsGroup) text.AppendLine(alert.Title);
            text.AppendLine(AlertText.Truncate(alert.Text));
            text.AppendLine($"{AlertText.OpenLabel}: {alert.Link.AbsoluteUri}");
            if (alert.AcknowledgeLink is { } ack) text.AppendLine($"{AlertText.AcknowledgeLabel}: {ack.AbsoluteUri}");
        }
        if (AlertText.MoreLine(message) is { } more) text.AppendLine().AppendLine(more);
        return text.ToString();
    }

    public static string HtmlText(OutgoingMessage message)
    {
        static string H(string s) => WebUtility.HtmlEncode(s);
        static string A(Uri url, string label) => $"<a href=\"{H(url.AbsoluteUri)}\">{H(label)}</a>";
        var html = new StringBuilder("<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"></head><body style=\"font-family:sans-serif\">")
            .Append($"<h2>{H($"{AlertText.SeverityIcon(message.Severity)} {message.Title}")}</h2>")
            .Append($"<p>Schweregrad: <strong>{H(AlertText.SeverityLabel(message.Severity))}</strong></p>");
        foreach (var alert in AlertText.Listed(message))
        {
            html.Append("<div style=\"margin:1em 0\">");
            if (message.IsGroup) html.Append($"<strong>{H(alert.Title)}</strong><br>");
            html.Append($"{H(AlertText.Truncate(alert.Text))}<br>{A(alert.Link, AlertText.OpenLabel)}");
            if (alert.AcknowledgeLink is { } ack) html.Append($" · {A(ack, AlertText.AcknowledgeLabel)}");
            html.Append("</div>");
        }
        if (AlertText.MoreLine(message) is { } more) html.Append($"<p>{H(more)}</p>");
        return html.Append("</body></html>").ToString();
    }

    private static string Domain(MailboxAddress from) =>
        from.Address.LastIndexOf('@') is var at and >= 0 && at < from.Address.Length - 1 ? from.Address[(at + 1)..] : "leitstand.local";
}
