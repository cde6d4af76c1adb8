using Leitstand.Alerts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Alerts;

/// <summary>
/// One alert with its deliveries per channel for the team (<c>GET /api/alerts/{id}</c>, <c>#/alerts/&lt;id&gt;</c>),
/// read under the signed-in member's claims (<see cref="TeamApi.RunAsTeamAsync"/>).
/// </summary>
public sealed class GetAlertFunction(GetAlert get)
{
    [Function("GetAlert")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts/{alertId}")] HttpRequest req, string alertId, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            if (!Guid.TryParse(alertId, out var id)) return TeamApi.InvalidId("alert_id");
            return await get.ExecuteAsync(user, id, ct) is { } view ? TeamApi.Json200(view) : TeamApi.NotFound("Diesen Alarm gibt es nicht.");
        });
}
