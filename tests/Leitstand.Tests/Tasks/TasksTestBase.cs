using System.Globalization;
using Dapper;
using Leitstand.Pipeline;
using Leitstand.Tasks;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Tasks;

/// <summary>
/// The daily list works on the whole database, so each test has a database of its own (<see cref="OwnDatabaseTestBase"/>):
/// every lead a test creates is moved to the dates it names (2024, or the daylight saving days of 2026), and the
/// rules see those leads and no others, with the default task settings.
/// </summary>
public abstract class TasksTestBase(StackFixture stack) : OwnDatabaseTestBase(stack, new DateTimeOffset(2024, 3, 13, 4, 0, 0, TimeSpan.Zero))
{
    /// <summary>
    /// A lead that reached <paramref name="stage"/> (along allowed moves) at <paramref name="at"/>: its creation,
    /// stage history, stage events and touchpoints are moved there.
    /// </summary>
    protected async Task<Guid> LeadAsync(string stage, DateTime at, string name = "Lena Lead", string basis = "form", DateTime? callAt = null)
    {
        var id = await Crm.CreateLeadAsync(Admin, stage, name);
        await using var connection = await Admin.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            update leads set created_at = @at, stage_changed_at = @at, contact_basis = @basis::contact_basis,
              call_at = coalesce(@callAt, call_at) where id = @id;
            update lead_stage_history set changed_at = @at where lead_id = @id;
            update pipeline_events set occurred_at = @at where lead_id = @id;
            update lead_touchpoints set occurred_at = @at where lead_id = @id;
            update deals set won_at = @at where lead_id = @id and won_at is not null;
            """, new { id, at, basis, callAt });
        return id;
    }

    /// <summary>Generates the list of <paramref name="at"/>'s Berlin date as of that instant (as the team's call would).</summary>
    protected Task<DailyTasksResult> GenerateAsync(DateTime at)
    {
        Clock.Set(at);
        return Host.Services.GetRequiredService<GenerateDailyTasks>().ExecuteAsync(Day(at), CancellationToken.None);
    }

    /// <summary>One run of the 15-minute timer at <paramref name="at"/>.</summary>
    protected Task<DailyTasksResult> TimerAsync(DateTime at)
    {
        Clock.Set(at);
        return Host.Services.GetRequiredService<GenerateDailyTasks>().RunScheduledAsync(CancellationToken.None);
    }

    protected Task<int> ProcessEventsAsync() => Host.Services.GetRequiredService<ProcessPipelineEvents>().ExecuteAsync(CancellationToken.None);

    /// <summary>A task as the team reads it (<see cref="Title"/>, <see cref="Details"/>: names filled in at read time) and as stored.</summary>
    public sealed record TaskRow(Guid Id, string Kind, string? Rule, string Title, string? Details, string Status, string Priority,
        DateTime DueAt, int? PlaybookStep, string? PlaybookKey, DateOnly? GeneratedFor, string? CancelReason, string StoredTitle, string? StoredDetails);

    private const string TaskColumns = """
        t.id, t.kind, t.rule, public.task_text(t.title, l.name, l.company, l.handle) as title,
        case when t.rule = 'overdue_summary' then replace(t.details, '{aufgaben}', coalesce(public.overdue_summary_lines(t.attributes -> 'items'), ''))
             else public.task_text(t.details, l.name, l.company, l.handle) end as details,
        t.status::text as status, t.priority, t.due_at as dueat, t.playbook_step as playbookstep,
        t.playbook_key as playbookkey, t.generated_for as generatedfor, t.cancel_reason as cancelreason,
        t.title as storedtitle, t.details as storeddetails
        """;

    protected async Task<List<TaskRow>> TasksOfAsync(Guid lead)
    {
        await using var connection = await Admin.OpenConnectionAsync();
        return (await connection.QueryAsync<TaskRow>($"""
            select {TaskColumns}
            from tasks t left join leads l on l.id = t.lead_id where t.lead_id = @lead order by t.due_at, t.playbook_step, t.id
            """, new { lead })).ToList();
    }

    protected async Task<List<TaskRow>> GeneratedAsync(string rule, DateOnly date)
    {
        await using var connection = await Admin.OpenConnectionAsync();
        return (await connection.QueryAsync<TaskRow>($"""
            select {TaskColumns}
            from tasks t left join leads l on l.id = t.lead_id where t.rule = @rule and t.generated_for = @date::date order by 4
            """, new { rule, date = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) })).ToList();
    }
}
