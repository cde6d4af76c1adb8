using Leitstand.Monitoring;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Monitoring;

/// <summary>Every minute: agents that went silent, flapping, restarts that did not help.</summary>
public sealed class CheckAgentsFunction(CheckAgents check)
{
    [Function("CheckAgents")]
    public Task Run([TimerTrigger("45 */1 * * * *")] TimerInfo timer, CancellationToken ct) => check.ExecuteAsync(ct);
}
