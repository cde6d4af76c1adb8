using System.Text.Json;
using Leitstand.Kpi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Kpi;

/// <summary>
/// The KPI board for the team: GET /api/kpi?week=2026-W48 or ?month=2026-11 (none: the current week in
/// Berlin). Team only: in Azure it needs the function key (x-functions-key) until team sign-in exists.
/// </summary>
public sealed class KpiFunctions(GetKpiBoard board, TimeProvider clock)
{
    [Function("GetKpiBoard")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "kpi")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsync(async () =>
        {
            var errors = new Dictionary<string, string[]>();
            var period = KpiPeriod.Parse(req.Query["week"].ToString(), req.Query["month"].ToString(), clock.GetUtcNow().UtcDateTime, errors);
            if (period is null) return TeamApi.Invalid(errors);
            using var json = JsonDocument.Parse(await board.ExecuteAsync(period, ct));
            return TeamApi.Json200(json.RootElement.Clone());
        });
}
