using Dapper;
using Leitstand.Auth;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>
/// An incident with its timeline (opened, restart requested → delivered → acknowledged, healthy again …) and, for a
/// workflow's incident, the workflow (key and name: the customer's business name for it, no person's).
/// </summary>
public sealed class GetIncident(NpgsqlDataSource db, TeamDatabase team)
{
    private const string Sql = """
        select i.id, i.agent_id as agentid, i.error_class as errorclass, i.severity, i.status::text as status,
               i.opened_at as openedat, i.last_seen_at as lastseenat, i.occurrences, i.last_error_code as lasterrorcode,
               i.acknowledged_at as acknowledgedat, i.escalated_at as escalatedat, i.resolved_at as resolvedat,
               c.title as errorclasstitle, i.workflow_id as workflowid, w.key as workflowkey, w.name as workflowname
        from public.incidents i join public.error_classes c on c.key = i.error_class
        left join public.agent_workflows w on w.id = i.workflow_id
        where i.id = @Id;
        -- The incident's own events and what its alerts did on each channel (delivered, failed for good).
        select at, kind, detail from (
          select e.at, e.kind, e.detail, 0 as source, e.id from public.incident_events e where e.incident_id = @Id
          union all
          select coalesce(d.delivered_at, d.due_at), case d.state when 'delivered' then 'alert_delivered' else 'alert_failed' end,
                 left(public.alert_channel_title(d.channel) || ': ' || a.title || coalesce(' (' || d.last_error || ')', ''), 300), 1, d.id
          from public.alerts a join public.alert_deliveries d on d.alert_id = a.id
          where a.subject_type = 'incident' and a.subject_id = @Id and d.state in ('delivered', 'failed')
        ) t order by at, source, id;
        -- The error class's runbook (public.error_classes.runbook, its one home).
        select c.runbook from public.incidents i join public.error_classes c on c.key = i.error_class where i.id = @Id;
        """;

    /// <summary>For a team member: runs as <paramref name="user"/> (RLS: team members only).</summary>
    public async Task<IncidentView?> ExecuteAsync(TeamUser user, Guid incidentId, CancellationToken ct)
    {
        await using var asUser = await team.BeginAsync(user, ct);
        var view = await QueryAsync(asUser.Connection, asUser.Transaction, incidentId, ct);
        await asUser.CommitAsync(ct);
        return view;
    }

    /// <summary>As the functions' role: for the page behind a signed acknowledge link (the link is the authorisation).</summary>
    public async Task<IncidentView?> ExecuteAsync(Guid incidentId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await QueryAsync(connection, null, incidentId, ct);
    }

    private static async Task<IncidentView?> QueryAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid incidentId, CancellationToken ct)
    {
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(Sql, new { Id = incidentId }, tx, cancellationToken: ct));
        var incident = await grid.ReadSingleOrDefaultAsync<IncidentRow>();
        if (incident is null) return null;
        var timeline = (await grid.ReadAsync<TimelineEntry>()).ToList();
        var runbook = await grid.ReadSingleAsync<string>();
        return new IncidentView(incident, timeline, runbook);
    }
}

public sealed record IncidentRow(Guid Id, Guid AgentId, string ErrorClass, string Severity, string Status, DateTime OpenedAt,
    DateTime LastSeenAt, int Occurrences, string? LastErrorCode, DateTime? AcknowledgedAt, DateTime? EscalatedAt, DateTime? ResolvedAt,
    string ErrorClassTitle, Guid? WorkflowId, string? WorkflowKey, string? WorkflowName);

public sealed record TimelineEntry(DateTime At, string Kind, string? Detail);

public sealed record IncidentView(IncidentRow Incident, IReadOnlyList<TimelineEntry> Timeline, string Runbook);
