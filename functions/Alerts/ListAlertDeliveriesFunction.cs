using Leitstand.Alerts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Alerts;

/// <summary>
/// The delivery log for the team (<c>GET /api/alerts/deliveries?state=failed&amp;limit=50</c>), snake_case,
/// read under the signed-in team member's claims (<see cref="TeamApi.RunAsTeamAsync"/>).
/// </summary>
public sealed class ListAlertDeliveriesFunction(ListAlertDeliveries list)
{
    [Function("ListAlertDeliveries")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts/deliveries")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            var state = req.Query["state"].ToString() is { Length: > 0 } s ? s : null;
            if (state is not null && !ListAlertDeliveries.States.Contains(state))
                return TeamApi.Invalid(new Dictionary<string, string[]> { ["state"] = ["Erlaubt: " + string.Join(", ", ListAlertDeliveries.States) + "."] });
            var limit = 100;
            if (req.Query["limit"].ToString() is { Length: > 0 } l && (!int.TryParse(l, out limit) || limit is < 1 or > 500))
                return TeamApi.Invalid(new Dictionary<string, string[]> { ["limit"] = ["Eine Zahl von 1 bis 500."] });
            return TeamApi.Json200(new { Deliveries = await list.ExecuteAsync(user, state, limit, ct) });
        });
}
