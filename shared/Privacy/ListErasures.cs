using System.Text.Json;
using Dapper;
using Leitstand.Auth;
using Npgsql;

namespace Leitstand.Privacy;

/// <summary>
/// The erasures so far (<c>GET /api/erasures</c>, optionally <c>?lead_id=</c>), newest first, at most 200: the
/// status center's list and the record shown in an erased lead's view. Runs under the member's claims (RLS).
/// </summary>
public sealed class ListErasures(TeamDatabase db)
{
    public const int Limit = 200;

    private const string Sql = """
        select e.id, e.lead_id as leadid, e.erased_at as erasedat, e.erased_by as erasedby, tm.display_name as erasedbyname,
               e.reason, e.counts::text as counts
        from public.erasures e
        left join public.team_members tm on tm.user_id = e.erased_by
        where @LeadId::uuid is null or e.lead_id = @LeadId
        order by e.erased_at desc, e.id
        limit 200
        """;

    public async Task<IReadOnlyList<Erasure>> ExecuteAsync(TeamUser user, Guid? leadId, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var list = await ReadAsync(team.Connection, team.Transaction, leadId, ct);
        await team.CommitAsync(ct);
        return list;
    }

    /// <summary>The records as the transaction sees them (also right after an erasure in it).</summary>
    public static async Task<IReadOnlyList<Erasure>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid? leadId, CancellationToken ct)
    {
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(Sql, new { LeadId = leadId }, transaction, cancellationToken: ct));
        return rows.Select(r => new Erasure(r.Id, r.LeadId, DateTime.SpecifyKind(r.ErasedAt, DateTimeKind.Utc), r.ErasedBy, r.ErasedByName, r.Reason,
            EraseLead.Reasons.GetValueOrDefault(r.Reason, r.Reason),
            JsonSerializer.Deserialize<Dictionary<string, int>>(r.Counts)!)).ToList();
    }

    private sealed record Row(Guid Id, Guid LeadId, DateTime ErasedAt, Guid? ErasedBy, string? ErasedByName, string Reason, string Counts);
}
