using System.Text.Json;
using Dapper;
using Leitstand.Auth;
using Npgsql;

namespace Leitstand.Pipeline;

/// <summary>
/// The team corrects a deal (<c>PATCH /api/deals/{id}</c>): package, amount (another than the package's price with
/// its reason), the retainer's start, the status. public.correct_deal decides under the member's claims; the
/// history entry (who, when, before/after, why) is written by trigger in the same transaction.
/// </summary>
public sealed class CorrectDeal(TeamDatabase db)
{
    public static readonly IReadOnlyList<string> Statuses = ["OPEN", "WON", "LOST"];

    private const string Sql = "select deal_id from public.correct_deal(@DealId, @Changes::jsonb, @Reason)";

    /// <summary>
    /// The body (snake_case in JSON); only the fields given change. <c>starts_on</c>: JJJJ-MM-TT, or "" to clear it;
    /// <c>reason</c>: why the deal is corrected (in the history).
    /// </summary>
    public sealed record Request(string? Package, int? AmountCents, string? PriceReason, string? StartsOn, string? Status, string? Reason);

    /// <summary>Checked for form: the changes as public.correct_deal reads them.</summary>
    public sealed record Correction(IReadOnlyDictionary<string, object?> Changes, string? Reason);

    public static (Correction? Correction, IReadOnlyDictionary<string, string[]> Errors) Validate(Request request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var changes = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (DealInput.Package(request.Package, "package", errors, required: false) is { } package) changes["package"] = package;
        DealInput.Amount(request.AmountCents, "amount_cents", errors);
        if (request.AmountCents is { } amount) changes["amount_cents"] = amount;
        if (DealInput.Reason(request.PriceReason, "price_reason", errors) is { } priceReason) changes["price_reason"] = priceReason;
        if (request.StartsOn is not null)
            changes["starts_on"] = request.StartsOn.Trim().Length == 0 ? null : DealInput.Date(request.StartsOn, "starts_on", errors)?.ToString("yyyy-MM-dd");
        if (Leads.LeadValidator.NormaliseText(request.Status)?.ToUpperInvariant() is { } status)
        {
            if (Statuses.Contains(status)) changes["status"] = status;
            else errors["status"] = ["Unbekannter Status. Erlaubt: OPEN, WON, LOST."];
        }
        var reason = DealInput.Reason(request.Reason, "reason", errors);
        if (errors.Count == 0 && changes.Count == 0)
            errors["body"] = ["Bitte mindestens ein Feld angeben: package, amount_cents, price_reason, starts_on oder status."];
        return errors.Count > 0 ? (null, errors) : (new Correction(changes, reason), errors);
    }

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only), one transaction.</summary>
    public async Task<CorrectDealResult> ExecuteAsync(TeamUser user, Guid dealId, Correction correction, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        Guid? id;
        try
        {
            id = await team.Connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(Sql, new
            {
                DealId = dealId, Changes = JsonSerializer.Serialize(correction.Changes), correction.Reason,
            }, team.Transaction, cancellationToken: ct));
        }
        catch (PostgresException ex) when (DealInput.Refusal(ex, "", "status") is { } refusal)
        {
            return new CorrectDealResult.Refused(refusal.Field, refusal.Message);
        }
        if (id is null)
        {
            // no such deal, or its status changed while the correction waited for it (nothing written)
            var exists = await team.Connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select exists (select 1 from public.deals where id = @DealId)", new { DealId = dealId }, team.Transaction, cancellationToken: ct));
            return exists ? new CorrectDealResult.Stale() : new CorrectDealResult.NotFound();
        }
        var view = await GetDeal.ReadAsync(team.Connection, team.Transaction, id.Value, ct);
        await team.CommitAsync(ct);
        return new CorrectDealResult.Corrected(view!);
    }
}

public abstract record CorrectDealResult
{
    public sealed record Corrected(DealView Deal) : CorrectDealResult;

    public sealed record NotFound : CorrectDealResult;

    /// <summary>Someone changed the deal's status in between; nothing was changed.</summary>
    public sealed record Stale : CorrectDealResult;

    /// <summary>The deal rules refused: <paramref name="Field"/> (package, price_reason, starts_on, status), the German reason.</summary>
    public sealed record Refused(string Field, string Message) : CorrectDealResult;
}
