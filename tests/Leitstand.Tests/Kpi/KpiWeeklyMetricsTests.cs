using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Kpi;

/// <summary>
/// The board's weekly minimums (GET /api/kpi?week=…): ISO weeks from Monday 00:00 in Berlin, right across the
/// daylight saving changes, with the four weeks before for a trend; a lead counts once per metric and week,
/// in every metric it reached.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class KpiWeeklyMetricsTests(StackFixture stack) : KpiTestBase(stack)
{
    [Fact]
    public async Task The_week_turns_at_midnight_in_berlin_also_in_the_week_the_clocks_go_forward()
    {
        // Week 13 of 2024 is 25–31 March; the clocks went forward on Sunday 31 March.
        await LeadAsync([At("NEW", Local(2024, 3, 24, 23, 30))]);   // Sunday 23:30 CET = 22:30 UTC: week 12
        await LeadAsync([At("NEW", Local(2024, 3, 25, 0, 30))]);    // Monday 00:30 CET = Sunday 23:30 UTC: week 13
        await LeadAsync([At("NEW", Local(2024, 3, 31, 23, 30))]);   // Sunday 23:30 CEST = 21:30 UTC: week 13
        await LeadAsync([At("NEW", Local(2024, 4, 1, 0, 30))]);     // Monday 00:30 CEST = Sunday 22:30 UTC: week 14

        var week13 = await BoardAsync("week=2024-W13", Local(2024, 4, 10, 9));
        var week14 = await BoardAsync("week=2024-W14", Local(2024, 4, 10, 9));

        Assert.Equal((2, 30, "0 0 0 1"), Metric(week13, "new_leads"));
        Assert.Equal((1, 30, "0 0 1 2"), Metric(week14, "new_leads"));
        Assert.Equal("KW 13/2024 (25.03.–31.03.2024)", week13.GetProperty("period").GetProperty("label").GetString());
        Assert.Equal(["2024-W09", "2024-W10", "2024-W11", "2024-W12"],
            week13.GetProperty("metrics")[0].GetProperty("trend").EnumerateArray().Select(t => t.GetProperty("period").GetString()));
    }

    [Fact]
    public async Task The_week_turns_at_midnight_in_berlin_also_in_the_week_the_clocks_go_back()
    {
        // Week 43 of 2024 is 21–27 October; the clocks went back on Sunday 27 October.
        await LeadAsync([At("NEW", Local(2024, 10, 21, 0, 30))]);   // Monday 00:30 CEST = Sunday 22:30 UTC: week 43
        await LeadAsync([At("NEW", Local(2024, 10, 27, 23, 30)),    // Sunday 23:30 CET = 22:30 UTC: week 43 …
                         At("CONTACTED", Local(2024, 10, 28, 0, 30))]);  // … contacted Monday 00:30 CET = Sunday 23:30 UTC: week 44

        var week43 = await BoardAsync("week=2024-W43", Local(2024, 11, 4, 9));
        var week44 = await BoardAsync("week=2024-W44", Local(2024, 11, 4, 9));

        Assert.Equal(2, Metric(week43, "new_leads").Value);
        Assert.Equal(0, Metric(week43, "first_contacts").Value);
        Assert.Equal((0, "0 0 0 2"), (Metric(week44, "new_leads").Value, Metric(week44, "new_leads").Trend));
        Assert.Equal(1, Metric(week44, "first_contacts").Value);
    }

    [Fact]
    public async Task A_lead_that_moved_several_stages_in_one_week_counts_in_each_metric_once()
    {
        // Week 20 of 2024: 13–19 May. One lead goes the whole way in the week; one books a call twice (back
        // to QUALIFIED in between); one books straight from NEW; a reopened lead is contacted again.
        await LeadAsync([At("NEW", Local(2024, 5, 13, 9)), At("CONTACTED", Local(2024, 5, 13, 10)), At("REPLIED", Local(2024, 5, 14, 10)),
                         At("QUALIFIED", Local(2024, 5, 15, 10)), At("CALL_BOOKED", Local(2024, 5, 15, 16)), At("WON", Local(2024, 5, 17, 10))]);
        await LeadAsync([At("NEW", Local(2024, 5, 9, 9)), At("CONTACTED", Local(2024, 5, 9, 12)), At("REPLIED", Local(2024, 5, 10, 12)),
                         At("CALL_BOOKED", Local(2024, 5, 13, 12)), At("QUALIFIED", Local(2024, 5, 14, 12)), At("CALL_BOOKED", Local(2024, 5, 15, 12))]);
        await LeadAsync([At("NEW", Local(2024, 5, 15, 8)), At("CALL_BOOKED", Local(2024, 5, 16, 20))]);
        await LeadAsync([At("NEW", Local(2024, 5, 6, 9)), At("CONTACTED", Local(2024, 5, 8, 9)), At("LOST", Local(2024, 5, 10, 9)),
                         At("NEW", Local(2024, 5, 13, 9)), At("CONTACTED", Local(2024, 5, 14, 9))]);

        var board = await BoardAsync("week=2024-W20", Local(2024, 5, 20, 8));

        Assert.Equal(2, Metric(board, "new_leads").Value);          // the reopened lead is not new
        Assert.Equal(3, Metric(board, "first_contacts").Value);     // NEW → CONTACTED twice, NEW → CALL_BOOKED once
        Assert.Equal(1, Metric(board, "replies").Value);
        Assert.Equal(3, Metric(board, "calls").Value);              // the lead that booked twice counts once
        Assert.Equal(1, Metric(board, "setups_sold").Value);
        Assert.Equal("0 0 0 2", Metric(board, "new_leads").Trend);
        Assert.Equal("0 0 0 2", Metric(board, "first_contacts").Trend);
        Assert.Equal("0 0 0 1", Metric(board, "replies").Trend);
    }

    [Fact]
    public async Task A_running_week_counts_up_to_now_and_says_what_is_due_by_tonight()
    {
        await LeadAsync([At("NEW", Local(2024, 6, 3, 9))]);
        await LeadAsync([At("NEW", Local(2024, 6, 6, 9))]);
        await LeadAsync([At("NEW", Local(2024, 6, 6, 15))]);   // after "now"

        // Thursday 6 June 2024, 12:00: four days of the week, 18 of 30 new leads due by tonight.
        var board = await BoardAsync("week=2024-W23", Local(2024, 6, 6, 12));

        var leads = board.GetProperty("metrics")[0];
        Assert.Equal((2, 18, false), (leads.GetProperty("value").GetInt32(), leads.GetProperty("expected_so_far").GetInt32(), leads.GetProperty("reached").GetBoolean()));
        Assert.False(board.GetProperty("period").GetProperty("complete").GetBoolean());
        Assert.Equal(4, board.GetProperty("period").GetProperty("days_elapsed").GetInt32());
    }

    [Fact]
    public async Task A_month_sums_its_berlin_days_against_the_weekly_minimum_times_days_over_seven()
    {
        await LeadAsync([At("NEW", Local(2024, 2, 29, 23, 30))]);   // February
        await LeadAsync([At("NEW", Local(2024, 3, 1, 0, 30))]);     // 29 February 23:30 UTC, but March in Berlin
        await LeadAsync([At("NEW", Local(2024, 3, 31, 23, 30))]);   // March (CEST)

        var board = await BoardAsync("month=2024-03", Local(2024, 4, 10, 9));

        // March: 31 days, 30 × 31 / 7 = 132.9 → 133 new leads; the trend are the four months before.
        Assert.Equal((2, 133, "0 0 0 1"), Metric(board, "new_leads"));
        Assert.Equal("März 2024", board.GetProperty("period").GetProperty("label").GetString());
        Assert.Equal(9, Metric(board, "setups_sold").Target);   // 2 × 31 / 7 = 8.9 → 9
    }
}
