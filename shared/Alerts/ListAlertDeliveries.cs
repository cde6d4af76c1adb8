using Dapper;
using Npgsql;

namespace Leitstand.Alerts;

/// <summary>The delivery log, newest first: per alert and channel its state, attempts, last error (failed ones visible).</summary>
public sealed class ListAlertDeliveries(NpgsqlDataSource db)
{
    private const string Sql = """
        select a.id as alertid, a.kind, a.severity::text as severity, a.title, a.subject_type as subjecttype, a.subject_id as subjectid,
               a.occurred_at as occurredat, d.channel::text as channel, d.state::text as state, d.attempts, d.due_at as dueat,
               d.delivered_at as deliveredat, d.last_error as lasterror, d.batch_id as batchid
        from public.alert_deliveries d
        join public.alerts a on a.id = d.alert_id
        where (@State::text is null or d.state::text = @State)
        order by d.created_at desc, d.id desc
        limit @Limit
        """;

    public static readonly IReadOnlyList<string> States = ["pending", "sending", "delivered", "failed", "suppressed"];

    public async Task<IReadOnlyList<AlertDeliveryRow>> ExecuteAsync(string? state, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<AlertDeliveryRow>(new CommandDefinition(Sql,
            new { State = state, Limit = Math.Clamp(limit, 1, 500) }, cancellationToken: ct))).ToList();
    }
}

public sealed record AlertDeliveryRow(Guid AlertId, string Kind, string Severity, string Title, string SubjectType, Guid? SubjectId,
    DateTime OccurredAt, string Channel, string State, int Attempts, DateTime DueAt, DateTime? DeliveredAt, string? LastError, Guid? BatchId);
