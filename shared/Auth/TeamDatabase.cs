using Dapper;
using Npgsql;

namespace Leitstand.Auth;

/// <summary>
/// The database as a signed-in team member sees it: a connection and transaction with role
/// <c>authenticated</c> and the user's token claims in <c>request.jwt.claims</c>, both transaction-local
/// (set_config(…, true), set local role), exactly as PostgREST does it. The RLS policies that pgTAP proves
/// therefore guard the API too. Nothing outlives the transaction, so pooled connections stay clean.
/// </summary>
public sealed class TeamDatabase(NpgsqlDataSource db)
{
    private const string AsUserSql = "select set_config('request.jwt.claims', @claims, true); set local role authenticated;";

    /// <summary>Opens a connection and a transaction that runs as <paramref name="user"/>. Commit it; disposing rolls back.</summary>
    public async Task<TeamTransaction> BeginAsync(TeamUser user, CancellationToken ct)
    {
        var connection = await db.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(ct);
            await using (var command = new NpgsqlCommand(AsUserSql, connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter("claims", user.ClaimsJson));
                await command.ExecuteNonQueryAsync(ct);
            }
            return new TeamTransaction(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The rows of one read-only statement without parameters (a catalogue) as <paramref name="user"/>, in a transaction of their own.</summary>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(TeamUser user, string sql, CancellationToken ct)
    {
        await using var team = await BeginAsync(user, ct);
        var rows = (await team.Connection.QueryAsync<T>(new CommandDefinition(sql, transaction: team.Transaction, cancellationToken: ct))).AsList();
        await team.CommitAsync(ct);
        return rows;
    }

    /// <summary>public.is_team_member() under the user's claims: the one rule the RLS policies use.</summary>
    public async Task<bool> IsTeamMemberAsync(TeamUser user, CancellationToken ct)
    {
        await using var team = await BeginAsync(user, ct);
        await using var command = new NpgsqlCommand("select public.is_team_member()", team.Connection, team.Transaction);
        var member = await command.ExecuteScalarAsync(ct) is true;
        await team.CommitAsync(ct);
        return member;
    }
}

/// <summary>A transaction as a team member (see <see cref="TeamDatabase"/>).</summary>
public sealed class TeamTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
{
    public NpgsqlConnection Connection => connection;
    public NpgsqlTransaction Transaction => transaction;

    public Task CommitAsync(CancellationToken ct) => transaction.CommitAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
