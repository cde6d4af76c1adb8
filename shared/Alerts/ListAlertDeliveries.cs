using Dapper;
using Leitstand.Auth;
using Npgsql;

namespace Leitstand.Alerts;

/// <summary>The delivery log, newest first: per alert and channel its state, attempts, last error (failed ones visible).</summary>
public sealed class ListAlertDeliveries(NpgsqlDataSource db, TeamDatabase team)
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

    /// <summary>For a team member: runs as <paramref name="user"/> (RLS: team members only).</summary>
    public async Task<IReadOnlyList<AlertDeliveryRow>> ExecuteAsync(TeamUser user, string? state, int limit, CancellationToken ct)
    {
        await using var asUser = await team.BeginAsync(user, ct);
        var rows = await QueryAsync(asUser.Connection, asUser.Transaction, state, limit, ct);
        await asUser.CommitAsync(ct);
        return rows;
    }

    /// <summary>As the functions' role: only for the local host's inbox page (no user there).</summary>
    public async Task<IReadOnlyList<AlertDeliveryRow>> ExecuteAsync(string? state, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await QueryAsync(connection, null, state, limit, ct);
    }

    private static async Task<IReadOnlyList<AlertDeliveryRow>> QueryAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string? state, int limit, CancellationToken ct) =>
        (await connection.QueryAsync<AlertDeliveryRow>(new CommandDefinition(Sql,
            new { State = state, Limit = Math.Clamp(limit, 1, 500) }, tx, cancellationToken: ct))).ToList();
}

public sealed record AlertDeliveryRow(Guid AlertId, string Kind, string Severity, string Title, string SubjectType, Guid? SubjectId,
    DateTime OccurredAt, string Channel, string State, int Attempts, DateTime DueAt, DateTime? DeliveredAt, string? LastError, Guid? BatchId);
