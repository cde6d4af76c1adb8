using Leitstand.Tasks;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Tasks;

/// <summary>
/// Every 15 minutes (UTC; Flex Consumption has no WEBSITE_TIME_ZONE): the day's list once the Berlin hour
/// has reached the setting, then first contacts for new leads. A missed run (IsPastDue, a host down
/// overnight) needs nothing special: the ledger says the day is still to do.
/// </summary>
public sealed class DailyTasksFunction(GenerateDailyTasks generate)
{
    [Function("DailyTasks")]
    public Task Run([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken ct) => generate.RunScheduledAsync(ct);
}
