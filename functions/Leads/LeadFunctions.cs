using Leitstand.Leads;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Leads;

/// <summary>
/// The lead workbench's API: the lead list with search, one lead with everything about it, and corrections of its
/// contact data; for a signed-in team member, under the user's claims (<see cref="TeamApi.RunAsTeamAsync"/>).
/// Well-formed requests with values the rules refuse are 422 (German message per field).
/// </summary>
public sealed class LeadFunctions(SearchLeads search, GetLead get, EditLead edit)
{
    [Function("SearchLeads")]
    public Task<IActionResult> Search(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "leads")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            var (query, errors) = await search.ValidateAsync(user, req.Query["q"], req.Query["stage"], req.Query["source"], req.Query["cursor"], ct);
            if (query is null) return TeamApi.Unprocessable(errors);
            return TeamApi.Json200(await search.ExecuteAsync(user, query, ct));
        });

    [Function("GetLead")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "leads/{leadId}")] HttpRequest req, string leadId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(leadId, out var id)) return TeamApi.InvalidId("lead_id");
            return await get.ExecuteAsync(user, id, ct) is { } lead ? TeamApi.Json200(lead) : TeamApi.NotFound("Diesen Lead gibt es nicht.");
        });

    [Function("EditLead")]
    public Task<IActionResult> Edit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "leads/{leadId}")] HttpRequest req, string leadId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(leadId, out var id)) return TeamApi.InvalidId("lead_id");
            var (json, invalid) = await TeamApi.ReadJsonDocumentAsync(req, ct);
            if (invalid is not null) return invalid;
            var (patch, errors) = EditLead.Parse(json);
            if (patch is null) return TeamApi.Unprocessable(errors);
            return await edit.ExecuteAsync(user, id, patch, ct) switch
            {
                EditLeadResult.Edited e => TeamApi.Json200(e.Lead),
                EditLeadResult.Stale s => TeamApi.Problem(StatusCodes.Status409Conflict,
                    "Jemand hat die Kontaktdaten inzwischen geändert. Es wurde nichts überschrieben; bitte die Ansicht neu laden und die Änderung erneut eintragen.",
                    new Dictionary<string, string[]> { ["version"] = [$"Die Kontaktdaten stehen inzwischen auf Version {s.CurrentVersion}, nicht mehr auf {patch.Version}."] },
                    new Dictionary<string, object?> { ["current_version"] = s.CurrentVersion }),
                EditLeadResult.Invalid i => TeamApi.Unprocessable(i.Errors),
                EditLeadResult.Duplicate { Field: "email" } d => Duplicate(d, "Einen anderen Lead mit dieser E-Mail-Adresse gibt es schon."),
                EditLeadResult.Duplicate d => Duplicate(d, "Einen anderen Lead mit diesem Handle auf diesem Kanal gibt es schon."),
                _ => TeamApi.NotFound("Diesen Lead gibt es nicht."),
            };
        });

    private static IActionResult Duplicate(EditLeadResult.Duplicate duplicate, string message) =>
        TeamApi.Problem(StatusCodes.Status409Conflict, message + " Es wurde nichts geändert.",
            new Dictionary<string, string[]> { [duplicate.Field] = [message] },
            new Dictionary<string, object?> { ["existing_lead_id"] = duplicate.ExistingLeadId });
}
