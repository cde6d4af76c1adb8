using Dapper;
using Npgsql;

namespace Leitstand.Leads;

/// <summary>The note codes a touchpoint can carry (public.touchpoint_note_codes), in the order the status center shows them.</summary>
public sealed class ListTouchpointNoteCodes(NpgsqlDataSource db)
{
    private const string Sql = """
        select code, label, lower(direction::text) as direction from public.touchpoint_note_codes order by position, code
        """;

    public async Task<IReadOnlyList<NoteCode>> ExecuteAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<NoteCode>(new CommandDefinition(Sql, cancellationToken: ct))).AsList();
    }
}

/// <summary>direction: inbound or outbound; the code decides it for every touchpoint that carries it.</summary>
public sealed record NoteCode(string Code, string Label, string Direction);
