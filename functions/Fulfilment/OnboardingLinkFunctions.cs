using Leitstand.Fulfilment;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Fulfilment;

/// <summary>
/// The team's side of the onboarding (a signed-in team member, <see cref="TeamApi.RunAsTeamAsync"/>): a link for the
/// customer, revoking it, and reopening submitted answers for changes.
/// </summary>
public sealed class OnboardingLinkFunctions(CreateOnboardingLink create, RevokeOnboardingLink revoke, ReopenOnboarding reopen)
{
    private const string NoLead = "Diesen Lead gibt es nicht.";

    [Function("CreateOnboardingLink")]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "leads/{leadId}/onboarding-link")] HttpRequest req, string leadId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(leadId, out var id)) return TeamApi.InvalidId("lead_id");
            return await create.ExecuteAsync(user, id, ct) switch
            {
                CreateOnboardingLinkResult.Created c => TeamApi.Created(new { url = c.Url, expires_at = c.ExpiresAt }),
                CreateOnboardingLinkResult.NotWon => TeamApi.Problem(StatusCodes.Status422UnprocessableEntity,
                    "Einen Onboarding-Link gibt es erst, wenn der Lead gewonnen ist.",
                    new Dictionary<string, string[]> { ["lead"] = ["Der Lead steht nicht auf „Gewonnen“: Den Fragebogen bekommt erst ein Kunde."] }),
                _ => TeamApi.NotFound(NoLead),
            };
        });

    [Function("RevokeOnboardingLink")]
    public Task<IActionResult> Revoke(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "leads/{leadId}/onboarding-link/revoke")] HttpRequest req, string leadId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(leadId, out var id)) return TeamApi.InvalidId("lead_id");
            return await revoke.ExecuteAsync(user, id, ct)
                ? new NoContentResult()
                : TeamApi.NotFound("Dieser Lead hat keinen gültigen Onboarding-Link.");
        });

    [Function("ReopenOnboarding")]
    public Task<IActionResult> Reopen(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "leads/{leadId}/onboarding/reopen")] HttpRequest req, string leadId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(leadId, out var id)) return TeamApi.InvalidId("lead_id");
            return await reopen.ExecuteAsync(user, id, ct) switch
            {
                ReopenOnboardingResult.Reopened r => TeamApi.Json200(new { state = "draft", template_version = r.TemplateVersion, reopened_at = r.ReopenedAt }),
                ReopenOnboardingResult.NotSubmitted => TeamApi.Problem(StatusCodes.Status409Conflict,
                    "Die Antworten sind nicht abgeschickt; der Kunde kann sie über seinen Link schon bearbeiten.",
                    new Dictionary<string, string[]> { ["state"] = ["Nur abgeschickte Antworten lassen sich zur Bearbeitung öffnen."] }),
                _ => TeamApi.NotFound("Für diesen Lead gibt es noch keine Onboarding-Antworten."),
            };
        });
}
