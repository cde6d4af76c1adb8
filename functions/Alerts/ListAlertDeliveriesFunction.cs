using System.Text.Json;
using Leitstand.Alerts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Alerts;

/// <summary>
/// The delivery log for the team (<c>GET /api/alerts/deliveries?state=failed&amp;limit=50</c>), snake_case.
/// Team only: the function key in Azure until team sign-in exists.
/// </summary>
public sealed class ListAlertDeliveriesFunction(ListAlertDeliveries list)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    [Function("ListAlertDeliveries")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "alerts/deliveries")] HttpRequest req, CancellationToken ct)
    {
        var state = req.Query["state"].ToString() is { Length: > 0 } s ? s : null;
        if (state is not null && !ListAlertDeliveries.States.Contains(state))
            return new BadRequestObjectResult(new { title = "Bitte prüfe die Angaben.", errors = new { state = new[] { "Erlaubt: " + string.Join(", ", ListAlertDeliveries.States) + "." } } });
        var limit = 100;
        if (req.Query["limit"].ToString() is { Length: > 0 } l && (!int.TryParse(l, out limit) || limit is < 1 or > 500))
            return new BadRequestObjectResult(new { title = "Bitte prüfe die Angaben.", errors = new { limit = new[] { "Eine Zahl von 1 bis 500." } } });
        var rows = await list.ExecuteAsync(state, limit, ct);
        return new JsonResult(new { deliveries = rows }, Json);
    }
}
