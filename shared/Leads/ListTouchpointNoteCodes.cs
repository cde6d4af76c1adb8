using Dapper;
using Leitstand.Auth;

namespace Leitstand.Leads;

/// <summary>The note codes a touchpoint can carry (public.touchpoint_note_codes), in the order the status center shows them.</summary>
public sealed class ListTouchpointNoteCodes(TeamDatabase db)
{
    private const string Sql = """
        select code, label, lower(direction::text) as direction from public.touchpoint_note_codes order by position, code
        """;

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only).</summary>
    public async Task<IReadOnlyList<NoteCode>> ExecuteAsync(TeamUser user, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var codes = (await team.Connection.QueryAsync<NoteCode>(new CommandDefinition(Sql, transaction: team.Transaction, cancellationToken: ct))).AsList();
        await team.CommitAsync(ct);
        return codes;
    }
}

/// <summary>direction: inbound or outbound; the code decides it for every touchpoint that carries it.</summary>
public sealed record NoteCode(string Code, string Label, string Direction);
