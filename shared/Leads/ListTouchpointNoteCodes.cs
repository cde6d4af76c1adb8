using Leitstand.Auth;

namespace Leitstand.Leads;

/// <summary>The note codes a touchpoint can carry (public.touchpoint_note_codes), in the order the status center shows them.</summary>
public sealed class ListTouchpointNoteCodes(TeamDatabase db)
{
    private const string Sql = """
        select code, label, lower(direction::text) as direction from public.touchpoint_note_codes order by position, code
        """;

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only).</summary>
    public Task<IReadOnlyList<NoteCode>> ExecuteAsync(TeamUser user, CancellationToken ct) => db.QueryAsync<NoteCode>(user, Sql, ct);
}

/// <summary>direction: inbound or outbound; the code decides it for every touchpoint that carries it.</summary>
public sealed record NoteCode(string Code, string Label, string Direction);
