using Leitstand.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Monitoring;

/// <summary>GET /api/agents: every agent not revoked with status, last heartbeat, version and open incidents, for a signed-in team member (under the user's claims).</summary>
public sealed class ListAgentsFunction(ListAgents list)
{
    [Function("ListAgents")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agents")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user => TeamApi.Json200(await list.ExecuteAsync(user, ct)));
}
