using Dapper;
using Npgsql;

namespace Leitstand.Retention;

/// <summary>Deletes what may no longer be kept: LOST leads past their deletion date, expired key handovers.</summary>
public sealed class ApplyRetention(NpgsqlDataSource db)
{
    private const string Sql = """
        with leads as (
          delete from public.leads where stage = 'LOST' and delete_after <= now() returning 1
        ), handovers as (
          delete from public.agent_key_handovers where expires_at <= now() returning 1
        )
        select (select count(*) from leads)::int as leads, (select count(*) from handovers)::int as handovers
        """;

    public async Task<RetentionResult> ExecuteAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<RetentionResult>(new CommandDefinition(Sql, cancellationToken: ct));
    }
}

public sealed record RetentionResult(int Leads, int Handovers);
