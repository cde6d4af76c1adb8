using Dapper;
using Leitstand.Outbox;
using Leitstand.Pipeline;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>The minute check (public.check_agents): silence, flapping, escalation. Concurrent runs act once.</summary>
public sealed class CheckAgents(NpgsqlDataSource db, OutboxDispatcher dispatcher, PipelineSettings pipeline,
    MonitoringSettings settings, TimeProvider clock)
{
    private const string Sql = "select public.check_agents(@At, @Queue, @FlipsPerHour, make_interval(mins => @EscalateAfterMinutes))";

    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        Guid[] alerts;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            alerts = await connection.ExecuteScalarAsync<Guid[]>(new CommandDefinition(Sql, new
            {
                At = clock.GetUtcNow().UtcDateTime,
                Queue = pipeline.AlertsQueue,
                settings.FlipsPerHour,
                settings.EscalateAfterMinutes,
            }, cancellationToken: ct)) ?? [];
        }
        if (alerts.Length > 0) await dispatcher.DispatchAsync(alerts, alerts.Length, CancellationToken.None);
        return alerts.Length;
    }
}
