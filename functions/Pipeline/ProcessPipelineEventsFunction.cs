using Leitstand.Pipeline;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Pipeline;

/// <summary>Every minute: processes the pipeline events the webhook did not (pg_net has no retries).</summary>
public sealed class ProcessPipelineEventsFunction(ProcessPipelineEvents process)
{
    [Function("ProcessPipelineEvents")]
    public Task Run([TimerTrigger("15 */1 * * * *")] TimerInfo timer, CancellationToken ct) => process.ExecuteAsync(ct);
}
