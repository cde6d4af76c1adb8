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
        var page = HttpMethods.IsPost(req.Method) ? await links.AcknowledgeAsync(token, ct) : await links.ViewAsync(token, ct);
        var headers = req.HttpContext.Response.Headers;
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        headers["X-Content-Type-Options"] = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        var (status, html) = AcknowledgePages.Render(page);
        return new ContentResult { StatusCode = status, ContentType = "text/html; charset=utf-8", Content = html };
    }
}
