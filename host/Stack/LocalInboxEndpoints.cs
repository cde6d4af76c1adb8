using System.Net;
using System.Text;
using System.Text.Json;
using Leitstand.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Leitstand.LocalHost.Stack;

/// <summary>
/// /admin/inbox (German page, refreshes every 5 s), /admin/inbox.json (snake_case) and
/// POST /admin/inbox/webhook. Local host only: the Azure app has no /admin routes.
/// </summary>
public static class LocalInboxEndpoints
{
    private static readonly JsonSerializerOptions Json = JsonConvention.Default;
    private static readonly JsonSerializerOptions Pretty = new(JsonConvention.Default) { WriteIndented = true };

    public static void MapLocalInbox(this WebApplication app, LocalInbox inbox)
    {
        app.MapGet("/admin/inbox.json", () => Results.Json(new { emails = inbox.Emails, webhooks = inbox.Webhooks }, Json));

        app.MapGet("/admin/inbox", async (HttpContext context) =>
        {
            string? deliveryLog = null;
            if (inbox.DeliveryLog is { } log)
            {
                try { deliveryLog = await log(context.RequestServices, context.RequestAborted); }
                catch (Exception ex) when (ex is not OperationCanceledException) { deliveryLog = $"<p class=\"muted\">Zustellprotokoll nicht lesbar: {E(ex.Message)}</p>"; }
            }
            context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
            context.Response.Headers.CacheControl = "no-store";
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(RenderPage(inbox, deliveryLog), context.RequestAborted);
        });

        app.MapPost("/admin/inbox/webhook", async (HttpRequest request, IConfiguration configuration) =>
        {
            if (request.ContentLength > LocalInbox.MaxWebhookBytes)
                return Results.Json(new { title = "Webhook zu groß." }, statusCode: StatusCodes.Status413PayloadTooLarge);
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            if (buffer.Length > LocalInbox.MaxWebhookBytes)
                return Results.Json(new { title = "Webhook zu groß." }, statusCode: StatusCodes.Status413PayloadTooLarge);
            var body = Encoding.UTF8.GetString(buffer.ToArray());
            return inbox.ReceiveWebhook(configuration["Alerts:Webhook:Secret"], request.Headers["webhook-id"], request.Headers["webhook-timestamp"],
                    request.Headers["webhook-signature"], body) switch
            {
                LocalInbox.WebhookVerdict.Accepted => Results.Json(new { status = "received" }),
                LocalInbox.WebhookVerdict.Duplicate => Results.Json(new { status = "duplicate", note = "Diese webhook-id wurde schon empfangen." }),
                _ => Results.Json(new { title = "Signatur ungültig oder Zeitstempel älter als 5 Minuten (Standard Webhooks, Alerts__Webhook__Secret)." },
                    statusCode: StatusCodes.Status401Unauthorized),
            };
        });
    }

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    private static string Time(DateTimeOffset at) =>
        at.ToLocalTime().ToString("dd.MM.yyyy HH:mm:ss", System.Globalization.CultureInfo.GetCultureInfo("de-DE"));

    public static string RenderPage(LocalInbox inbox, string? deliveryLogHtml)
    {
        var emails = inbox.Emails;
        var webhooks = inbox.Webhooks;
        var html = new StringBuilder();
        html.Append("""
            <!doctype html>
            <html lang="de">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="refresh" content="5">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Alert-Posteingang (lokal)</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1f24}
            h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccd}
            article{border:1px solid #dde;border-radius:6px;padding:.75rem 1rem;margin:.75rem 0}
            .meta,.muted{color:#667;font-size:.9rem}pre{white-space:pre-wrap;word-break:break-word;background:#f5f6f8;padding:.5rem;border-radius:4px}
            .ok{color:#176b2c;font-weight:600}
            </style>
            </head>
            <body>
            <h1>Alert-Posteingang (nur lokal)</h1>
            <p class="muted">E-Mails an den SMTP-Sink auf 127.0.0.1 und signierte Webhooks an <code>/admin/inbox/webhook</code>,
            neueste zuerst (je höchstens 200). Die Seite lädt sich alle 5 Sekunden neu; als JSON: <a href="/admin/inbox.json">/admin/inbox.json</a>.</p>
            """);
        html.Append("<h2>E-Mails (").Append(emails.Count).Append(")</h2>\n");
        if (emails.Count == 0) html.Append("<p class=\"muted\">Noch keine E-Mail empfangen.</p>\n");
        foreach (var mail in emails)
        {
            html.Append("<article><div class=\"meta\">").Append(E(Time(mail.ReceivedAt))).Append(" · von ").Append(E(mail.From))
                .Append(" an ").Append(E(string.Join(", ", mail.To))).Append("</div>\n<h3>").Append(E(mail.Subject)).Append("</h3>\n<pre>")
                .Append(E(mail.TextBody)).Append("</pre>\n");
            if (mail.Links.Count > 0)
            {
                html.Append("<ul>");
                foreach (var link in mail.Links) html.Append("<li><a href=\"").Append(E(link)).Append("\">").Append(E(link)).Append("</a></li>");
                html.Append("</ul>\n");
            }
            if (mail.File is not null) html.Append("<div class=\"meta\">Datei: ").Append(E(mail.File)).Append("</div>\n");
            html.Append("</article>\n");
        }

        html.Append("<h2>Webhooks (").Append(webhooks.Count).Append(")</h2>\n");
        if (webhooks.Count == 0) html.Append("<p class=\"muted\">Noch kein Webhook empfangen.</p>\n");
        foreach (var hook in webhooks)
        {
            html.Append("<article><div class=\"meta\">").Append(E(Time(hook.ReceivedAt))).Append(" · webhook-id ").Append(E(hook.WebhookId))
                .Append(" · Signatur ").Append(hook.SignatureOk ? "<span class=\"ok\">gültig</span>" : "ungültig").Append("</div>\n<pre>")
                .Append(E(JsonSerializer.Serialize(hook.Payload, Pretty))).Append("</pre></article>\n");
        }

        // Extension point: LocalInbox.DeliveryLog fills this section (the database delivery log).
        html.Append("<h2>Zustellprotokoll</h2>\n")
            .Append(deliveryLogHtml ?? "<p class=\"muted\">Noch nicht angebunden (LocalInbox.DeliveryLog).</p>")
            .Append("\n</body>\n</html>\n");
        return html.ToString();
    }
}
