using Dapper;
using Leitstand.Alerts;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>The minute check (public.check_agents): silence, flapping, escalation. Concurrent runs act once.</summary>
public sealed class CheckAgents(NpgsqlDataSource db, AlertOutbox alerts, MonitoringSettings settings, TimeProvider clock)
{
    private const string Sql = "select public.check_agents(@At, @Queue, @FlipsPerHour, make_interval(mins => @EscalateAfterMinutes))";

    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        Guid[] created;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            created = await connection.ExecuteScalarAsync<Guid[]>(new CommandDefinition(Sql, new
            {
                At = clock.GetUtcNow().UtcDateTime,
                Queue = alerts.Queue,
                settings.FlipsPerHour,
                settings.EscalateAfterMinutes,
            }, cancellationToken: ct)) ?? [];
        }
        await alerts.DispatchAsync(created);
        return created.Length;
    }
}
