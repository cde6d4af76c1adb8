using Dapper;
using Leitstand.Auth;

namespace Leitstand.Leads;

/// <summary>
/// The team logs a contact that no task asked for (a DM answered on the phone, a call that just happened).
/// The database decides what it means for the lead (public.record_touchpoint): an outbound contact moves
/// NEW → CONTACTED and closes the open first contact, an inbound one moves CONTACTED → REPLIED and cancels
/// the open follow-ups. The note code says what happened (never the chat's contents) and its direction; an
/// optional short note (<see cref="NoteMax"/> characters) adds a call's result in key words. The note is
/// personal data of the lead (lead_touchpoints.note: exported and erased with it).
/// </summary>
public sealed class LogTouchpoint(TeamDatabase db, TimeProvider clock)
{
    // An unknown note code or a direction that contradicts it raises invalid_parameter_value (German message).
    private const string Sql = """
        select touchpoint_id as touchpointid, lower(direction::text) as direction, from_stage::text as fromstage, to_stage::text as tostage
        from public.record_touchpoint(@LeadId, @Channel, @NoteCode, @At, null, @Direction::public.touchpoint_direction, @Note)
        """;

    public static readonly IReadOnlyList<string> Channels = ["dm", "email", "call", "meeting"];
    public const int NoteCodeMax = 41;
    public const int NoteMax = 500;

    /// <summary>The German message for a note over <see cref="NoteMax"/> characters (also for task completion).</summary>
    public static readonly string NoteTooLong =
        $"Die Notiz darf höchstens {NoteMax} Zeichen lang sein: Ergebnis in Stichworten, keine Mitschrift und keine Chat-Inhalte.";

    /// <summary>The note as stored (line breaks kept, white space folded; empty is none) and whether it is too long.</summary>
    public static (string? Note, bool TooLong) NormaliseNote(string? note) =>
        LeadValidator.NormaliseMultiline(note) is { } text ? (text, text.Length > NoteMax) : (null, false);

    /// <summary>The body of <c>POST /api/leads/{leadId}/touchpoints</c> (snake_case in JSON).</summary>
    public sealed record Request(string? Channel, string? NoteCode, string? Direction, string? OccurredAt, string? Note = null);

    /// <summary>What to record: <see cref="Direction"/> is INBOUND/OUTBOUND or null (the code's own).</summary>
    public sealed record Touchpoint(string Channel, string NoteCode, string? Direction, DateTime? OccurredAt, string? Note = null);

    /// <summary>
    /// The touchpoint, or problems per field (German). Whether the note code exists the database says. A note
    /// that is too long is reported at <c>note</c> (the endpoint answers 422 when that is the only problem).
    /// </summary>
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

        var (note, tooLong) = NormaliseNote(request.Note);
        if (tooLong) errors["note"] = [NoteTooLong];

        return errors.Count > 0
            ? (null, errors)
            : (new Touchpoint(channel!, code!, direction?.ToUpperInvariant(), occurredAt, note), errors);
    }

    /// <summary>The recorded touchpoint and the lead's stage before and after, or null when the lead does not exist.</summary>
    /// <remarks>Runs as <paramref name="user"/> (RLS: team members only).</remarks>
    public async Task<LoggedTouchpoint?> ExecuteAsync(TeamUser user, Guid leadId, Touchpoint touchpoint, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var logged = await team.Connection.QuerySingleOrDefaultAsync<LoggedTouchpoint>(new CommandDefinition(Sql, new
        {
            LeadId = leadId, touchpoint.Channel, touchpoint.NoteCode, touchpoint.Direction, touchpoint.Note,
            At = touchpoint.OccurredAt ?? clock.GetUtcNow().UtcDateTime,
        }, team.Transaction, cancellationToken: ct));
        await team.CommitAsync(ct);
        return logged;
    }
}

/// <summary>direction: inbound or outbound; stages as in public.lead_stage (to_stage = from_stage when nothing moved).</summary>
public sealed record LoggedTouchpoint(Guid TouchpointId, string Direction, string FromStage, string ToStage);
