using Azure.Storage.Queues;
using Dapper;
using Leitstand.Alerts.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Leitstand.Alerts;

/// <summary>
/// The alert fan-out (queue "alerts"): plans the deliveries of the message's alerts to the enabled channels by the routing
/// table, once per alert and channel, then sends what is due. A message the queue delivers twice plans and
/// sends nothing twice. A delivery that waits a little (a grouping window) gets a wake-up: the same message
/// again, invisible until then; longer waits (quiet hours, retries after an outage) are picked up by the
/// minute timer from the database, not by a queue message kept invisible for hours. Database errors are
/// not caught: the queue retries the message, and after maxDequeueCount it lands in "alerts-poison".
/// </summary>
public sealed class DeliverAlert(NpgsqlDataSource db, DeliverDueAlerts deliver, AlertChannels channels, AlertSettings settings,
    QueueServiceClient queues, TimeProvider clock, ILogger<DeliverAlert> log)
{
    /// <summary>Waits up to this long are bridged by a wake-up message; longer ones by the timer.</summary>
    public static readonly TimeSpan MaxWakeUpDelay = TimeSpan.FromMinutes(10);

    private const string PlanSql = "select public.plan_alert_deliveries(@AlertIds, @Channels, @At)";

    public async Task<DeliveryRun> ExecuteAsync(string message, CancellationToken ct)
    {
        var alert = AlertMessage.Parse(message);
        var now = clock.GetUtcNow().UtcDateTime;
        DateTime? wake;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            wake = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(PlanSql,
                new { AlertIds = alert.AlertIds.ToArray(), Channels = channels.Enabled.ToArray(), At = now }, cancellationToken: ct));
        }

        var run = await deliver.ExecuteAsync(ct);
        if (wake is { } due && due - now <= MaxWakeUpDelay)
            await ScheduleWakeUpAsync(message, due - now + TimeSpan.FromMilliseconds(200), ct);
        return run;
    }

    private async Task ScheduleWakeUpAsync(string message, TimeSpan delay, CancellationToken ct)
    {
        try
        {
            var queue = queues.GetQueueClient(settings.Queue);
            // Queue storage counts visibility in whole seconds.
            await queue.SendMessageAsync(message, TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(delay.TotalSeconds))), cancellationToken: ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The delivery is safe in the database: the minute timer sends it when it is due.
            log.LogWarning("Wake-up for a grouped alert not queued ({Error}); the AlertFollowUps timer sends it", ex.Message);
        }
    }
}
