using Dapper;
using Leitstand.Auth;
using Npgsql;

namespace Leitstand.Pipeline;

/// <summary>
/// The team records a lead's deal from a package (<c>POST /api/leads/{id}/deals</c>): the price is the package's,
/// another amount needs a reason, a retainer may have its start date; OPEN, or WON when it is recorded as won. The
/// rules are public.create_deal's, under the member's claims; the history's first entry is written by trigger.
/// </summary>
public sealed class CreateDeal(TeamDatabase db)
{
    private const string Sql = """
        select deal_id from public.create_deal(@LeadId, @Package, @AmountCents, @PriceReason, @StartsOn::date, @Won)
        """;

    /// <summary>The body (snake_case in JSON). <c>starts_on</c>: JJJJ-MM-TT; <c>won</c>: record it as won.</summary>
    public sealed record Request(string? Package, int? AmountCents, string? PriceReason, string? StartsOn, bool? Won);

    /// <summary>Checked for form.</summary>
    public sealed record Deal(string Package, int? AmountCents, string? PriceReason, DateOnly? StartsOn, bool Won);

    /// <summary>The deal, or problems per field (German); <paramref name="prefix"/> for a nested deal ("deal.").</summary>
    public static (Deal? Deal, IReadOnlyDictionary<string, string[]> Errors) Validate(Request request, string prefix = "")
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var package = DealInput.Package(request.Package, prefix + "package", errors, required: true);
        DealInput.Amount(request.AmountCents, prefix + "amount_cents", errors);
        var reason = DealInput.Reason(request.PriceReason, prefix + "price_reason", errors);
        var startsOn = DealInput.Date(request.StartsOn, prefix + "starts_on", errors);
        return errors.Count > 0 ? (null, errors) : (new Deal(package!, request.AmountCents, reason, startsOn, request.Won ?? false), errors);
    }

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only), one transaction.</summary>
    public async Task<CreateDealResult> ExecuteAsync(TeamUser user, Guid leadId, Deal deal, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        Guid? id;
        try
        {
            id = await InsertAsync(team.Connection, team.Transaction, leadId, deal, ct);
        }
        catch (PostgresException ex) when (DealInput.Refusal(ex, "", "lead") is { } refusal)
        {
            return new CreateDealResult.Refused(refusal.Field, refusal.Message);
        }
        if (id is null) return new CreateDealResult.NotFound();
        var view = await GetDeal.ReadAsync(team.Connection, team.Transaction, id.Value, ct);
        await team.CommitAsync(ct);
        return new CreateDealResult.Created(view!);
    }

    /// <summary>public.create_deal in the caller's transaction; null when the lead does not exist.</summary>
    public static Task<Guid?> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid leadId, Deal deal, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(Sql, new
        {
            LeadId = leadId, deal.Package, deal.AmountCents, deal.PriceReason,
            StartsOn = deal.StartsOn?.ToString("yyyy-MM-dd"), deal.Won,
        }, transaction, cancellationToken: ct));
}

public abstract record CreateDealResult
{
    public sealed record Created(DealView Deal) : CreateDealResult;

    public sealed record NotFound : CreateDealResult;

    /// <summary>The deal rules refused: <paramref name="Field"/> (lead, package, price_reason, starts_on), the German reason.</summary>
    public sealed record Refused(string Field, string Message) : CreateDealResult;
}
