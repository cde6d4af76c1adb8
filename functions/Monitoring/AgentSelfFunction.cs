using Leitstand.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Monitoring;

/// <summary>
/// <c>GET /api/agent/me</c>: an agent asks whether its key is accepted (<c>leitstand-agent doctor</c>), authenticated
/// like the heartbeat (<c>Authorization: Bearer</c> or <c>X-Agent-Key</c>). 200 {agent_id, paused} or 401; records
/// nothing, so it never counts as a heartbeat. Singular <c>agent/</c> on purpose: Azure Functions orders routes by
/// function name, not by precedence, so <c>agents/me</c> could be taken by <c>agents/{agentId}</c>.
/// </summary>
public sealed class AgentSelfFunction(CheckAgentKey check)
{
    [Function("AgentSelf")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agent/me")] HttpRequest req, CancellationToken ct)
    {
        var key = HttpEdge.AgentKey(req);
        if (key is null) return HttpEdge.Problem(StatusCodes.Status401Unauthorized, "Agent-Schlüssel fehlt (Authorization: Bearer oder X-Agent-Key).");
        return await HttpEdge.RunAsync(req, async () => await check.ExecuteAsync(key, ct) is { } agent
            ? HttpEdge.Json(StatusCodes.Status200OK, new { agent_id = agent.AgentId, paused = agent.Paused })
            : HttpEdge.UnknownAgentKey(),
            () => HttpEdge.DatabaseDown("Leitstand ist gerade nicht erreichbar. Bitte in 30 Sekunden erneut versuchen."));
    }
}
