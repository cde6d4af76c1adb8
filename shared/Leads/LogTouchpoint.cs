using Dapper;
using Leitstand.Auth;

namespace Leitstand.Leads;

/// <summary>
/// The team logs a contact that no task asked for (a DM answered on the phone, a call that just happened).
/// The database decides what it means for the lead (public.record_touchpoint): an outbound contact moves
/// NEW → CONTACTED and closes the open first contact, an inbound one moves CONTACTED → REPLIED and cancels
/// the open follow-ups. The note code says what happened (never the chat's contents) and its direction.
/// </summary>
public sealed class LogTouchpoint(TeamDatabase db, TimeProvider clock)
{
    // An unknown note code or a direction that contradicts it raises invalid_parameter_value (German message).
    private const string Sql = """
        select touchpoint_id as touchpointid, lower(direction::text) as direction, from_stage::text as fromstage, to_stage::text as tostage
        from public.record_touchpoint(@LeadId, @Channel, @NoteCode, @At, null, @Direction::public.touchpoint_direction)
        """;

    public static readonly IReadOnlyList<string> Channels = ["dm", "email", "call", "meeting"];
    public const int NoteCodeMax = 41;

    /// <summary>The body of <c>POST /api/leads/{leadId}/touchpoints</c> (snake_case in JSON).</summary>
    public sealed record Request(string? Channel, string? NoteCode, string? Direction, string? OccurredAt);

    /// <summary>What to record: <see cref="Direction"/> is INBOUND/OUTBOUND or null (the code's own).</summary>
    public sealed record Touchpoint(string Channel, string NoteCode, string? Direction, DateTime? OccurredAt);

    /// <summary>The touchpoint, or problems per field (German). Whether the note code exists the database says.</summary>
    public static (Touchpoint? Touchpoint, IReadOnlyDictionary<string, string[]> Errors) Validate(Request request, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);

        var channel = LeadValidator.NormaliseText(request.Channel)?.ToLowerInvariant();
        if (channel is null) errors["channel"] = ["Bitte den Kanal angeben: dm, email, call oder meeting."];
        else if (!Channels.Contains(channel)) errors["channel"] = ["Unbekannter Kanal. Erlaubt: dm, email, call, meeting."];

        var code = LeadValidator.NormaliseText(request.NoteCode)?.ToLowerInvariant();
        if (code is null) errors["note_code"] = ["Bitte den Notiz-Code angeben (Liste: GET /api/touchpoint-note-codes)."];
        else if (code.Length > NoteCodeMax) errors["note_code"] = ["Unbekannter Notiz-Code (Liste: GET /api/touchpoint-note-codes)."];

        var direction = LeadValidator.NormaliseText(request.Direction)?.ToLowerInvariant();
        if (direction is not null and not ("inbound" or "outbound")) errors["direction"] = ["Erlaubt: inbound oder outbound (oder weglassen: der Notiz-Code bestimmt die Richtung)."];

        DateTime? occurredAt = null;
        if (LeadValidator.NormaliseText(request.OccurredAt) is { } text)
        {
            if (ProspectValidator.ParseTime(text) is not { } at) errors["occurred_at"] = [ProspectValidator.TimeFormatMessage];
            else if (at > now + ProspectValidator.MaxFuture) errors["occurred_at"] = ["Der Zeitpunkt darf höchstens 5 Minuten in der Zukunft liegen."];
            else occurredAt = at.UtcDateTime;
        }

        return errors.Count > 0
            ? (null, errors)
            : (new Touchpoint(channel!, code!, direction?.ToUpperInvariant(), occurredAt), errors);
    }

    /// <summary>The recorded touchpoint and the lead's stage before and after, or null when the lead does not exist.</summary>
    /// <remarks>Runs as <paramref name="user"/> (RLS: team members only).</remarks>
    public async Task<LoggedTouchpoint?> ExecuteAsync(TeamUser user, Guid leadId, Touchpoint touchpoint, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var logged = await team.Connection.QuerySingleOrDefaultAsync<LoggedTouchpoint>(new CommandDefinition(Sql, new
        {
            LeadId = leadId, touchpoint.Channel, touchpoint.NoteCode, touchpoint.Direction,
            At = touchpoint.OccurredAt ?? clock.GetUtcNow().UtcDateTime,
        }, team.Transaction, cancellationToken: ct));
        await team.CommitAsync(ct);
        return logged;
    }
}

/// <summary>direction: inbound or outbound; stages as in public.lead_stage (to_stage = from_stage when nothing moved).</summary>
public sealed record LoggedTouchpoint(Guid TouchpointId, string Direction, string FromStage, string ToStage);
