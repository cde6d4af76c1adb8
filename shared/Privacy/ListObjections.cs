using Dapper;
using Leitstand.Auth;

namespace Leitstand.Privacy;

/// <summary>
/// The objections for <c>GET /api/objections</c>, newest first: kind, when and by whom recorded, when and why
/// lifted. No personal data: the table holds keyed hashes only, and the hash is not shown either. Runs as the team member (RLS).
/// </summary>
public sealed class ListObjections(TeamDatabase db)
{
    public const int MaxRows = 500;

    private const string Sql = """
        select o.id, o.kind, o.created_at as createdat, tm.display_name as createdbyname,
               o.lifted_at as liftedat, o.lifted_reason as liftedreason
        from public.objections o
        left join public.team_members tm on tm.user_id::text = o.created_by
        order by o.created_at desc, o.id
        limit @MaxRows;

        select count(*) filter (where o.lifted_at is null)::int as active, count(*) filter (where o.lifted_at is not null)::int as lifted
        from public.objections o;
        """;

    public async Task<ObjectionList> ExecuteAsync(TeamUser user, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        using var results = await team.Connection.QueryMultipleAsync(new CommandDefinition(Sql, new { MaxRows }, team.Transaction, cancellationToken: ct));
        var items = (await results.ReadAsync<ObjectionItem>()).AsList();
        var counts = await results.ReadSingleAsync<Counts>();
        await team.CommitAsync(ct);
        return new ObjectionList(items, counts.Active, counts.Lifted);
    }

    private sealed record Counts(int Active, int Lifted);
}

/// <summary>An objection as listed; <see cref="LiftedReason"/>: "opt_in" (a new consent through the form).</summary>
public sealed record ObjectionItem(Guid Id, string Kind, DateTime CreatedAt, string? CreatedByName, DateTime? LiftedAt, string? LiftedReason);

/// <summary>The newest objections (at most <see cref="ListObjections.MaxRows"/>) and the counts of all.</summary>
public sealed record ObjectionList(IReadOnlyList<ObjectionItem> Items, int Active, int Lifted);
