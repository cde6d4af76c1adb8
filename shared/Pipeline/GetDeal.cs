using System.Text.Json;
using Dapper;
using Leitstand.Auth;
using Npgsql;

namespace Leitstand.Pipeline;

/// <summary>
/// A deal for <c>#/deals/&lt;id&gt;</c>: its package, amount and status, its lead (id, name, stage) and its history
/// (public.deal_history: created and every correction, who, when, the values before and after, why). Runs under
/// the member's claims (RLS).
/// </summary>
public sealed class GetDeal(TeamDatabase db)
{
    private const string Sql = """
        select d.id, d.package::text as package, p.name as packagename, p.kind as packagekind, p.price_cents as listpricecents,
               d.amount_cents as amountcents, d.currency, d.status::text as status, d.won_at as wonat,
               d.starts_on::text as startson, d.ends_on::text as endson, d.price_reason as pricereason,
               d.created_at as createdat, d.updated_at as updatedat,
               l.id as leadid, l.name as leadname, l.company as leadcompany, l.stage::text as leadstage,
               public.lead_stage_label(l.stage) as leadstagelabel
        from public.deals d
        join public.leads l on l.id = d.lead_id
        join public.packages p on p.key = d.package
        where d.id = @DealId;
        select h.changed_at as changedat, h.changed_by as changedby, tm.display_name as changedbyname, h.change,
               h.old_values::text as oldvalues, h.new_values::text as newvalues, h.reason
        from public.deal_history h
        left join public.team_members tm on tm.user_id::text = h.changed_by
        where h.deal_id = @DealId
        order by h.id;
        """;

    /// <summary>Runs as <paramref name="user"/>; null when there is no such deal.</summary>
    public async Task<DealView?> ExecuteAsync(TeamUser user, Guid dealId, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var view = await ReadAsync(team.Connection, team.Transaction, dealId, ct);
        await team.CommitAsync(ct);
        return view;
    }

    /// <summary>The deal as the transaction sees it (also right after a change in it).</summary>
    public static async Task<DealView?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid dealId, CancellationToken ct)
    {
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(Sql, new { DealId = dealId }, transaction, cancellationToken: ct));
        var row = await grid.ReadSingleOrDefaultAsync<DealRow>();
        if (row is null) return null;
        var history = (await grid.ReadAsync<HistoryRow>()).Select(h => new DealChange(h.ChangedAt, h.ChangedBy, h.ChangedByName, h.Change,
            h.OldValues is null ? null : JsonSerializer.Deserialize<JsonElement>(h.OldValues),
            JsonSerializer.Deserialize<JsonElement>(h.NewValues), h.Reason)).ToList();
        return new DealView(
            new DealFields(row.Id, row.Package, row.PackageName, row.PackageKind, row.ListPriceCents, row.AmountCents, row.Currency, row.Status,
                row.WonAt, row.StartsOn, row.EndsOn, row.PriceReason, row.CreatedAt, row.UpdatedAt),
            new DealLead(row.LeadId, row.LeadName, row.LeadCompany, row.LeadStage, row.LeadStageLabel),
            history);
    }

    private sealed record DealRow(Guid Id, string Package, string PackageName, string PackageKind, int ListPriceCents, int AmountCents,
        string Currency, string Status, DateTime? WonAt, string? StartsOn, string? EndsOn, string? PriceReason, DateTime CreatedAt,
        DateTime UpdatedAt, Guid LeadId, string LeadName, string? LeadCompany, string LeadStage, string LeadStageLabel);

    private sealed record HistoryRow(DateTime ChangedAt, string ChangedBy, string? ChangedByName, string Change, string? OldValues,
        string NewValues, string? Reason);
}

/// <summary>The answer of GET /api/deals/{id} (and of creating or correcting a deal).</summary>
public sealed record DealView(DealFields Deal, DealLead Lead, IReadOnlyList<DealChange> History);

/// <summary>A deal; <c>list_price_cents</c> is its package's price, <c>price_reason</c> why the amount differs.</summary>
public sealed record DealFields(Guid Id, string Package, string PackageName, string PackageKind, int ListPriceCents, int AmountCents,
    string Currency, string Status, DateTime? WonAt, string? StartsOn, string? EndsOn, string? PriceReason, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record DealLead(Guid Id, string Name, string? Company, string Stage, string StageLabel);

/// <summary>One entry of a deal's history: <c>created</c> or <c>corrected</c>, the changed fields before and after.</summary>
public sealed record DealChange(DateTime ChangedAt, string ChangedBy, string? ChangedByName, string Change, JsonElement? OldValues,
    JsonElement NewValues, string? Reason);
