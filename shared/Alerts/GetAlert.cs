using Dapper;
using Leitstand.Auth;

namespace Leitstand.Alerts;

/// <summary>
/// One alert for <c>#/alerts/&lt;id&gt;</c> (<c>GET /api/alerts/{id}</c>): its kind with the catalogue's label,
/// severity, title, text, when it happened, its subject and link, and per channel its delivery (state, attempts,
/// last error, times). Read under the member's claims (RLS); nothing beyond what the alert row holds.
/// </summary>
public sealed class GetAlert(TeamDatabase db)
{
    private const string Sql = """
        select a.id, a.kind, k.label as kindlabel, a.severity::text as severity, a.title, a.body as text, a.occurred_at as occurredat,
               a.subject_type as subjecttype, a.subject_id as subjectid, a.link, a.created_at as createdat
        from public.alerts a join public.alert_kinds k on k.kind = a.kind
        where a.id = @AlertId;
        select d.channel::text as channel, public.alert_channel_title(d.channel) as channeltitle, d.state::text as state, d.attempts,
               d.due_at as dueat, d.first_attempt_at as firstattemptat, d.delivered_at as deliveredat, d.last_error as lasterror,
               d.created_at as createdat
        from public.alert_deliveries d
        where d.alert_id = @AlertId
        order by d.channel::text;
        """;

    /// <summary>Runs as <paramref name="user"/>; null when there is no such alert.</summary>
    public async Task<AlertView?> ExecuteAsync(TeamUser user, Guid alertId, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        AlertView? view = null;
        await using (var grid = await team.Connection.QueryMultipleAsync(new CommandDefinition(Sql, new { AlertId = alertId }, team.Transaction, cancellationToken: ct)))
        {
            var alert = await grid.ReadSingleOrDefaultAsync<AlertRow>();
            if (alert is not null) view = new AlertView(alert, (await grid.ReadAsync<AlertDelivery>()).ToList());
        }
        await team.CommitAsync(ct);
        return view;
    }
}

/// <summary>The answer of GET /api/alerts/{id}.</summary>
public sealed record AlertView(AlertRow Alert, IReadOnlyList<AlertDelivery> Deliveries);

/// <summary>An alert; <c>link</c> is relative to the status center (e.g. <c>#/incidents/&lt;id&gt;</c>).</summary>
public sealed record AlertRow(Guid Id, string Kind, string KindLabel, string Severity, string Title, string Text, DateTime OccurredAt,
    string SubjectType, Guid? SubjectId, string Link, DateTime CreatedAt);

/// <summary>Its delivery on one channel: <c>state</c> pending, sending, delivered, failed or suppressed.</summary>
public sealed record AlertDelivery(string Channel, string ChannelTitle, string State, int Attempts, DateTime DueAt, DateTime? FirstAttemptAt,
    DateTime? DeliveredAt, string? LastError, DateTime CreatedAt);
