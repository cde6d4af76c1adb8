using System.Text.Json;
using Leitstand.Retention;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Retention;

/// <summary>GET /api/retention/runs: the latest 14 retention runs with their counts per rule (team only; status center, Zahlen → Aufbewahrung).</summary>
public sealed class RetentionRunsFunction(ListRetentionRuns runs)
{
    [Function("ListRetentionRuns")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "retention/runs")] HttpRequest req, CancellationToken ct) =>
        TeamApi.RunAsTeamAsync(req, async user =>
        {
            using var json = JsonDocument.Parse(await runs.ExecuteAsync(user, 14, ct));
            return TeamApi.Json200(new { runs = json.RootElement.Clone() });
        });
}
