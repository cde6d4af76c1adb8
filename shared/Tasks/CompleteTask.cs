using Dapper;
using Leitstand.Auth;
using Leitstand.Leads;

namespace Leitstand.Tasks;

/// <summary>
/// Closes an open task with an outcome. Done with a channel records the touchpoint and, where the task
/// implies it, moves the lead in the same transaction (public.complete_task → public.record_touchpoint): a
/// first contact done → CONTACTED; a reply recorded (an inbound note code such as "replied") → REPLIED,
/// which stops the follow-ups at once. Skipped closes the task and nothing else, except where the task's playbook step
/// cannot be skipped (the safety baseline of the install: it is ticked item by item in the install run). Never a chat content:
/// the channel, a note code and, where a touchpoint is recorded, an optional short note (a call's result in key
/// words, <see cref="LogTouchpoint.NoteMax"/> characters, as for touchpoints logged without a task).
/// </summary>
public sealed class CompleteTask(TeamDatabase db, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> Outcomes = ["done", "skipped"];
    public static readonly IReadOnlyList<string> Channels = ["dm", "email", "call", "meeting"];

    private const string Sql = """
        select c.result, c.lead_id as leadid, c.touchpoint_id as touchpointid, c.from_stage::text as fromstage, c.to_stage::text as tostage
        from public.complete_task(@TaskId, @Outcome, @Channel, @NoteCode, @At, @Note) c
        """;

    public sealed record Request(string? Outcome, string? Channel, string? NoteCode, string? Note = null);

    /// <summary>What a note needs: a touchpoint, so done with a channel (on a task of a lead).</summary>
    public const string NoteWithoutTouchpoint =
        "Eine Notiz gehört zu einem erfassten Kontakt: bitte „done“ mit Kanal angeben (bei einer Aufgabe zu einem Lead).";

    /// <summary>Why the safety-baseline task cannot be skipped, and what to do instead.</summary>
    public const string NotSkippable =
        "Die Sicherheits-Baseline wird nie übersprungen. Sie wird in der Installation (beim Lead unter „Installation“) Punkt für Punkt abgehakt; "
        + "trifft ein Punkt nicht zu, dort „nicht anwendbar“ mit Grund. Diese Aufgabe danach mit „Erledigt“ abschließen.";

    public static Dictionary<string, string[]> Validate(Request request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Outcome is null || !Outcomes.Contains(request.Outcome))
            errors["outcome"] = ["Bitte „done“ (erledigt) oder „skipped“ (übersprungen) angeben."];
        if (request.Channel is not null && !Channels.Contains(request.Channel))
            errors["channel"] = ["Erlaubt sind dm, email, call und meeting."];
        if (request.NoteCode is not null && (request.NoteCode.Length > 40 || !request.NoteCode.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_')))
            errors["note_code"] = ["Ein Notiz-Code aus der Liste (z. B. first_message_sent, replied), keine freie Notiz."];
        var (note, tooLong) = LogTouchpoint.NormaliseNote(request.Note);
        if (tooLong) errors["note"] = [LogTouchpoint.NoteTooLong];
        else if (note is not null && (request.Outcome != "done" || request.Channel is null)) errors["note"] = [NoteWithoutTouchpoint];
        return errors;
    }

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only), one transaction.</summary>
    public async Task<CompleteTaskResult> ExecuteAsync(TeamUser user, Guid taskId, Request request, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var row = await team.Connection.QuerySingleAsync<Row>(new CommandDefinition(Sql, new
        {
            TaskId = taskId,
            request.Outcome,
            request.Channel,
            request.NoteCode,
            LogTouchpoint.NormaliseNote(request.Note).Note,
            At = clock.GetUtcNow().UtcDateTime,
        }, team.Transaction, cancellationToken: ct));
        await team.CommitAsync(ct);
        return new CompleteTaskResult(row.Result switch
        {
            "completed" => CompleteTaskStatus.Completed,
            "not_open" => CompleteTaskStatus.NotOpen,
            "not_skippable" => CompleteTaskStatus.NotSkippable,
            "channel_required" => CompleteTaskStatus.ChannelRequired,
            "note_without_touchpoint" => CompleteTaskStatus.NoteWithoutTouchpoint,
            _ => CompleteTaskStatus.NotFound,
        }, row.LeadId, row.TouchpointId, row.FromStage, row.ToStage);
    }

    private sealed record Row(string Result, Guid? LeadId, Guid? TouchpointId, string? FromStage, string? ToStage);
}

/// <summary><see cref="NotSkippable"/>: skipped, but the task's playbook step cannot be skipped (the install's safety baseline).</summary>
public enum CompleteTaskStatus { Completed, NotFound, NotOpen, ChannelRequired, NoteWithoutTouchpoint, NotSkippable }

public sealed record CompleteTaskResult(CompleteTaskStatus Status, Guid? LeadId, Guid? TouchpointId, string? FromStage, string? ToStage);
