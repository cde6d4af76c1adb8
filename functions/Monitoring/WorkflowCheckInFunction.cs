using Leitstand.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Monitoring;

/// <summary>
/// <c>POST /api/workflows/{workflow}/checkins</c>: an agent reports a run of one of its workflows (in the manner of a cron
/// monitor), authenticated by its key like the heartbeat (<c>Authorization: Bearer</c> or <c>X-Agent-Key</c>).
/// 202 with the check-in id; German 4xx per field.
/// </summary>
public sealed class WorkflowCheckInFunction(WorkflowCheckIn checkIn, MonitoringSettings settings)
{
    [Function("WorkflowCheckIn")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workflows/{workflow}/checkins")] HttpRequest req,
        string workflow, CancellationToken ct)
    {
        var key = HttpEdge.AgentKey(req);
        if (key is null) return HttpEdge.Problem(StatusCodes.Status401Unauthorized, "Agent-Schlüssel fehlt (Authorization: Bearer oder X-Agent-Key).");
        if (!WorkflowCheckInParser.IsWorkflowKey(workflow))
            return HttpEdge.Problem(StatusCodes.Status400BadRequest, "Ungültiger Check-in.", new Dictionary<string, string[]>
            {
                ["workflow"] = ["Der Schlüssel des Workflows: 1 bis 64 Zeichen aus a–z, Ziffern, - und _, z. B. \"rechnungen-pruefen\"."],
            });

        var (body, tooLarge) = await HttpEdge.ReadTextAsync(req, settings.MaxBodyBytes, WorkflowCheckInParser.OnlyRunData, ct);
        if (tooLarge is not null) return tooLarge;
        var parsed = WorkflowCheckInParser.Parse(body);
        if (parsed.CheckIn is null) return HttpEdge.Refused(parsed.Malformed, "Ungültiger Check-in.", WorkflowCheckInParser.OnlyRunData, parsed.Errors);

        return await HttpEdge.RunAsync(req, async () => await checkIn.ExecuteAsync(key, workflow, parsed.CheckIn, ct) switch
        {
            WorkflowCheckInResult.Accepted a => HttpEdge.Json(StatusCodes.Status202Accepted, new
            {
                status = a.Paused ? "paused" : "accepted",
                check_in_id = a.CheckInId,
                workflow,
                version = WorkflowCheckInParser.Version,
            }),
            WorkflowCheckInResult.UnknownWorkflow => HttpEdge.Problem(StatusCodes.Status422UnprocessableEntity, "Unbekannter Workflow.",
                new Dictionary<string, string[]> { ["schedule"] = ["Diesen Workflow kennt der Leitstand noch nicht: Beim ersten Check-in bitte den Zeitplan mitsenden (\"schedule\")."] }),
            WorkflowCheckInResult.TooMany => HttpEdge.Problem(StatusCodes.Status422UnprocessableEntity, "Zu viele Workflows.",
                new Dictionary<string, string[]> { ["workflow"] = [$"Ein Agent kann höchstens {WorkflowCheckIn.MaxWorkflowsPerAgent} Workflows melden."] }),
            _ => HttpEdge.UnknownAgentKey(),
        }, HttpEdge.SendAgainLater);
    }
}
