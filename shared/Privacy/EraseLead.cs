using System.Text.Json;
using Dapper;
using Leitstand.Auth;

namespace Leitstand.Privacy;

/// <summary>
/// Art. 17 erasure of one lead (<c>POST /api/leads/{id}/erase</c>): public.erase_lead removes every personal field
/// everywhere in one transaction and records it in public.erasures (privacy.sql says what goes where); the anonymous
/// counts stay. A second call changes nothing and gives the first record. Runs under the member's claims; the
/// function checks membership itself (it writes tables the member cannot).
/// </summary>
public sealed class EraseLead(TeamDatabase db, TimeProvider clock)
{
    /// <summary>The reason codes (public.erasures.reason) with their German labels.</summary>
    public static readonly IReadOnlyDictionary<string, string> Reasons = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["request"] = "Antrag der Person (Art. 17 Abs. 1 lit. a)",
        ["objection"] = "Widerspruch (Art. 21, Art. 17 Abs. 1 lit. c)",
        ["consent_withdrawn"] = "Einwilligung widerrufen (Art. 17 Abs. 1 lit. b)",
        ["other"] = "Anderer Grund",
    };

    public const string DefaultReason = "request";

    private const string Sql = "select result, erasure_id as erasureid from public.erase_lead(@LeadId, @Reason, @At)";

    /// <summary>The optional body: <c>{"reason": "request"}</c>.</summary>
    public sealed record Request(string? Reason);

    /// <summary>The reason code of a request, or a German problem for the field.</summary>
    public static (string? Reason, IReadOnlyDictionary<string, string[]> Errors) Validate(Request request)
    {
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? DefaultReason : request.Reason.Trim();
        if (Reasons.ContainsKey(reason)) return (reason, new Dictionary<string, string[]>());
        return (null, new Dictionary<string, string[]>
        {
            ["reason"] = [$"Unbekannter Grund. Erlaubt: {string.Join(", ", Reasons.Keys)}."],
        });
    }

    public async Task<EraseLeadResult> ExecuteAsync(TeamUser user, Guid leadId, string reason, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var row = await team.Connection.QuerySingleAsync<(string Result, Guid? ErasureId)>(new CommandDefinition(Sql,
            new { LeadId = leadId, Reason = reason, At = clock.GetUtcNow().UtcDateTime }, team.Transaction, cancellationToken: ct));
        EraseLeadResult result = row.Result switch
        {
            "erased" or "already" => new EraseLeadResult.Done(
                (await ListErasures.ReadAsync(team.Connection, team.Transaction, leadId, ct)).Single(), row.Result == "already"),
            "forbidden" => new EraseLeadResult.Forbidden(),
            _ => new EraseLeadResult.NotFound(),
        };
        await team.CommitAsync(ct);
        return result;
    }
}

public abstract record EraseLeadResult
{
    /// <summary>Erased now, or before (<paramref name="Before"/>: nothing changed).</summary>
    public sealed record Done(Erasure Erasure, bool Before) : EraseLeadResult;

    public sealed record NotFound : EraseLeadResult;

    public sealed record Forbidden : EraseLeadResult;
}

/// <summary>
/// The record of an erasure (public.erasures): when, by whom, why, and how many rows per table. No personal data of
/// the lead; <c>erased_by_name</c> is the team member's display name.
/// </summary>
public sealed record Erasure(Guid Id, Guid LeadId, DateTime ErasedAt, Guid? ErasedBy, string? ErasedByName, string Reason, string ReasonLabel,
    IReadOnlyDictionary<string, int> Counts);
