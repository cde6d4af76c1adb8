using Leitstand.Alerts;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Alerts;

/// <summary>Every minute: reminders and escalations of unacknowledged incidents, and every delivery that is due.</summary>
public sealed class AlertFollowUpsFunction(RunAlertFollowUps followUps)
{
    [Function("AlertFollowUps")]
    public Task Run([TimerTrigger("15 */1 * * * *")] TimerInfo timer, CancellationToken ct) => followUps.ExecuteAsync(ct);
}
