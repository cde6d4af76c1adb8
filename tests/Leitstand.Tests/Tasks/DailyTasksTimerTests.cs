using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Tasks;

/// <summary>
/// The 15-minute timer (UTC): the day's list once per Berlin date after the configured hour, right across the
/// daylight saving changes, with several instances and after a night without runs.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DailyTasksTimerTests(StackFixture stack) : TasksTestBase(stack)
{
    /// <summary>Whether the ledger has the date (one row per Berlin date, written by its first run).</summary>
    private Task<int> LedgerRunsAsync(DateOnly date) =>
        ScalarAsync<int>("select count(*)::int from task_generation_runs where berlin_date = @date::date",
            new { date = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });

    [Fact]
    public async Task Before_the_hour_nothing_is_generated_and_at_the_hour_the_list_once()
    {
        var lead = await LeadAsync("NEW", Local(2024, 5, 6, 20));

        var early = await TimerAsync(Local(2024, 5, 7, 4, 45));
        var first = await TimerAsync(Local(2024, 5, 7, 5, 0));
        var second = await TimerAsync(Local(2024, 5, 7, 5, 15));

        Assert.Equal((false, "before_hour"), (early.Generated, early.Reason));
        Assert.True(first.Generated);
        Assert.Equal((false, "already_generated"), (second.Generated, second.Reason));
        Assert.Single(await TasksOfAsync(lead));
        Assert.Equal(1, await LedgerRunsAsync(new DateOnly(2024, 5, 7)));
    }

    [Fact]
    public async Task On_the_spring_change_05_00_in_berlin_is_03_00_utc()
    {
        // 29 March 2026: clocks go from 02:00 to 03:00; 02:45 UTC is 04:45 CEST.
        var early = await TimerAsync(new DateTime(2026, 3, 29, 2, 45, 0, DateTimeKind.Utc));
        var due = await TimerAsync(new DateTime(2026, 3, 29, 3, 0, 0, DateTimeKind.Utc));

        Assert.Equal((new DateOnly(2026, 3, 29), false), (early.Date, early.Generated));
        Assert.Equal((new DateOnly(2026, 3, 29), true), (due.Date, due.Generated));
    }

    [Fact]
    public async Task On_the_autumn_change_05_00_in_berlin_is_04_00_utc()
    {
        // 25 October 2026: clocks go from 03:00 back to 02:00; 03:45 UTC is 04:45 CET.
        var late = await TimerAsync(new DateTime(2026, 10, 24, 22, 30, 0, DateTimeKind.Utc));
        var early = await TimerAsync(new DateTime(2026, 10, 25, 3, 45, 0, DateTimeKind.Utc));
        var due = await TimerAsync(new DateTime(2026, 10, 25, 4, 0, 0, DateTimeKind.Utc));

        Assert.Equal((new DateOnly(2026, 10, 25), false), (late.Date, late.Generated));
        Assert.False(early.Generated);
        Assert.Equal((new DateOnly(2026, 10, 25), true), (due.Date, due.Generated));
    }

    [Fact]
    public async Task Two_instances_at_once_generate_the_list_once()
    {
        var lead = await LeadAsync("NEW", Local(2024, 5, 13, 20));
        Clock.Set(Local(2024, 5, 14, 5, 0));
        var generate = Host.Services.GetService(typeof(Leitstand.Tasks.GenerateDailyTasks)) as Leitstand.Tasks.GenerateDailyTasks;

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => generate!.RunScheduledAsync(CancellationToken.None))));

        Assert.Single(runs, r => r.Generated);
        Assert.Single(await TasksOfAsync(lead));
        Assert.Equal(1, await LedgerRunsAsync(new DateOnly(2024, 5, 14)));
        Assert.Equal(1, await ScalarAsync<int>("select count(*) from alerts where dedupe_key = 'daily_tasks:2024-05-14'"));
    }

    [Fact]
    public async Task A_day_without_any_run_is_caught_up_by_the_next_run()
    {
        // The host is down from Tuesday 04:00 to Wednesday 09:00: no run on Tuesday at all.
        var waiting = await LeadAsync("NEW", Local(2024, 5, 21, 8));
        var contacted = await LeadAsync("CONTACTED", Local(2024, 5, 19, 9));   // follow-up 1 was due Tuesday 09:00

        var run = await TimerAsync(Local(2024, 5, 22, 9, 0));

        Assert.Equal((new DateOnly(2024, 5, 22), true), (run.Date, run.Generated));
        Assert.Equal("high", Assert.Single(await TasksOfAsync(waiting)).Priority);
        Assert.Equal(Local(2024, 5, 21, 9), Assert.Single(await TasksOfAsync(contacted)).DueAt);
        Assert.Equal(0, await LedgerRunsAsync(new DateOnly(2024, 5, 21)));
    }

    [Fact]
    public async Task After_the_morning_run_a_new_lead_gets_its_first_contact_within_fifteen_minutes()
    {
        await TimerAsync(Local(2024, 5, 28, 5, 0));
        var lead = await LeadAsync("NEW", Local(2024, 5, 28, 10, 3));

        var run = await TimerAsync(Local(2024, 5, 28, 10, 15));

        Assert.Equal(1, run.Created["first_contact"]);
        Assert.Equal(Local(2024, 5, 28, 10, 3), Assert.Single(await TasksOfAsync(lead)).DueAt);
    }

    [Fact]
    public async Task The_hour_is_a_setting()
    {
        await ExecuteAsync("update task_settings set generate_at_hour = 7");

        var six = await TimerAsync(Local(2024, 6, 4, 6, 45));
        var seven = await TimerAsync(Local(2024, 6, 4, 7, 0));

        Assert.Equal((false, true), (six.Generated, seven.Generated));
    }
}
