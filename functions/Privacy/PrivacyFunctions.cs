using Leitstand.Privacy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Privacy;

/// <summary>
/// Art. 17 erasure for the team: <c>POST /api/leads/{id}/erase</c> (optional body <c>{"reason": "request"}</c>) and
/// the records, <c>GET /api/erasures</c> (<c>?lead_id=</c>). 200 with the record (also for a lead erased before:
/// nothing changed, <c>already_erased</c> true), 404 unknown lead, 403 non-member, 422 unknown reason.
/// </summary>
public sealed class PrivacyFunctions(EraseLead erase, ListErasures list)
{
    [Function("EraseLead")]
    public Task<IActionResult> Erase(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "leads/{leadId}/erase")] HttpRequest req, string leadId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(leadId, out var id)) return TeamApi.InvalidId("lead_id");
            var read = await TeamApi.ReadJsonAsync(req, ct, new EraseLead.Request(null));
            if (read.Error is not null) return read.Error;
            var (reason, errors) = EraseLead.Validate(read.Value!);
            if (reason is null) return TeamApi.Unprocessable(errors);
            return await erase.ExecuteAsync(user, id, reason, ct) switch
            {
                EraseLeadResult.Done d => TeamApi.Json200(new { Erasure = d.Erasure, AlreadyErased = d.Before }),
                EraseLeadResult.Forbidden => TeamApi.Problem(StatusCodes.Status403Forbidden,
                    "Du bist angemeldet, gehörst aber nicht zum Team. Bitte lass dich freischalten."),
                _ => TeamApi.NotFound("Diesen Lead gibt es nicht."),
            };
        });

    [Function("ListErasures")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "erasures")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            Guid? leadId = null;
            if (req.Query["lead_id"].ToString() is { Length: > 0 } raw)
            {
                if (!Guid.TryParse(raw, out var parsed)) return TeamApi.InvalidId("lead_id");
                leadId = parsed;
            }
            return TeamApi.Json200(new { Erasures = await list.ExecuteAsync(user, leadId, ct) });
        });
}
