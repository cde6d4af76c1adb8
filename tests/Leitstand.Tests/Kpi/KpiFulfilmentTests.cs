using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Kpi;

/// <summary>
/// The board's fulfilment figures (GET /api/kpi, section "fulfilment"): onboardings submitted and installs finished
/// in the chosen period, days from WON to each, and the install's duration against its booked five hours. Berlin
/// periods as the rest of the board; a running period counts up to now.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class KpiFulfilmentTests(StackFixture stack) : KpiTestBase(stack)
{
    private async Task<Guid> WonLeadAsync(DateTime wonAt) =>
        await LeadAsync([At("NEW", wonAt.AddDays(-10)), At("CALL_BOOKED", wonAt.AddDays(-5)), At("WON", wonAt)]);

    private Task OnboardingAsync(Guid lead, DateTime? submittedAt) => ExecuteAsync("""
        insert into onboarding_answers (lead_id, template_version, state, answers, created_at, updated_at, submitted_at)
        values (@lead, (select max(version) from onboarding_templates), case when @submittedAt::timestamptz is null then 'draft' else 'submitted' end,
                '{}', @created, coalesce(@submittedAt, @created), @submittedAt)
        """, new { lead, submittedAt, created = (submittedAt ?? Local(2024, 3, 1, 9)).AddDays(-1) });

    /// <summary>
    /// A run booked for <paramref name="startsAt"/> (a 5-hour block) with two items: one a person marked at
    /// <paramref name="firstMarkedAt"/> and "Monitoring verbunden" ticked by the heartbeat at
    /// <paramref name="heartbeatAt"/>; finished at <paramref name="finishedAt"/> (null: still booked, the person's item open).
    /// </summary>
    private Task InstallAsync(Guid lead, DateTime startsAt, DateTime? firstMarkedAt, DateTime? finishedAt, DateTime? heartbeatAt = null) => ExecuteAsync("""
        with run as (
          insert into install_runs (lead_id, installer, checklist_version, starts_at, ends_at, state, finished_at, created_at)
          values (@lead, gen_random_uuid(), (select max(version) from install_checklist_versions), @startsAt, @startsAt::timestamptz + interval '5 hours',
                  case when @finishedAt::timestamptz is null then 'booked' else 'finished' end, @finishedAt, @startsAt::timestamptz - interval '7 days')
          returning id, starts_at, ends_at
        )
        insert into install_run_items (run_id, position, block, block_title, block_outcome, box_starts_at, box_ends_at, title, kind,
                                       safety_baseline, state, marked_at, marked_by)
        select run.id, x.position, 1, 'Kick-off', 'Ziele klar', run.starts_at, run.ends_at, x.title, x.kind, false,
               case when x.marked_at is null then 'open' else 'done' end, x.marked_at, case when x.marked_at is not null then x.marked_by end
        from run, (values (1, 'Ziele bestätigt', 'check', @firstMarkedAt::timestamptz, 'a0000000-0000-4000-8000-000000000001'),
                          (2, 'Monitoring verbunden', 'monitoring', coalesce(@heartbeatAt::timestamptz, @finishedAt::timestamptz), 'heartbeat'))
             as x (position, title, kind, marked_at, marked_by)
        """, new { lead, startsAt, firstMarkedAt, finishedAt, heartbeatAt });

    private static string Onboarding(JsonElement board)
    {
        var o = board.GetProperty("fulfilment").GetProperty("onboarding");
        return $"{o.GetProperty("submitted")} / {o.GetProperty("median_days")} / {o.GetProperty("max_days")}";
    }

    private static string Install(JsonElement board)
    {
        var i = board.GetProperty("fulfilment").GetProperty("install");
        return $"{i.GetProperty("finished")} / {i.GetProperty("median_days")} / {i.GetProperty("max_days")} / " +
               $"{i.GetProperty("median_hours")} h / {i.GetProperty("max_hours")} h / {i.GetProperty("over_booked")} over {i.GetProperty("booked_hours")} h";
    }

    [Fact]
    public async Task Onboardings_count_in_the_berlin_week_they_were_submitted_with_median_and_max_days_since_won()
    {
        // Week 11 of 2024: 11–17 March (CET).
        await OnboardingAsync(await WonLeadAsync(Local(2024, 3, 4, 10)), Local(2024, 3, 11, 10));        // 7 days
        await OnboardingAsync(await WonLeadAsync(Local(2024, 3, 8, 10)), Local(2024, 3, 12, 22));        // 4.5 days
        await OnboardingAsync(await WonLeadAsync(Local(2024, 3, 15, 11, 30)), Local(2024, 3, 17, 23, 30)); // Sunday 23:30: 2.5 days, still week 11
        await OnboardingAsync(await WonLeadAsync(Local(2024, 3, 5, 10)), Local(2024, 3, 18, 0, 30));    // Monday 00:30: week 12
        await OnboardingAsync(await WonLeadAsync(Local(2024, 3, 6, 10)), null);                          // a draft counts nowhere

        Assert.Equal("3 / 4.5 / 7.0", Onboarding(await BoardAsync("week=2024-W11", Local(2024, 3, 25, 9))));
        Assert.Equal("1 / 12.6 / 12.6", Onboarding(await BoardAsync("week=2024-W12", Local(2024, 3, 25, 9))));
        Assert.Equal("4 / 5.8 / 12.6", Onboarding(await BoardAsync("month=2024-03", Local(2024, 3, 25, 9))));
        // The running week as of Tuesday noon: only what was submitted by then.
        Assert.Equal("1 / 7.0 / 7.0", Onboarding(await BoardAsync("week=2024-W11", Local(2024, 3, 12, 12))));
    }

    [Fact]
    public async Task An_onboarding_of_a_lead_without_a_move_to_won_counts_but_has_no_days()
    {
        // The history was corrected by hand: the lead never moved to WON, its onboarding was submitted all the same.
        await OnboardingAsync(await WonLeadAsync(Local(2024, 3, 4, 10)), Local(2024, 3, 11, 10));
        var unwon = await LeadAsync([At("NEW", Local(2024, 3, 1, 9)), At("CALL_BOOKED", Local(2024, 3, 4, 9))]);
        await OnboardingAsync(unwon, Local(2024, 3, 12, 10));

        Assert.Equal("2 / 7.0 / 7.0", Onboarding(await BoardAsync("week=2024-W11", Local(2024, 3, 25, 9))));
    }

    [Fact]
    public async Task Installs_count_in_the_period_they_finished_with_days_since_won_and_their_duration_against_the_booked_five_hours()
    {
        // On time: booked 09:00, the first item at 09:20, done 13:30: 4.5 h. The agent's first heartbeat came two
        // days before the appointment and starts nothing.
        await InstallAsync(await WonLeadAsync(Local(2024, 3, 1, 10)), Local(2024, 3, 11, 9), Local(2024, 3, 11, 9, 20), Local(2024, 3, 11, 13, 30),
            heartbeatAt: Local(2024, 3, 9, 9));
        // Started half an hour early, done 15:00: 6.5 h, longer than the five booked.
        await InstallAsync(await WonLeadAsync(Local(2024, 3, 4, 10)), Local(2024, 3, 13, 9), Local(2024, 3, 13, 8, 30), Local(2024, 3, 13, 15));
        // Started an hour late (booked start counts), done 14:30: 5.5 h.
        await InstallAsync(await WonLeadAsync(Local(2024, 3, 5, 10)), Local(2024, 3, 19, 9), Local(2024, 3, 19, 10, 15), Local(2024, 3, 19, 14, 30));
        // Booked, not finished: counts nowhere.
        await InstallAsync(await WonLeadAsync(Local(2024, 3, 6, 10)), Local(2024, 3, 14, 9), null, null);

        Assert.Equal("2 / 9.7 / 10.1 / 5.5 h / 6.5 h / 1 over 5.0 h", Install(await BoardAsync("week=2024-W11", Local(2024, 3, 25, 9))));
        Assert.Equal("1 / 14.2 / 14.2 / 5.5 h / 5.5 h / 1 over 5.0 h", Install(await BoardAsync("week=2024-W12", Local(2024, 3, 25, 9))));
        Assert.Equal("3 / 10.1 / 14.2 / 5.5 h / 6.5 h / 2 over 5.0 h", Install(await BoardAsync("month=2024-03", Local(2024, 3, 25, 9))));
        // As of Wednesday 14:00 the second run is not done yet.
        Assert.Equal("1 / 10.1 / 10.1 / 4.5 h / 4.5 h / 0 over 5.0 h", Install(await BoardAsync("week=2024-W11", Local(2024, 3, 13, 14))));
    }

    [Fact]
    public async Task A_period_without_fulfilment_has_zero_counts_and_no_medians()
    {
        await WonLeadAsync(Local(2024, 3, 4, 10));

        var fulfilment = (await BoardAsync("week=2024-W11", Local(2024, 3, 25, 9))).GetProperty("fulfilment");

        Assert.Equal("""{"onboarding":{"submitted":0,"median_days":null,"max_days":null},"install":{"finished":0,"median_days":null,"max_days":null,"median_hours":null,"max_hours":null,"booked_hours":null,"over_booked":0}}""",
            JsonSerializer.Serialize(fulfilment));
    }
}
