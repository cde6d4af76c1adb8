using Leitstand.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Pipeline;

/// <summary>
/// The status center's pipeline board: the columns per stage and a lead's move to another stage, for a signed-in
/// team member under the user's claims (<see cref="TeamApi.RunAsTeamAsync"/>).
/// </summary>
public sealed class PipelineFunctions(ListPipeline list, MoveLeadStage move, ListLeadStages stages, ListLostReasons lostReasons, TimeProvider clock)
{
    [Function("ListLeadStages")]
    public Task<IActionResult> Stages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "stages")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user => TeamApi.Json200(new { Stages = await stages.ExecuteAsync(user, ct), LostReasons = await lostReasons.ExecuteAsync(user, ct) }));

    [Function("ListPipeline")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pipeline")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user => TeamApi.Json200(await list.ExecuteAsync(user, ct)));

    [Function("MoveLeadStage")]
    public Task<IActionResult> Move(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "leads/{leadId}/stage")] HttpRequest req, string leadId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(leadId, out var id)) return TeamApi.InvalidId("lead_id");
            var read = await TeamApi.ReadJsonAsync<MoveLeadStage.Request>(req, ct);
            if (read.Error is not null) return read.Error;
            var (valid, errors) = await move.ValidateAsync(user, read.Value!, clock.GetUtcNow(), ct);
            if (valid is null) return TeamApi.Invalid(errors);
            return await move.ExecuteAsync(user, id, valid, ct) switch
            {
                MoveLeadStageResult.Moved { DealId: { } dealId } m => TeamApi.Json200(new { m.LeadId, m.FromStage, m.ToStage, m.StageLabel, m.StageChangedAt, DealId = dealId }),
                MoveLeadStageResult.Moved m => TeamApi.Json200(new { m.LeadId, m.FromStage, m.ToStage, m.StageLabel, m.StageChangedAt }),
                MoveLeadStageResult.Stale s => TeamApi.Problem(StatusCodes.Status409Conflict,
                    $"Der Lead steht inzwischen in „{s.CurrentLabel}“: Jemand hat ihn verschoben. Es wurde nichts geändert; bitte die Ansicht neu laden.",
                    new Dictionary<string, string[]> { ["from_stage"] = [$"Der Lead steht inzwischen in „{s.CurrentLabel}“, nicht mehr in der gezeigten Stufe."] },
                    new Dictionary<string, object?> { ["current_stage"] = s.CurrentStage, ["current_stage_label"] = s.CurrentLabel }),
                MoveLeadStageResult.Refused r => TeamApi.Problem(StatusCodes.Status422UnprocessableEntity, r.Title,
                    new Dictionary<string, string[]> { [r.Field] = [r.Message] }),
                _ => TeamApi.NotFound("Diesen Lead gibt es nicht."),
            };
        });
}
