using Leitstand.Auth;

namespace Leitstand.Pipeline;

/// <summary>
/// The packages a deal can be made from (public.packages, active ones in their order), with name, kind (one_time or
/// monthly: a retainer with a start date) and list price: the deal form of the status center offers them and
/// prefills the price (<c>GET /api/packages</c>).
/// </summary>
public sealed class ListPackages(TeamDatabase db)
{
    private const string Sql = """
        select p.key::text as key, p.name, p.kind, p.price_cents as pricecents
        from public.packages p
        where p.active
        order by p.position, p.key
        """;

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only).</summary>
    public Task<IReadOnlyList<DealPackage>> ExecuteAsync(TeamUser user, CancellationToken ct) => db.QueryAsync<DealPackage>(user, Sql, ct);
}

/// <summary>A package: its key (public.deal_package), German name, kind (one_time, monthly) and list price in cents.</summary>
public sealed record DealPackage(string Key, string Name, string Kind, int PriceCents);
