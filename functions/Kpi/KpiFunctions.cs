using System.Text.Json;
using Leitstand.Kpi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Kpi;

/// <summary>
/// The KPI board for the team: GET /api/kpi?week=2026-W48 or ?month=2026-11 (none: the current week in
/// Berlin). Team only: a signed-in team member (TeamApi.RunAsTeamAsync); the board is read under the user's
/// claims, so the RLS policies guard it.
/// </summary>
public sealed class KpiFunctions(GetKpiBoard board, TimeProvider clock)
{
    [Function("GetKpiBoard")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "kpi")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            var errors = new Dictionary<string, string[]>();
            var period = KpiPeriod.Parse(req.Query["week"].ToString(), req.Query["month"].ToString(), clock.GetUtcNow().UtcDateTime, errors);
            if (period is null) return TeamApi.Invalid(errors);
            using var json = JsonDocument.Parse(await board.ExecuteAsync(user, period, ct));
            return TeamApi.Json200(json.RootElement.Clone());
        });
}
