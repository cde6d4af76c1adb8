using Dapper;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>The team takes an incident: open → acknowledged (compare-and-set), recorded in its timeline.</summary>
public sealed class AcknowledgeIncident(NpgsqlDataSource db, TimeProvider clock)
{
    private const string Sql = """
        with acked as (
          update public.incidents set status = 'acknowledged', acknowledged_at = @At, acknowledged_by = @By
          where id = @Id and status = 'open'
          returning id
        ), timeline as (
          insert into public.incident_events (incident_id, at, kind, detail) select id, @At, 'acknowledged', @By from acked
        )
        select (select count(*) from acked)::int as changed, (select status::text from public.incidents where id = @Id) as status
        """;

    public async Task<AcknowledgeResult> ExecuteAsync(Guid incidentId, string by, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleAsync<(int Changed, string? Status)>(new CommandDefinition(Sql,
            new { Id = incidentId, At = clock.GetUtcNow().UtcDateTime, By = by }, cancellationToken: ct));
        return row switch
        {
            { Changed: 1 } => AcknowledgeResult.Acknowledged,
            { Status: null } => AcknowledgeResult.Unknown,
            { Status: "resolved" } => AcknowledgeResult.AlreadyResolved,
            _ => AcknowledgeResult.AlreadyAcknowledged,
        };
    }
}

public enum AcknowledgeResult { Acknowledged, AlreadyAcknowledged, AlreadyResolved, Unknown }
