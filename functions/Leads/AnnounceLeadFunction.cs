using Leitstand.Leads;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Leads;

/// <summary>"Lead captured" (queue Leads__LeadCapturedQueue) becomes the alert "Neuer Lead" for the team.</summary>
public sealed class AnnounceLeadFunction(AnnounceLead announce)
{
    [Function("AnnounceLead")]
    public Task Run([QueueTrigger("%Leads:LeadCapturedQueue%")] string message, CancellationToken ct) => announce.ExecuteAsync(message, ct);
}
