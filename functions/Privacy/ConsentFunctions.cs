using Leitstand.Privacy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Privacy;

/// <summary>
/// <c>POST /api/leads/{id}/consent/withdraw</c>: the lead's consent withdrawn (DSGVO Art. 7(3)), recorded and honoured
/// at once (<see cref="WithdrawConsent"/>). For a signed-in team member. Unknown lead → 404; a lead without a consent → 409.
/// </summary>
public sealed class ConsentFunctions(WithdrawConsent withdraw)
{
    [Function("WithdrawConsent")]
    public Task<IActionResult> Withdraw(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "leads/{leadId}/consent/withdraw")] HttpRequest req, string leadId,
        CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(leadId, out var id)) return TeamApi.InvalidId("lead_id");
            return await withdraw.ExecuteAsync(user, id, ct) switch
            {
                WithdrawConsentResult.Withdrawn w => TeamApi.Json200(new { LeadId = id, w.WithdrawnAt, w.TasksCancelled, AlreadyWithdrawn = false }),
                WithdrawConsentResult.AlreadyWithdrawn a => TeamApi.Json200(new { LeadId = id, a.WithdrawnAt, TasksCancelled = 0, AlreadyWithdrawn = true }),
                WithdrawConsentResult.NoConsent => TeamApi.Problem(StatusCodes.Status409Conflict,
                    "Für diesen Lead ist keine Einwilligung erfasst, es gibt nichts zu widerrufen. Widerspricht die Person der Kontaktaufnahme, bitte unter „Widersprüche“ eintragen.",
                    new Dictionary<string, string[]> { ["consent"] = ["Keine Einwilligung erfasst."] }),
                WithdrawConsentResult.NotFound => TeamApi.NotFound("Diesen Lead gibt es nicht."),
                _ => throw new InvalidOperationException("Unexpected result."),
            };
        });
}
