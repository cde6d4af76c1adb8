using Leitstand.Privacy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Privacy;

/// <summary>
/// <c>GET /api/leads/{id}/export</c>: Auskunft (DSGVO Art. 15), everything stored about the person as JSON
/// (<see cref="ExportLead"/>); <c>?format=html</c> the same as a German page to print or hand over (server-rendered,
/// no script, strict CSP; <see cref="ExportPage"/>). Team members only; 404 for an unknown lead.
/// </summary>
public sealed class ExportLeadFunction(ExportLead export)
{
    [Function("ExportLead")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "leads/{leadId}/export")] HttpRequest req, string leadId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(leadId, out var id)) return TeamApi.InvalidId("lead_id");
            var format = req.Query["format"].ToString();
            if (format is not ("" or "json" or "html"))
                return TeamApi.Unprocessable(new Dictionary<string, string[]> { ["format"] = ["Erlaubt sind „json“ (Standard) und „html“."] });
            if (await export.ExecuteAsync(user, id, ct) is not { } document) return TeamApi.NotFound("Diesen Lead gibt es nicht.");
            if (format != "html") return TeamApi.Json200(document);
            var headers = req.HttpContext.Response.Headers;
            headers.CacheControl = "no-store";
            headers["Referrer-Policy"] = "no-referrer";
            headers["X-Content-Type-Options"] = "nosniff";
            headers["X-Robots-Tag"] = "noindex";
            headers.ContentSecurityPolicy = ExportPage.ContentSecurityPolicy;
            return new ContentResult { StatusCode = StatusCodes.Status200OK, ContentType = "text/html; charset=utf-8", Content = ExportPage.Render(document) };
        });
}
