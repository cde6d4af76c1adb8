using Leitstand.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Monitoring;

/// <summary>
/// The team's monitoring actions, for a signed-in team member (<see cref="TeamApi.RunAsTeamAsync"/>; the
/// token is the guard, no function key). The incident timeline is read under the user's claims; restart,
/// acknowledge, create and rotate write what role authenticated may not (commands, incident state, key
/// hashes) and run as the functions' role after the membership check (docs/auth.md).
/// </summary>
public sealed class AgentAdminFunctions(RequestRestart restart, AcknowledgeIncident acknowledge, GetIncident getIncident, RotateAgentKey rotate, CreateAgent create)
{
    private const string UnknownAgent = "Diesen Agenten gibt es nicht (oder er ist widerrufen).";

    public sealed record RestartRequest(string? Reason);

    [Function("RequestRestart")]
    public Task<IActionResult> RequestRestart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agents/{agentId}/restart")] HttpRequest req, string agentId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(agentId, out var id)) return TeamApi.InvalidId("agent_id");
            var read = await TeamApi.ReadJsonAsync(req, ct, new RestartRequest(null));
            if (read.Error is not null) return read.Error;
            if (read.Value!.Reason is { Length: > 200 })
                return TeamApi.Invalid(new Dictionary<string, string[]> { ["reason"] = ["Höchstens 200 Zeichen."] });
            return await restart.ExecuteAsync(id, user.DisplayName, read.Value.Reason, ct) switch
            {
                RestartResult.Requested r => TeamApi.Accepted(new { CommandId = r.CommandId, Status = "pending", Note = "Wird mit dem nächsten Heartbeat an den Agenten ausgeliefert." }),
                RestartResult.AlreadyWaiting w => TeamApi.Accepted(new { CommandId = w.CommandId, Status = "already_waiting", Note = "Ein Neustart wartet bereits auf den Agenten." }),
                _ => TeamApi.NotFound(UnknownAgent),
            };
        });

    [Function("AcknowledgeIncident")]
    public Task<IActionResult> Acknowledge(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents/{incidentId}/acknowledge")] HttpRequest req, string incidentId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(incidentId, out var id)) return TeamApi.InvalidId("incident_id");
            return await acknowledge.ExecuteAsync(id, user.DisplayName, ct) switch
            {
                AcknowledgeResult.Acknowledged => TeamApi.Json200(new { Status = "acknowledged" }),
                AcknowledgeResult.AlreadyAcknowledged => TeamApi.Json200(new { Status = "acknowledged", Note = "War bereits übernommen." }),
                AcknowledgeResult.AlreadyResolved => TeamApi.Problem(StatusCodes.Status409Conflict, "Das Incident ist bereits behoben."),
                _ => TeamApi.NotFound("Dieses Incident gibt es nicht."),
            };
        });

    [Function("GetIncident")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "incidents/{incidentId}")] HttpRequest req, string incidentId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(incidentId, out var id)) return TeamApi.InvalidId("incident_id");
            return await getIncident.ExecuteAsync(user, id, ct) is { } view
                ? TeamApi.Json200(view)
                : TeamApi.NotFound("Dieses Incident gibt es nicht.");
        });

    [Function("RotateAgentKey")]
    public Task<IActionResult> Rotate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agents/{agentId}/keys/rotate")] HttpRequest req, string agentId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async _ =>
        {
            if (!Guid.TryParse(agentId, out var id)) return TeamApi.InvalidId("agent_id");
            return await rotate.ExecuteAsync(id, ct) is { } rotated
                ? TeamApi.Json200(new
                {
                    AgentId = id,
                    rotated.Key.Key,
                    KeyPrefix = rotated.Key.DisplayPrefix,
                    PreviousKeyValidUntil = rotated.PreviousKeyValidUntil,
                    Note = "Der neue Schlüssel wird nur dieses eine Mal angezeigt. Der alte gilt bis zum genannten Zeitpunkt weiter.",
                })
                : TeamApi.NotFound(UnknownAgent);
        });

    [Function("CreateAgent")]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agents")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async _ =>
        {
            var read = await TeamApi.ReadJsonAsync<CreateAgent.Request>(req, ct);
            if (read.Error is not null) return read.Error;
            if (CreateAgent.Validate(read.Value!) is { Count: > 0 } errors) return TeamApi.Invalid(errors);
            return await create.ExecuteAsync(read.Value!, ct) is { } created
                ? TeamApi.Created(new { created.AgentId, created.Key, Note = "Der Schlüssel wird nur dieses eine Mal angezeigt." })
                : TeamApi.NotFound("Lead (oder Deal dieses Leads) nicht gefunden.");
        });
}
