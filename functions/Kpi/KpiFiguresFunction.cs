using Leitstand.Kpi;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Kpi;

/// <summary>Every 15 minutes: keeps the figures of weeks and months that have ended, for a fast board.</summary>
public sealed class KpiFiguresFunction(KeepKpiFigures keep)
{
    [Function("KpiFigures")]
    public Task Run([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken ct) => keep.ExecuteAsync(ct);
}
