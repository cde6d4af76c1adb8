using Dapper;
using Npgsql;

namespace Leitstand.Kpi;

/// <summary>
/// Keeps the figures of ended weeks and months (public.keep_kpi_figures), so the board reads a few rows for them
/// instead of their stage moves. A write that touches a kept period deletes its row in the same transaction (the
/// triggers of 20261202060000_kpi_period_figures.sql), so the board is never stale; this run keeps it again. At
/// most <see cref="PerRun"/> periods a run, newest first: a new deployment on five years of history catches up
/// within a few runs without holding a long transaction.
/// </summary>
public sealed class KeepKpiFigures(NpgsqlDataSource db, TimeProvider clock)
{
    public const int PerRun = 60;

    // its own read-committed transaction (one statement): the function locks the periods first, and its
    // second statement's snapshot then sees every write that held them
    private const string Sql = "select public.keep_kpi_figures(@At, @Limit)";

    /// <summary>Returns how many periods it kept.</summary>
    public async Task<int> ExecuteAsync(CancellationToken ct, int limit = PerRun)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(Sql,
            new { At = clock.GetUtcNow().UtcDateTime, Limit = limit }, cancellationToken: ct));
    }
}
