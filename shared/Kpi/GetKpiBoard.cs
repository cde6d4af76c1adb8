using Dapper;
using Npgsql;

namespace Leitstand.Kpi;

/// <summary>
/// The KPI board of a week or a month as of now: computed in one call of public.kpi_board (set-based SQL over
/// the stage history, leads and deals; definitions in docs/kpi.md). Returns the board's JSON as the database
/// builds it (snake_case, German labels).
/// </summary>
public sealed class GetKpiBoard(NpgsqlDataSource db, TimeProvider clock)
{
    private const string Sql = "select public.kpi_board(@Kind, @Start::date, @At)::text";

    public async Task<string> ExecuteAsync(KpiPeriod period, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string>(new CommandDefinition(Sql, new
        {
            period.Kind,
            Start = period.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            At = clock.GetUtcNow().UtcDateTime,
        }, cancellationToken: ct)) ?? "{}";
    }
}
