using Dapper;
using Leitstand.Auth;
using Leitstand.Platform;

namespace Leitstand.Tasks;

/// <summary>
/// The team's task list for a Berlin date: the day's list (due today or overdue, the default), only today,
/// only overdue, done that day, or the next seven days; filtered by assignee or kind. Each task comes with
/// its lead's stage and the playbook it belongs to; high priority and overdue first.
/// </summary>
public sealed class ListTasks(TeamDatabase db, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> Views = ["day", "today", "overdue", "done", "upcoming"];

    private const string Sql = """
        with bounds as (
          select public.berlin_day_start(@Date::date) as day_start, public.berlin_day_start(@Date::date + 1) as day_end
        )
        select t.id, t.kind, t.rule, public.task_text(t.title, l.name, l.company, l.handle) as title,
               case when t.rule = 'overdue_summary' then replace(t.details, '{aufgaben}', coalesce(public.overdue_summary_lines(t.attributes -> 'items'), ''))
                    else public.task_text(t.details, l.name, l.company, l.handle) end as details,
               listed.tasks as listedtasks,
               lower(t.status::text) as status, t.priority, t.due_at as dueat,
               t.status = 'OPEN' and t.due_at < b.day_start as overdue,
               t.assignee, tm.display_name as assigneename, t.outcome, t.outcome_channel as outcomechannel,
               t.outcome_note_code as outcomenotecode, t.completed_at as completedat, t.cancel_reason as cancelreason,
               t.lead_id as leadid, l.name as leadname, l.stage::text as leadstage, public.lead_stage_label(l.stage) as leadstagelabel,
               l.contact_basis::text as contactbasis,
               t.playbook_key as playbookkey, t.playbook_step as playbookstep, p.title as playbooktitle, p.document as playbookdocument
        from public.tasks t
        cross join bounds b
        left join public.leads l on l.id = t.lead_id
        left join public.playbooks p on p.key = t.playbook_key
        left join public.team_members tm on tm.user_id = t.assignee
        -- the tasks an overdue summary lists, by reference: titles and names read now (an erased lead's task is gone)
        left join lateral (
          select json_agg(json_build_object('task_id', i.item ->> 'task_id', 'due_at', (i.item ->> 'due_at')::timestamptz,
                                            'lead_id', x.lead_id, 'lead_name', lx.name,
                                            'title', public.task_text(x.title, lx.name, lx.company, lx.handle), 'gone', x.id is null,
                                            'status', lower(x.status::text), 'outcome', x.outcome)
                          order by i.position)::text as tasks
          from jsonb_array_elements(t.attributes -> 'items') with ordinality as i(item, position)
          left join public.tasks x on x.id = (i.item ->> 'task_id')::uuid
          left join public.leads lx on lx.id = x.lead_id
        ) listed on t.rule = 'overdue_summary'
        where case @View
                when 'day' then t.status = 'OPEN' and t.due_at < b.day_end
                when 'today' then t.status = 'OPEN' and t.due_at >= b.day_start and t.due_at < b.day_end
                when 'overdue' then t.status = 'OPEN' and t.due_at < b.day_start
                when 'done' then t.status <> 'OPEN' and t.completed_at >= b.day_start and t.completed_at < b.day_end
                else t.status = 'OPEN' and t.due_at >= b.day_end and t.due_at < public.berlin_day_start(@Date::date + 8)
              end
          and (@Assignee::uuid is null or t.assignee = @Assignee::uuid)
          and (not @Unassigned or t.assignee is null)
          and (@Kind::text is null or t.kind = @Kind::text)
        order by t.priority = 'high' desc, t.due_at, t.id
        limit @Limit
        """;

    public const int Limit = 500;

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only).</summary>
    public async Task<TaskList> ExecuteAsync(TeamUser user, TaskQuery query, CancellationToken ct)
    {
        var date = query.Date ?? BerlinTime.Today(clock.GetUtcNow().UtcDateTime);
        await using var team = await db.BeginAsync(user, ct);
        var rows = (await team.Connection.QueryAsync<TaskRow>(new CommandDefinition(Sql, new
        {
            Date = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            query.View,
            query.Assignee,
            query.Unassigned,
            query.Kind,
            Limit,
        }, team.Transaction, cancellationToken: ct))).ToList();
        await team.CommitAsync(ct);
        return new TaskList(date, query.View, rows.Select(TaskView.From).ToList(), rows.Count == Limit);
    }

    internal sealed record TaskRow(Guid Id, string Kind, string? Rule, string Title, string? Details, string? ListedTasks, string Status, string Priority,
        DateTime DueAt, bool Overdue, Guid? Assignee, string? AssigneeName, string? Outcome, string? OutcomeChannel, string? OutcomeNoteCode,
        DateTime? CompletedAt, string? CancelReason, Guid? LeadId, string? LeadName, string? LeadStage, string? LeadStageLabel,
        string? ContactBasis, string? PlaybookKey, int? PlaybookStep, string? PlaybookTitle, string? PlaybookDocument);

    /// <summary>
    /// A task as the team reads it: title and details with the lead's name filled in now (stored without it);
    /// <see cref="ListedTasks"/>: the tasks an overdue summary lists, by reference (null for every other task).
    /// </summary>
    public sealed record TaskView(Guid Id, string Kind, string? Rule, string Title, string? Details, string Status, string Priority,
        DateTime DueAt, bool Overdue, TaskAssignee? Assignee, TaskOutcome? Outcome, TaskLead? Lead, TaskPlaybook? Playbook,
        IReadOnlyList<ListedTask>? ListedTasks)
    {
        internal static TaskView From(TaskRow r) => new(r.Id, r.Kind, r.Rule, r.Title, r.Details, r.Status, r.Priority, r.DueAt, r.Overdue,
            r.Assignee is { } a ? new TaskAssignee(a, r.AssigneeName) : null,
            r.CompletedAt is { } done ? new TaskOutcome(r.Outcome, r.OutcomeChannel, r.OutcomeNoteCode, done, r.CancelReason) : null,
            r.LeadId is { } l ? new TaskLead(l, r.LeadName!, r.LeadStage!, r.LeadStageLabel!, r.ContactBasis!) : null,
            r.PlaybookKey is { } p ? new TaskPlaybook(p, r.PlaybookStep, r.PlaybookTitle, r.PlaybookDocument is { } d ? "docs/" + d : null) : null,
            r.Rule == "overdue_summary"
                ? System.Text.Json.JsonSerializer.Deserialize<List<ListedTask>>(r.ListedTasks ?? "[]", JsonConvention.Default) ?? []
                : null);
    }

    /// <summary>
    /// A task listed by an overdue summary: its id and due date as listed; its lead, title (name filled in), status
    /// (open, done, cancelled) and outcome (done, skipped) read now; <see cref="Gone"/> when the task no longer exists
    /// (its lead erased or deleted; status and outcome null).
    /// </summary>
    public sealed record ListedTask(Guid TaskId, DateTime DueAt, Guid? LeadId, string? LeadName, string? Title, bool Gone,
        string? Status, string? Outcome);

    public sealed record TaskAssignee(Guid UserId, string? DisplayName);
    public sealed record TaskOutcome(string? Outcome, string? Channel, string? NoteCode, DateTime At, string? Reason);
    public sealed record TaskLead(Guid Id, string Name, string Stage, string StageLabel, string ContactBasis);
    public sealed record TaskPlaybook(string Key, int? Step, string? Title, string? Document);
}

public sealed record TaskQuery(DateOnly? Date, string View = "day", Guid? Assignee = null, bool Unassigned = false, string? Kind = null);

public sealed record TaskList(DateOnly Date, string View, IReadOnlyList<ListTasks.TaskView> Tasks, bool Truncated);
