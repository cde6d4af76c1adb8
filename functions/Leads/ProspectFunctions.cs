using Leitstand.Leads;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Leads;

/// <summary>
/// <c>POST /api/prospects</c>: the team adds a prospect from its outreach; a signed-in team member, under
/// the user's claims (<see cref="TeamApi.RunAsTeamAsync"/>).
/// </summary>
public sealed class ProspectFunctions(AddProspect addProspect, TimeProvider clock)
{
    [Function("AddProspect")]
    public Task<IActionResult> Add(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "prospects")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            var read = await TeamApi.ReadJsonAsync<ProspectValidator.Request>(req, ct);
            if (read.Error is not null) return read.Error;
            var validation = ProspectValidator.Validate(read.Value!, clock.GetUtcNow());
            if (validation.Prospect is null) return TeamApi.Invalid(validation.Errors);
            return await addProspect.ExecuteAsync(user, validation.Prospect, ct) switch
            {
                AddProspectResult.Added added => TeamApi.Created(new { added.LeadId, added.FirstContactTaskId }),
                AddProspectResult.Duplicate { Field: "email" } d => Duplicate(d, "email", "Einen Lead mit dieser E-Mail-Adresse gibt es schon."),
                AddProspectResult.Duplicate d => Duplicate(d, "handle", "Einen Lead mit diesem Handle auf diesem Kanal gibt es schon."),
                AddProspectResult.Objected o => TeamApi.Problem(StatusCodes.Status422UnprocessableEntity,
                    "Diese Person hat der Kontaktaufnahme widersprochen. Es wurde nichts gespeichert.",
                    o.Fields.ToDictionary(field => field, _ => new[] { Leitstand.Privacy.ObjectionHashes.RefusalMessage })),
                _ => throw new InvalidOperationException("Unexpected result."),
            };
        });

    private static IActionResult Duplicate(AddProspectResult.Duplicate duplicate, string field, string message) =>
        TeamApi.Problem(StatusCodes.Status409Conflict, message + " Es wurde nichts geändert.",
            new Dictionary<string, string[]> { [field] = [message] },
            new Dictionary<string, object?> { ["existing_lead_id"] = duplicate.ExistingLeadId });
}
