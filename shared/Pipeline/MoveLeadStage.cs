using System.Text.RegularExpressions;
using Dapper;
using Leitstand.Auth;
using Leitstand.Leads;
using Npgsql;

namespace Leitstand.Pipeline;

/// <summary>
/// The team moves a lead to another stage from the board: compare-and-set on the stage the page showed, so a
/// move someone else made in between is not overwritten. Whether the move is allowed the database decides
/// (public.enforce_lead_stage_rules: the transitions table, a reason for LOST, the call's time for CALL_BOOKED,
/// a deal for WON); its refusal comes back with the German reason, the stage codes in it as German labels, at
/// the field the rule names. History, stage event and deal status follow by trigger in the same transaction.
/// The stage codes and labels come from the catalogue (public.lead_stages, <see cref="ListLeadStages"/>).
/// </summary>
public sealed partial class MoveLeadStage(TeamDatabase db, ListLeadStages catalogue, ListLostReasons lostReasons)
{
    public const int LostReasonMax = 500;
    /// <summary>A call booked for earlier than this before now is a typo (the past is for touchpoints).</summary>
    public static readonly TimeSpan CallAtPast = TimeSpan.FromHours(24);
    public static readonly TimeSpan CallAtFuture = TimeSpan.FromDays(365);

    // LOST takes the reason's code and the optional note given (the note stays on the lead; history and KPI figures
    // keep the code only); CALL_BOOKED the call's time given (none: refused, an old call_at of a cancelled call
    // does not count as a new booking).
    private const string MoveSql = """
        update public.leads l set stage = @ToStage::public.lead_stage,
               lost_reason_code = case when @ToStage = 'LOST' then @LostReasonCode else l.lost_reason_code end,
               lost_reason = case when @ToStage = 'LOST' then @LostReason else l.lost_reason end,
               call_at = case when @ToStage = 'CALL_BOOKED' then @CallAt else l.call_at end
        where l.id = @LeadId and l.stage = @FromStage::public.lead_stage
        returning l.stage::text as stage, public.lead_stage_label(l.stage) as label, l.stage_changed_at as stagechangedat
        """;

    // A new statement (read committed): sees a move committed while the update waited for the row.
    private const string CurrentSql = """
        select l.stage::text as stage, public.lead_stage_label(l.stage) as label from public.leads l where l.id = @LeadId
        """;

    // Every stage with its label, in pipeline order, and whether a move from @FromStage to it is allowed.
    private const string StagesSql = """
        select s.code::text as code, s.label,
               exists (select 1 from public.lead_stage_transitions t where t.from_stage = @FromStage::public.lead_stage and t.to_stage = s.code) as allowed
        from public.lead_stages s
        order by s.position
        """;

    /// <summary>The body of <c>POST /api/leads/{leadId}/stage</c> (snake_case in JSON).</summary>
    /// <summary><c>deal</c>: with WON, the deal to record as won in the same transaction ("Gewonnen" in one step).</summary>
    /// <summary><c>lost_reason_code</c>: with LOST, why (a code of public.lost_reasons, required); <c>lost_reason</c>: an optional free note, kept on the lead only.</summary>
    public sealed record Request(string? ToStage, string? FromStage, string? LostReason, string? CallAt, DealRequest? Deal = null,
        string? LostReasonCode = null);

    /// <summary>The deal of "Gewonnen": as <see cref="CreateDeal.Request"/> without <c>won</c> (it is won by the move).</summary>
    public sealed record DealRequest(string? Package, int? AmountCents, string? PriceReason, string? StartsOn);

    /// <summary>What to do, checked and normalised.</summary>
    public sealed record Move(string ToStage, string FromStage, string? LostReason, DateTime? CallAt, CreateDeal.Deal? Deal = null,
        string? LostReasonCode = null);

    /// <summary>The move, or problems per field (German), checked against the stage catalogue read as <paramref name="user"/>.</summary>
    public async Task<(Move? Move, IReadOnlyDictionary<string, string[]> Errors)> ValidateAsync(TeamUser user, Request request, DateTimeOffset now,
        CancellationToken ct) =>
        Validate(request, await catalogue.ExecuteAsync(user, ct), now, await lostReasons.ExecuteAsync(user, ct));

    /// <summary>The move, or problems per field (German). Whether the move is allowed the database says.</summary>
    public static (Move? Move, IReadOnlyDictionary<string, string[]> Errors) Validate(Request request, IReadOnlyList<LeadStage> stages, DateTimeOffset now,
        IReadOnlyList<LostReason> lostReasons)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var codes = stages.Select(s => s.Code).ToList();
        var list = string.Join(", ", codes);
        string Label(string code) => stages.FirstOrDefault(s => s.Code == code)?.Label ?? code;

        var to = LeadValidator.NormaliseText(request.ToStage)?.ToUpperInvariant();
        if (to is null) errors["to_stage"] = [$"Bitte die Zielstufe angeben: {list}."];
        else if (!codes.Contains(to)) errors["to_stage"] = [$"Unbekannte Stufe. Erlaubt: {list}."];

        var from = LeadValidator.NormaliseText(request.FromStage)?.ToUpperInvariant();
        if (from is null) errors["from_stage"] = ["Bitte die Stufe angeben, in der die Seite den Lead gezeigt hat."];
        else if (!codes.Contains(from)) errors["from_stage"] = [$"Unbekannte Stufe. Erlaubt: {list}."];
        else if (from == to) errors["to_stage"] = ["Der Lead steht schon in dieser Stufe. Bitte eine andere Zielstufe wählen."];

        var reason = LeadValidator.NormaliseText(request.LostReason);
        if (reason is not null)
        {
            if (to is not null && to != "LOST") errors["lost_reason"] = [$"Ein Verlustgrund gehört nur zur Stufe LOST ({Label("LOST")})."];
            else if (reason.Length > LostReasonMax) errors["lost_reason"] = [$"Die Notiz zum Verlustgrund darf höchstens {LostReasonMax} Zeichen lang sein."];
        }

        // the reason as a code of the fixed list: that is what history and KPI figures keep (no free text there)
        var reasonList = string.Join(", ", lostReasons.Select(r => $"{r.Code} ({r.Label})"));
        var code = LeadValidator.NormaliseText(request.LostReasonCode)?.ToLowerInvariant();
        if (code is not null)
        {
            if (to is not null && to != "LOST") errors["lost_reason_code"] = [$"Ein Verlustgrund gehört nur zur Stufe LOST ({Label("LOST")})."];
            else if (!lostReasons.Any(r => r.Code == code)) errors["lost_reason_code"] = [$"Unbekannter Verlustgrund. Erlaubt: {reasonList}."];
        }
        else if (to == "LOST") errors["lost_reason_code"] = [$"Für „{Label("LOST")}“ bitte einen Grund aus der Liste wählen: {reasonList}."];

        DateTime? callAt = null;
        if (LeadValidator.NormaliseText(request.CallAt) is { } text)
        {
            if (to is not null && to != "CALL_BOOKED") errors["call_at"] = [$"Ein Call-Termin gehört nur zur Stufe CALL_BOOKED ({Label("CALL_BOOKED")})."];
            else if (ProspectValidator.ParseTime(text) is not { } at) errors["call_at"] = [ProspectValidator.TimeFormatMessage];
            else if (at < now - CallAtPast) errors["call_at"] = ["Der Call-Termin liegt mehr als 24 Stunden in der Vergangenheit."];
            else if (at > now + CallAtFuture) errors["call_at"] = ["Der Call-Termin liegt mehr als ein Jahr in der Zukunft."];
            else callAt = at.UtcDateTime;
        }

        CreateDeal.Deal? deal = null;
        if (request.Deal is { } d)
        {
            if (to is not null && to != "WON") errors["deal"] = [$"Ein Deal gehört nur zur Stufe WON ({Label("WON")})."];
            else
            {
                var (valid, dealErrors) = CreateDeal.Validate(new CreateDeal.Request(d.Package, d.AmountCents, d.PriceReason, d.StartsOn, Won: false), "deal.");
                foreach (var (field, messages) in dealErrors) errors[field] = messages;
                deal = valid;
            }
        }

        return errors.Count > 0 ? (null, errors) : (new Move(to!, from!, reason, callAt, deal, code), errors);
    }

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only), one transaction.</summary>
    public async Task<MoveLeadStageResult> ExecuteAsync(TeamUser user, Guid leadId, Move move, CancellationToken ct)
    {
        PostgresException refusal;
        await using (var team = await db.BeginAsync(user, ct))
        {
            try
            {
                // "Gewonnen" with its deal: the deal first (OPEN; the move marks it WON), in the same transaction, so
                // the stage rule sees it and a refused move leaves no deal behind.
                Guid? dealId = null;
                if (move.Deal is { } deal
                    && (dealId = await CreateDeal.InsertAsync(team.Connection, team.Transaction, leadId, deal, ct)) is null)
                    return new MoveLeadStageResult.NotFound();
                var moved = await team.Connection.QuerySingleOrDefaultAsync<MovedRow>(new CommandDefinition(MoveSql, new
                {
                    LeadId = leadId, move.ToStage, move.FromStage, move.LostReason, move.LostReasonCode, move.CallAt,
                }, team.Transaction, cancellationToken: ct));
                if (moved is not null)
                {
                    await team.CommitAsync(ct);
                    return new MoveLeadStageResult.Moved(leadId, move.FromStage, moved.Stage, moved.Label, moved.StageChangedAt, dealId);
                }
                var current = await team.Connection.QuerySingleOrDefaultAsync<CurrentRow>(new CommandDefinition(CurrentSql, new { LeadId = leadId },
                    team.Transaction, cancellationToken: ct));
                // not committed: a deal created for this move goes with it
                return current is null
                    ? new MoveLeadStageResult.NotFound()
                    : new MoveLeadStageResult.Stale(current.Stage, current.Label);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation && ex.SchemaName == "public"
                                               && ex.TableName == "deals" && ex.ColumnName is not null && move.Deal is not null)
            {
                // the deal rules (public.create_deal): package, price_reason, starts_on of the deal
                return new MoveLeadStageResult.Refused("deal." + ex.ColumnName, ex.MessageText, ex.MessageText);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation && ex.SchemaName == "public"
                                               && (ex.TableName == "deals" || ex.ColumnName is "stage" or "lost_reason" or "call_at"))
            {
                refusal = ex; // rolled back with the transaction
            }
        }
        return await RefusedAsync(user, move, refusal, ct);
    }

    /// <summary>
    /// The rule's German message with labels for the stage codes; for a move the transitions do not allow, the
    /// moves they do allow from the lead's stage, read from the table (the rule's DETAIL says the same, but Npgsql
    /// redacts a DETAIL unless the connection string has Include Error Detail, since it may carry data).
    /// </summary>
    private async Task<MoveLeadStageResult.Refused> RefusedAsync(TeamUser user, Move move, PostgresException refusal, CancellationToken ct)
    {
        List<StageRow> stages;
        await using (var team = await db.BeginAsync(user, ct))
        {
            stages = (await team.Connection.QueryAsync<StageRow>(new CommandDefinition(StagesSql, new { move.FromStage },
                team.Transaction, cancellationToken: ct))).AsList();
            await team.CommitAsync(ct);
        }
        var labels = stages.ToDictionary(s => s.Code, s => s.Label);
        var title = InGerman(refusal.MessageText, labels);
        if (refusal.TableName == "deals") return new("deal", title, title);
        if (refusal.ColumnName != "stage") return new(refusal.ColumnName!, title, title);
        var allowed = stages.Where(s => s.Allowed).Select(s => $"„{s.Label}“").ToList();
        return new("to_stage", title,
            $"{title} Erlaubt ab „{labels[move.FromStage]}“: {(allowed.Count > 0 ? string.Join(", ", allowed) : "nichts (Endstufe)")}.");
    }

    /// <summary>The stage codes in a message of the stage rules as German labels: „Kontaktiert“ for CONTACTED.</summary>
    private static string InGerman(string text, IReadOnlyDictionary<string, string> labels) =>
        UpperCaseWord().Replace(text, m => labels.TryGetValue(m.Value, out var label) ? $"„{label}“" : m.Value);

    /// <summary>A word that may be a stage code (the catalogue decides whether it is one).</summary>
    [GeneratedRegex(@"\b[A-Z][A-Z_]*[A-Z]\b", RegexOptions.CultureInvariant)]
    private static partial Regex UpperCaseWord();

    private sealed record MovedRow(string Stage, string Label, DateTime StageChangedAt);

    private sealed record CurrentRow(string Stage, string Label);

    private sealed record StageRow(string Code, string Label, bool Allowed);
}

public abstract record MoveLeadStageResult
{
    /// <summary><paramref name="DealId"/>: the deal created with the move ("Gewonnen" with its deal), else null.</summary>
    public sealed record Moved(Guid LeadId, string FromStage, string ToStage, string StageLabel, DateTime StageChangedAt, Guid? DealId = null) : MoveLeadStageResult;

    public sealed record NotFound : MoveLeadStageResult;

    /// <summary>Someone moved the lead in between: it is in <paramref name="CurrentStage"/> now; nothing was changed.</summary>
    public sealed record Stale(string CurrentStage, string CurrentLabel) : MoveLeadStageResult;

    /// <summary>The stage rules refused the move: <paramref name="Field"/> (to_stage, lost_reason, call_at or deal), the German reason.</summary>
    public sealed record Refused(string Field, string Title, string Message) : MoveLeadStageResult;
}
