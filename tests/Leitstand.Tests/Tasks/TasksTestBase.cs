using System.Globalization;
using Dapper;
using Leitstand.Pipeline;
using Leitstand.Platform;
using Leitstand.Tasks;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Tasks;

/// <summary>
/// The daily list works on the whole database, so its tests live in the past: every lead a test creates is
/// moved to the dates it names (2024, or the daylight saving days of 2026), where no other test's rows are
/// due. Before and after each test, what a test generated for a date before <see cref="PastEnd"/> is deleted
/// (its leads, tasks, ledger rows and digests). The host runs on a clock the test sets.
/// </summary>
public abstract class TasksTestBase(StackFixture stack) : IAsyncLifetime
{
    protected static readonly TimeZoneInfo Berlin = BerlinTime.Zone;
    /// <summary>Test dates lie before this day (real data of other tests lies after it).</summary>
    protected static readonly DateTime PastEnd = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    protected StackFixture Stack { get; } = stack;
    protected ManualClock Clock { get; } = new(new DateTimeOffset(2024, 3, 13, 4, 0, 0, TimeSpan.Zero));
    protected RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await CleanUpAsync();
        Host = await RunningHost.StartAsync(Stack, options: o => o with { ConfigureServices = s => s.AddSingleton<TimeProvider>(Clock) });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await CleanUpAsync();
    }

    private async Task CleanUpAsync()
    {
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            delete from leads where created_at < @PastEnd;
            delete from tasks where generated_for < @PastEnd::date or (lead_id is null and due_at < @PastEnd);
            delete from task_generation_runs where berlin_date < @PastEnd::date;
            delete from alerts where kind = 'daily_tasks' and occurred_at < @PastEnd;
            update task_settings set weekend_to_monday = true, generate_at_hour = 5, first_contact_urgent_after = interval '24 hours';
            """, new { PastEnd });
    }

    /// <summary>An instant from a Berlin wall-clock time.</summary>
    protected static DateTime Local(int year, int month, int day, int hour, int minute = 0) =>
        TimeZoneInfo.ConvertTimeToUtc(new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified), Berlin);

    protected static DateOnly Day(DateTime utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, Berlin));

    /// <summary>
    /// A lead that reached <paramref name="stage"/> (along allowed moves) at <paramref name="at"/>: its creation,
    /// stage history, stage events and touchpoints are moved there.
    /// </summary>
    protected async Task<Guid> LeadAsync(string stage, DateTime at, string name = "Lena Lead", string basis = "form", DateTime? callAt = null)
    {
        var id = await Crm.CreateLeadAsync(Stack.Admin, stage, name);
        await using var connection = await Stack.Admin.OpenConnectionAsync();
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

    public sealed record TaskRow(Guid Id, string Kind, string? Rule, string Title, string? Details, string Status, string Priority,
        DateTime DueAt, int? PlaybookStep, string? PlaybookKey, DateOnly? GeneratedFor, string? CancelReason);

    protected async Task<List<TaskRow>> TasksOfAsync(Guid lead)
    {
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        return (await connection.QueryAsync<TaskRow>("""
            select id, kind, rule, title, details, status::text as status, priority, due_at as dueat, playbook_step as playbookstep,
                   playbook_key as playbookkey, generated_for as generatedfor, cancel_reason as cancelreason
            from tasks where lead_id = @lead order by due_at, playbook_step, id
            """, new { lead })).ToList();
    }

    protected async Task<List<TaskRow>> GeneratedAsync(string rule, DateOnly date)
    {
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        return (await connection.QueryAsync<TaskRow>("""
            select id, kind, rule, title, details, status::text as status, priority, due_at as dueat, playbook_step as playbookstep,
                   playbook_key as playbookkey, generated_for as generatedfor, cancel_reason as cancelreason
            from tasks where rule = @rule and generated_for = @date::date order by title
            """, new { rule, date = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) })).ToList();
    }

    protected async Task ExecuteAsync(string sql, object? param = null)
    {
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, param);
    }

    protected Task<T> ScalarAsync<T>(string sql, object? param = null) => Crm.ScalarAsync<T>(Stack.Admin, sql, param);
}
