using Dapper;
using Leitstand.Auth;

namespace Leitstand.Retention;

/// <summary>
/// The latest retention runs for the status center (GET /api/retention/runs): when, how long, the periods applied
/// and the counts per rule, newest first, read under the team member's claims (public.retention_runs).
/// </summary>
public sealed class ListRetentionRuns(TeamDatabase db)
{
    private const string Sql = """
        select coalesce(json_agg(json_build_object('run_at', r.run_at, 'took_ms', r.took_ms, 'counts', r.counts, 'periods', r.periods)
                                 order by r.run_at desc, r.id desc), '[]')::text
        from (select * from public.retention_runs order by run_at desc, id desc limit @Limit) r
        """;

    public async Task<string> ExecuteAsync(TeamUser user, int limit, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var runs = await team.Connection.ExecuteScalarAsync<string>(new CommandDefinition(Sql, new { Limit = limit }, team.Transaction, cancellationToken: ct));
        await team.CommitAsync(ct);
        return runs ?? "[]";
    }
}
