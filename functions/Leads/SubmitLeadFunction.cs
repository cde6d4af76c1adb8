using Leitstand.Leads;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Leads;

/// <summary><c>POST /api/leads</c>: the landing page's form (HTML form or JSON). Anonymous.</summary>
public sealed class SubmitLeadFunction(SubmitLead submitLead, LeadCaptureSettings settings)
{
    [Function("SubmitLead")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "leads")] HttpRequest req,
        CancellationToken ct)
    {
        var http = new LeadHttp(settings);
        if (http.RejectOrigin(req) is { } corsAnswer) return corsAnswer;
        var read = await http.ReadAsync(req, ct);
        if (read.Error is not null) return read.Error;
        // The database unreachable: nothing was stored; the sender is told to try again (its own page for a form post).
        return await HttpEdge.RunAsync(req,
            async () => http.Map(await submitLead.ExecuteAsync(read.Request!, ct), read.Request!.IsFormPost),
            () => http.Unavailable(read.Request!.IsFormPost));
    }
}
