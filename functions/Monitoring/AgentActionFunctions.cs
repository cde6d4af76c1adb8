using Leitstand.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Monitoring;

/// <summary>
/// The agent page's actions (<c>#/agents/&lt;id&gt;</c>) and its detail, for a signed-in team member under the
/// user's claims (<see cref="TeamApi.RunAsTeamAsync"/>): pause, resume, snooze, maintenance window. Restart, key
/// rotation and key handover: <see cref="AgentAdminFunctions"/>, <see cref="RevealAgentKeyFunction"/>.
/// </summary>
public sealed class AgentActionFunctions(GetAgent get, PauseAgent pause, SnoozeAgent snooze, AddMaintenanceWindow maintenance, TimeProvider clock)
{
    private const string UnknownAgent = "Diesen Agenten gibt es nicht (oder er ist widerrufen).";

    [Function("GetAgent")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agents/{agentId}")] HttpRequest req, string agentId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(agentId, out var id)) return TeamApi.InvalidId("agent_id");
            return await get.ExecuteAsync(user, id, ct) is { } detail ? TeamApi.Json200(detail) : TeamApi.NotFound("Diesen Agenten gibt es nicht.");
        });

    [Function("PauseAgent")]
    public Task<IActionResult> Pause(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agents/{agentId}/pause")] HttpRequest req, string agentId, CancellationToken ct) =>
        SetPausedAsync(req, agentId, true, "War bereits pausiert.", ct);

    [Function("ResumeAgent")]
    public Task<IActionResult> Resume(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agents/{agentId}/resume")] HttpRequest req, string agentId, CancellationToken ct) =>
        SetPausedAsync(req, agentId, false, "War nicht pausiert.", ct);

    private Task<IActionResult> SetPausedAsync(HttpRequest req, string agentId, bool paused, string unchangedNote, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(agentId, out var id)) return TeamApi.InvalidId("agent_id");
            return await pause.ExecuteAsync(user, id, paused, ct) switch
            {
                PauseAgentResult.Changed c => TeamApi.Json200(new { AgentId = id, Paused = paused, c.Status }),
                PauseAgentResult.Unchanged u => TeamApi.Json200(new { AgentId = id, Paused = paused, u.Status, Note = unchangedNote }),
                _ => TeamApi.NotFound(UnknownAgent),
            };
        });

    [Function("SnoozeAgent")]
    public Task<IActionResult> Snooze(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agents/{agentId}/snooze")] HttpRequest req, string agentId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(agentId, out var id)) return TeamApi.InvalidId("agent_id");
            var read = await TeamApi.ReadJsonAsync<SnoozeAgent.Request>(req, ct);
            if (read.Error is not null) return read.Error;
            var (until, status, message) = SnoozeAgent.Validate(read.Value!, clock.GetUtcNow());
            if (until is null)
            {
                var errors = new Dictionary<string, string[]> { ["until"] = [message!] };
                return status == StatusCodes.Status400BadRequest ? TeamApi.Invalid(errors) : TeamApi.Problem(status, message!, errors);
            }
            return await snooze.ExecuteAsync(user, id, until.Value, ct) is { } snoozed
                ? TeamApi.Json200(new { AgentId = id, SnoozedUntil = snoozed, Note = "Bis dahin entstehen für diesen Agenten keine neuen Incidents." })
                : TeamApi.NotFound(UnknownAgent);
        });

    [Function("AddMaintenanceWindow")]
    public Task<IActionResult> AddMaintenanceWindow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agents/{agentId}/maintenance-windows")] HttpRequest req, string agentId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(agentId, out var id)) return TeamApi.InvalidId("agent_id");
            var read = await TeamApi.ReadJsonAsync<AddMaintenanceWindow.Request>(req, ct);
            if (read.Error is not null) return read.Error;
            var (window, status, errors) = Leitstand.Monitoring.AddMaintenanceWindow.Validate(read.Value!, clock.GetUtcNow());
            if (window is null)
                return status == StatusCodes.Status400BadRequest
                    ? TeamApi.Invalid(errors)
                    : TeamApi.Problem(status, "Dieses Wartungsfenster geht so nicht.", errors);
            return await maintenance.ExecuteAsync(user, id, window, ct) is { } windowId
                ? TeamApi.Created(new { Id = windowId, AgentId = id, window.StartsAt, window.EndsAt, window.Reason })
                : TeamApi.NotFound(UnknownAgent);
        });
}
