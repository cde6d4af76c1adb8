using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Kpi;

/// <summary>
/// The board's funnel, time in stage, win rate, lost reasons and sources of won deals, on a fixed data set in
/// week 20 of 2024 (13–19 May) whose figures are worked out by hand below.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class KpiFunnelTests(StackFixture stack) : KpiTestBase(stack)
{
    /// <summary>
    /// P: the whole way in the week (NEW 1 h, CONTACTED 24 h, REPLIED 24 h, QUALIFIED 6 h, CALL_BOOKED 42 h), WON
    ///    with Setup and Retainer, from Instagram.
    /// Q: reopened: NEW 48 h, CONTACTED 48 h, LOST (Kein Budget) in week 19; back to NEW on Monday, NEW 24 h,
    ///    CONTACTED 48 h, REPLIED on Thursday.
    /// R: went back: REPLIED 72 h (since week 19), CALL_BOOKED 24 h, back to QUALIFIED 24 h, CALL_BOOKED 72 h,
    ///    LOST (Falscher Zeitpunkt) on Saturday.
    /// S: new on Tuesday, still NEW.
    /// T: new on Wednesday, NEW 36 h, call booked on Thursday, with an open Setup deal.
    /// </summary>
    private async Task SeedWeek20Async()
    {
        await LeadAsync([At("NEW", Local(2024, 5, 13, 9)), At("CONTACTED", Local(2024, 5, 13, 10)), At("REPLIED", Local(2024, 5, 14, 10)),
                         At("QUALIFIED", Local(2024, 5, 15, 10)), At("CALL_BOOKED", Local(2024, 5, 15, 16)), At("WON", Local(2024, 5, 17, 10))],
            utmSource: "instagram", packages: ["SETUP", "RETAINER"], name: "Paula Pfad");
        await LeadAsync([At("NEW", Local(2024, 5, 6, 9)), At("CONTACTED", Local(2024, 5, 8, 9)), At("LOST", Local(2024, 5, 10, 9)),
                         At("NEW", Local(2024, 5, 13, 9)), At("CONTACTED", Local(2024, 5, 14, 9)), At("REPLIED", Local(2024, 5, 16, 9))],
            lostReason: "preis", name: "Quirin Wieder");
        await LeadAsync([At("NEW", Local(2024, 5, 9, 9)), At("CONTACTED", Local(2024, 5, 9, 12)), At("REPLIED", Local(2024, 5, 10, 12)),
                         At("CALL_BOOKED", Local(2024, 5, 13, 12)), At("QUALIFIED", Local(2024, 5, 14, 12)), At("CALL_BOOKED", Local(2024, 5, 15, 12)),
                         At("LOST", Local(2024, 5, 18, 12))],
            lostReason: "keine_zeit", name: "Rita Zurück");
        await LeadAsync([At("NEW", Local(2024, 5, 14, 8))], name: "Sven Still");
        var t = await LeadAsync([At("NEW", Local(2024, 5, 15, 8)), At("CALL_BOOKED", Local(2024, 5, 16, 20))], name: "Tina Termin");
        await OpenDealAsync(t, "SETUP", Local(2024, 5, 16, 20));
    }

    private static (int Entered, int Advanced, int Lost, int Back, decimal? Conversion, decimal? Median, decimal? MedianTotal) Row(JsonElement board, string stage)
    {
        var s = Stage(board, stage);
        static decimal? Number(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDecimal();
        return (s.GetProperty("entered").GetInt32(), s.GetProperty("advanced").GetInt32(), s.GetProperty("lost").GetInt32(),
            s.GetProperty("back").GetInt32(), Number(s.GetProperty("conversion")), Number(s.GetProperty("median_hours")),
            Number(s.GetProperty("median_total_hours")));
    }

    [Fact]
    public async Task Conversion_and_time_in_stage_count_every_stay_so_a_lead_that_went_back_or_was_reopened_counts_in_full()
    {
        await SeedWeek20Async();

        var board = await BoardAsync("week=2024-W20", Local(2024, 5, 20, 8));

        // NEW: entered by P, S, T (created) and Q (reopened); left forward by P 1 h, Q 24 h, T 36 h → median 24 h;
        // in total P 1 h, Q 48 + 24 = 72 h, T 36 h → median 36 h.
        Assert.Equal((4, 3, 0, 0, 1.000m, 24.0m, 36.0m), Row(board, "NEW"));
        // CONTACTED: P 24 h, Q 48 h → 36 h; in total P 24 h, Q 48 + 48 = 96 h → 60 h.
        Assert.Equal((2, 2, 0, 0, 1.000m, 36.0m, 60.0m), Row(board, "CONTACTED"));
        // REPLIED: entered by P and Q; left by P 24 h and R 72 h (entered in week 19) → 48 h.
        Assert.Equal((2, 2, 0, 0, 1.000m, 48.0m, 48.0m), Row(board, "REPLIED"));
        // QUALIFIED: P 6 h, R 24 h (after its call was cancelled) → 15 h.
        Assert.Equal((2, 2, 0, 0, 1.000m, 15.0m, 15.0m), Row(board, "QUALIFIED"));
        // CALL_BOOKED: entered by P, R twice and T; P won after 42 h, R went back after 24 h and was lost after 72 h:
        // conversion 1 of 2 decided, median of 24, 42, 72 h = 42 h; in total P 42 h, R 96 h → 69 h. T is still there.
        Assert.Equal((4, 1, 1, 1, 0.500m, 42.0m, 69.0m), Row(board, "CALL_BOOKED"));
    }

    [Fact]
    public async Task Win_rate_lost_reasons_and_sources_count_each_lead_s_decision_in_the_week_it_was_made()
    {
        await SeedWeek20Async();

        var week20 = await BoardAsync("week=2024-W20", Local(2024, 5, 20, 8));
        var week19 = await BoardAsync("week=2024-W19", Local(2024, 5, 20, 8));

        Assert.Equal((1, 1, 0.500m), WinRate(week20));
        Assert.Equal([("Keine Zeit / falscher Zeitpunkt", 1)], Reasons(week20));
        // Q was lost in week 19 and has been reopened since: its reason stays with week 19.
        Assert.Equal((0, 1, 0.000m), WinRate(week19));
        Assert.Equal([("Zu teuer", 1)], Reasons(week19));

        var source = Assert.Single(week20.GetProperty("won_sources").EnumerateArray());
        Assert.Equal(("instagram", 2, 1, 163900L),
            (source.GetProperty("utm_source").GetString(), source.GetProperty("deals").GetInt32(), source.GetProperty("leads").GetInt32(),
             source.GetProperty("amount_cents").GetInt64()));
        Assert.Empty(week19.GetProperty("won_sources").EnumerateArray());
    }

    [Fact]
    public async Task Revenue_of_the_week_s_month_and_the_forecast_of_open_deals_weighted_by_stage()
    {
        await SeedWeek20Async();

        var board = await BoardAsync("week=2024-W20", Local(2024, 5, 20, 8));

        // May 2024 up to Sunday 19 May: P's Setup (1.490 €, the package's price) and its Retainer (149 €, since 17 May).
        var revenue = board.GetProperty("revenue");
        Assert.Equal(("2024-05", 149000L, 14900L, 163900L, 1000000L, 0.164m, 14900L, 1),
            (revenue.GetProperty("month").GetString(), revenue.GetProperty("one_time_cents").GetInt64(), revenue.GetProperty("recurring_cents").GetInt64(),
             revenue.GetProperty("total_cents").GetInt64(), revenue.GetProperty("goal_cents").GetInt64(), revenue.GetProperty("goal_share").GetDecimal(),
             revenue.GetProperty("mrr_cents").GetInt64(), revenue.GetProperty("active_retainers").GetInt32()));
        Assert.Equal("Umsatz Mai 2024 bis 19.05.2024", revenue.GetProperty("label").GetString());

        // T's open Setup in CALL_BOOKED: 1.490 € × 0,5.
        var forecast = board.GetProperty("forecast");
        Assert.Equal((74500L, 149000L, 1), (forecast.GetProperty("weighted_cents").GetInt64(), forecast.GetProperty("open_cents").GetInt64(),
            forecast.GetProperty("open_deals").GetInt32()));
        var stage = Assert.Single(forecast.GetProperty("by_stage").EnumerateArray());
        Assert.Equal(("CALL_BOOKED", "Call gebucht", 0.5m), (stage.GetProperty("stage").GetString(), stage.GetProperty("label").GetString(),
            stage.GetProperty("probability").GetDecimal()));
    }

    private static (int Won, int Lost, decimal? Rate) WinRate(JsonElement board)
    {
        var w = board.GetProperty("win_rate");
        return (w.GetProperty("won").GetInt32(), w.GetProperty("lost").GetInt32(),
            w.GetProperty("rate").ValueKind == JsonValueKind.Null ? null : w.GetProperty("rate").GetDecimal());
    }

    private static (string, int)[] Reasons(JsonElement board) =>
        board.GetProperty("lost_reasons").EnumerateArray().Select(r => (r.GetProperty("reason").GetString()!, r.GetProperty("leads").GetInt32())).ToArray();
}
