using Dapper;
using Leitstand.Auth;

namespace Leitstand.Kpi;

/// <summary>
/// The KPI board of a week or a month as of now: computed in one call of public.kpi_board (set-based SQL over
/// the stage history, leads and deals; definitions in docs/kpi.md). Returns the board's JSON as the database
/// builds it (snake_case, German labels), read under the team member's claims.
/// </summary>
public sealed class GetKpiBoard(TeamDatabase db, TimeProvider clock)
{
    private const string Sql = "select public.kpi_board(@Kind, @Start::date, @At)::text";

    /// <summary>The board as <paramref name="user"/> may see it (role authenticated, the user's claims).</summary>
    public async Task<string> ExecuteAsync(TeamUser user, KpiPeriod period, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var board = await team.Connection.ExecuteScalarAsync<string>(new CommandDefinition(Sql, new
        {
            period.Kind,
            Start = period.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            At = clock.GetUtcNow().UtcDateTime,
        }, team.Transaction, cancellationToken: ct)) ?? "{}";
        await team.CommitAsync(ct);
        return board;
    }
}
