using Dapper;
using Npgsql;

namespace Leitstand.Alerts;

/// <summary>
/// The minute timer of alert delivery: reminders for open, unacknowledged incidents and escalations of
/// critical ones (public.alert_follow_ups, idempotent), then every delivery that is due (retries after an
/// outage, the end of quiet hours, groups whose wake-up was lost, sends interrupted by a crash).
/// </summary>
public sealed class RunAlertFollowUps(NpgsqlDataSource db, AlertOutbox outbox, DeliverDueAlerts deliver, TimeProvider clock)
{
    private const string Sql = "select public.alert_follow_ups(@Queue, @At)";

    public async Task<AlertFollowUpsResult> ExecuteAsync(CancellationToken ct)
    {
        Guid[] created;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            created = await connection.ExecuteScalarAsync<Guid[]>(new CommandDefinition(Sql,
                new { outbox.Queue, At = clock.GetUtcNow().UtcDateTime }, cancellationToken: ct)) ?? [];
        }
        await outbox.DispatchAsync(created);
        var run = await deliver.ExecuteAsync(ct);
        return new AlertFollowUpsResult(created.Length, run);
    }
}

public sealed record AlertFollowUpsResult(int FollowUpsCreated, DeliveryRun Run);
