using Leitstand.Alerts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Alerts;

/// <summary>
/// The acknowledge link in incident alerts: GET shows a German page with a button, only its POST
/// acknowledges (link previews fetch with GET and acknowledge nothing). The signed token is the
/// authorisation: good for one incident, until it expires.
/// </summary>
public sealed class AcknowledgeLinkFunction(AcknowledgeByLink links)
{
    [Function("AcknowledgeLink")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "alerts/ack/{token}")] HttpRequest req, string token, CancellationToken ct)
    {
        var headers = req.HttpContext.Response.Headers;
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        headers["X-Content-Type-Options"] = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        // The database unreachable: a German page that says to try again (503 with Retry-After), nothing acknowledged.
        return await HttpEdge.RunAsync(req, async () =>
        {
            var page = HttpMethods.IsPost(req.Method) ? await links.AcknowledgeAsync(token, ct) : await links.ViewAsync(token, ct);
            return Html(AcknowledgePages.Render(page));
        }, () => HttpEdge.WithRetryAfter(Html(AcknowledgePages.Unavailable()), 30));
    }

    private static ContentResult Html((int Status, string Html) page) =>
        new() { StatusCode = page.Status, ContentType = "text/html; charset=utf-8", Content = page.Html };
}
