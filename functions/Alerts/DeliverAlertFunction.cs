using Leitstand.Alerts;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Alerts;

/// <summary>The alert fan-out: every alert message on the alerts queue (Alerts__Queue) to the team's channels.</summary>
public sealed class DeliverAlertFunction(DeliverAlert deliver)
{
    [Function("DeliverAlert")]
    public Task Run([QueueTrigger("%Alerts:Queue%")] string message, CancellationToken ct) => deliver.ExecuteAsync(message, ct);
}
