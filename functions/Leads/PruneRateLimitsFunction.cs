using Leitstand.Leads;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Leads;

/// <summary>Every ten minutes: deletes expired rate-limit windows of the lead form.</summary>
public sealed class PruneRateLimitsFunction(LeadFormRateLimiter rateLimiter)
{
    [Function("PruneRateLimits")]
    public Task Run([TimerTrigger("0 */10 * * * *")] TimerInfo timer, CancellationToken ct) => rateLimiter.PruneAsync(ct);
}
