using Leitstand.Retention;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Retention;

/// <summary>Daily at 03:15 UTC: deletes LOST leads past their deletion date and expired key handovers.</summary>
public sealed class ApplyRetentionFunction(ApplyRetention retention)
{
    [Function("ApplyRetention")]
    public Task Run([TimerTrigger("0 15 3 * * *")] TimerInfo timer, CancellationToken ct) => retention.ExecuteAsync(ct);
}
