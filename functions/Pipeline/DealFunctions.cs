using Leitstand.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Pipeline;

/// <summary>
/// A lead's deals for the status center (<c>#/leads/&lt;id&gt;</c>, <c>#/deals/&lt;id&gt;</c>): the packages a deal is made
/// from, create one from a package, read it with its history, correct it. For a signed-in team member under the user's claims
/// (<see cref="TeamApi.RunAsTeamAsync"/>); the deal rules' refusals are 422 at their field.
/// </summary>
public sealed class DealFunctions(CreateDeal create, GetDeal get, CorrectDeal correct, ListPackages packages)
{
    private const string UnknownDeal = "Diesen Deal gibt es nicht.";

    [Function("ListPackages")]
    public Task<IActionResult> Packages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "packages")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user => TeamApi.Json200(new { Packages = await packages.ExecuteAsync(user, ct) }));

    [Function("CreateDeal")]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "leads/{leadId}/deals")] HttpRequest req, string leadId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(leadId, out var id)) return TeamApi.InvalidId("lead_id");
            var read = await TeamApi.ReadJsonAsync<CreateDeal.Request>(req, ct);
            if (read.Error is not null) return read.Error;
            var (deal, errors) = CreateDeal.Validate(read.Value!);
            if (deal is null) return TeamApi.Invalid(errors);
            return await create.ExecuteAsync(user, id, deal, ct) switch
            {
                CreateDealResult.Created c => TeamApi.Created(c.Deal),
                CreateDealResult.Refused r => Refused(r.Field, r.Message),
                _ => TeamApi.NotFound("Diesen Lead gibt es nicht."),
            };
        });

    [Function("GetDeal")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "deals/{dealId}")] HttpRequest req, string dealId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(dealId, out var id)) return TeamApi.InvalidId("deal_id");
            return await get.ExecuteAsync(user, id, ct) is { } view ? TeamApi.Json200(view) : TeamApi.NotFound(UnknownDeal);
        });

    [Function("CorrectDeal")]
    public Task<IActionResult> Correct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "deals/{dealId}")] HttpRequest req, string dealId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(dealId, out var id)) return TeamApi.InvalidId("deal_id");
            var read = await TeamApi.ReadJsonAsync<CorrectDeal.Request>(req, ct);
            if (read.Error is not null) return read.Error;
            var (correction, errors) = CorrectDeal.Validate(read.Value!);
            if (correction is null) return TeamApi.Invalid(errors);
            return await correct.ExecuteAsync(user, id, correction, ct) switch
            {
                CorrectDealResult.Corrected c => TeamApi.Json200(c.Deal),
                CorrectDealResult.Refused r => Refused(r.Field, r.Message),
                CorrectDealResult.Stale => TeamApi.Problem(StatusCodes.Status409Conflict,
                    "Jemand hat den Deal inzwischen geändert. Es wurde nichts geändert; bitte die Ansicht neu laden."),
                _ => TeamApi.NotFound(UnknownDeal),
            };
        });

    private static IActionResult Refused(string field, string message) =>
        TeamApi.Problem(StatusCodes.Status422UnprocessableEntity, message, new Dictionary<string, string[]> { [field] = [message] });
}
