using Leitstand.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Monitoring;

/// <summary>
/// <c>PATCH /api/agents/{id}/workflows/{key}</c>: the team edits a workflow's grace, longest run and (a workflow the client
/// registered) its rhythm in <c>#/agents/&lt;id&gt;</c>. Membership under the user's claims, the write as the functions' role
/// (<see cref="EditWorkflow"/>); 422 with a German message per field, 409 when the workflow changed since the view loaded.
/// </summary>
public sealed class EditWorkflowFunction(EditWorkflow edit)
{
    [Function("EditWorkflow")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "agents/{agentId}/workflows/{workflowKey}")] HttpRequest req,
        string agentId, string workflowKey, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async _ =>
        {
            if (!Guid.TryParse(agentId, out var id)) return TeamApi.InvalidId("agent_id");
            if (!WorkflowCheckInParser.IsWorkflowKey(workflowKey)) return TeamApi.NotFound(UnknownWorkflow);
            var (json, invalid) = await TeamApi.ReadJsonDocumentAsync(req, ct);
            if (invalid is not null) return invalid;
            var (patch, errors) = EditWorkflow.Parse(json);
            if (patch is null) return TeamApi.Unprocessable(errors);
            return await edit.ExecuteAsync(id, workflowKey, patch, ct) switch
            {
                EditWorkflowResult.Edited e => TeamApi.Json200(e.Workflow),
                EditWorkflowResult.Refused r => TeamApi.Unprocessable(new Dictionary<string, string[]> { [r.Field] = [r.Message] }),
                EditWorkflowResult.Stale s => TeamApi.Problem(StatusCodes.Status409Conflict,
                    "Der Workflow wurde inzwischen geändert. Es wurde nichts überschrieben; bitte die Ansicht neu laden und die Änderung erneut eintragen.",
                    new Dictionary<string, string[]> { ["version"] = [$"Der Workflow steht inzwischen auf Version {s.CurrentVersion}, nicht mehr auf {patch.Version}."] },
                    new Dictionary<string, object?> { ["current_version"] = s.CurrentVersion }),
                _ => TeamApi.NotFound(UnknownWorkflow),
            };
        });

    private const string UnknownWorkflow = "Diesen Workflow gibt es bei diesem Agenten nicht (oder der Agent ist widerrufen).";
}
