using Leitstand.Kpi;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Kpi;

/// <summary>
/// Every 15 minutes (UTC; Flex Consumption has no WEBSITE_TIME_ZONE): sends last week's digest once Monday
/// 08:00 has passed in Berlin. A missed run needs nothing special: the ledger says the week is still to do.
/// </summary>
public sealed class KpiDigestFunction(SendWeeklyKpiDigest digest)
{
    [Function("KpiWeeklyDigest")]
    public Task Run([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken ct) => digest.RunScheduledAsync(ct);
}
