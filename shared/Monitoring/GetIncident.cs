using Dapper;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>An incident with its timeline (opened, restart requested → delivered → acknowledged, healthy again …).</summary>
public sealed class GetIncident(NpgsqlDataSource db)
{
    private const string Sql = """
        select i.id, i.agent_id as agentid, i.error_class as errorclass, i.severity, i.status::text as status,
               i.opened_at as openedat, i.last_seen_at as lastseenat, i.occurrences, i.last_error_code as lasterrorcode,
               i.acknowledged_at as acknowledgedat, i.escalated_at as escalatedat, i.resolved_at as resolvedat
        from public.incidents i where i.id = @Id;
        select at, kind, detail from public.incident_events where incident_id = @Id order by at, id;
        """;

    public async Task<IncidentView?> ExecuteAsync(Guid incidentId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(Sql, new { Id = incidentId }, cancellationToken: ct));
        var incident = await grid.ReadSingleOrDefaultAsync<IncidentRow>();
        if (incident is null) return null;
        var timeline = (await grid.ReadAsync<TimelineEntry>()).ToList();
        return new IncidentView(incident, timeline, ErrorClasses.RunbookPath(incident.ErrorClass));
    }
}

public sealed record IncidentRow(Guid Id, Guid AgentId, string ErrorClass, string Severity, string Status, DateTime OpenedAt,
    DateTime LastSeenAt, int Occurrences, string? LastErrorCode, DateTime? AcknowledgedAt, DateTime? EscalatedAt, DateTime? ResolvedAt);

public sealed record TimelineEntry(DateTime At, string Kind, string? Detail);

public sealed record IncidentView(IncidentRow Incident, IReadOnlyList<TimelineEntry> Timeline, string Runbook);
