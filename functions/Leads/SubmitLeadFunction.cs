using Leitstand.Leads;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Npgsql;

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
        try
        {
            var result = await submitLead.ExecuteAsync(read.Request!, ct);
            return http.Map(result, read.Request!.IsFormPost);
        }
        catch (NpgsqlException ex) when (ex.IsTransient || ex.InnerException is System.Net.Sockets.SocketException or TimeoutException)
        {
            // Nothing was stored; the sender is told to try again rather than shown a bare 500.
            return http.Unavailable(read.Request!.IsFormPost);
        }
    }
}
