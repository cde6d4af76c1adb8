using Leitstand.Monitoring;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Monitoring;

/// <summary>Every minute: workflow runs that were missed or run too long (the next expected start in Europe/Berlin).</summary>
public sealed class CheckWorkflowsFunction(CheckWorkflows check)
{
    [Function("CheckWorkflows")]
    public Task Run([TimerTrigger("15 */1 * * * *")] TimerInfo timer, CancellationToken ct) => check.ExecuteAsync(ct);
}
