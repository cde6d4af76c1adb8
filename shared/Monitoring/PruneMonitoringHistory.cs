using Dapper;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>Heartbeat history is kept for HeartbeatRetentionDays, status flips for FlipRetentionDays.</summary>
public sealed class PruneMonitoringHistory(NpgsqlDataSource db, MonitoringSettings settings, TimeProvider clock)
{
    private const string Sql = """
        with heartbeats as (
          delete from public.agent_heartbeats where received_at < @At::timestamptz - make_interval(days => @HeartbeatDays) returning 1
        ), flips as (
          delete from public.agent_status_flips where flipped_at < @At::timestamptz - make_interval(days => @FlipDays) returning 1
        )
        select (select count(*) from heartbeats)::int, (select count(*) from flips)::int
        """;

    public async Task<(int Heartbeats, int Flips)> ExecuteAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<(int, int)>(new CommandDefinition(Sql, new
        {
            At = clock.GetUtcNow().UtcDateTime, HeartbeatDays = settings.HeartbeatRetentionDays, FlipDays = settings.FlipRetentionDays,
        }, cancellationToken: ct));
    }
}
