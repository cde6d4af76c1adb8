using Leitstand.Monitoring;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Monitoring;

/// <summary>Daily at 03:30 UTC: heartbeat history and old status flips past their retention.</summary>
public sealed class PruneMonitoringHistoryFunction(PruneMonitoringHistory prune)
{
    [Function("PruneMonitoringHistory")]
    public Task Run([TimerTrigger("0 30 3 * * *")] TimerInfo timer, CancellationToken ct) => prune.ExecuteAsync(ct);
}
