using Leitstand.Outbox;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Outbox;

/// <summary>Every minute: sends outbox messages that could not be sent right after their commit (queue down).</summary>
public sealed class ResendOutboxFunction(OutboxDispatcher dispatcher)
{
    [Function("ResendOutbox")]
    public Task Run([TimerTrigger("30 */1 * * * *")] TimerInfo timer, CancellationToken ct) =>
        dispatcher.DispatchAsync(null, 500, ct);
}
