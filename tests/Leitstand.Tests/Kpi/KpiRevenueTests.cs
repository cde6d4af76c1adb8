using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Kpi;

/// <summary>
/// Revenue by month (GET /api/kpi?month=…): one-time packages won in the month, retainers for every month they
/// ran on at least one day, monthly recurring revenue on the month's last counted day, against the goal.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class KpiRevenueTests(StackFixture stack) : KpiTestBase(stack)
{
    /// <summary>
    /// U: Setup + Retainer won 15 January 2024; the retainer ended on 15 March.
    /// V: Retainer won 20 February, starting 1 March.
    /// W: Setup at a discount (1.200 €) + Retainer won 10 March.
    /// </summary>
    private async Task SeedAsync()
    {
        var u = await LeadAsync([At("NEW", Local(2024, 1, 2, 9)), At("CONTACTED", Local(2024, 1, 3, 9)), At("REPLIED", Local(2024, 1, 4, 9)),
                                 At("QUALIFIED", Local(2024, 1, 5, 9)), At("CALL_BOOKED", Local(2024, 1, 8, 9)), At("WON", Local(2024, 1, 15, 10))],
            packages: ["SETUP", "RETAINER"], utmSource: "linkedin");
        await ExecuteAsync("update deals set ends_on = '2024-03-15' where lead_id = @u and package = 'RETAINER'", new { u });
        var v = await LeadAsync([At("NEW", Local(2024, 2, 1, 9)), At("CALL_BOOKED", Local(2024, 2, 5, 9)), At("WON", Local(2024, 2, 20, 10))],
            packages: ["RETAINER"]);
        await ExecuteAsync("update deals set starts_on = '2024-03-01' where lead_id = @v", new { v });
        var w = await LeadAsync([At("NEW", Local(2024, 3, 1, 9)), At("CALL_BOOKED", Local(2024, 3, 4, 9)), At("WON", Local(2024, 3, 10, 10))],
            packages: ["SETUP", "RETAINER"]);
        await ExecuteAsync("update deals set amount_cents = 120000 where lead_id = @w and package = 'SETUP'", new { w });
    }

    private static (long OneTime, int Setups, long Recurring, int Billed, long Total, long Mrr, int Active) Revenue(JsonElement board)
    {
        var r = board.GetProperty("revenue");
        return (r.GetProperty("one_time_cents").GetInt64(), r.GetProperty("setups_sold").GetInt32(), r.GetProperty("recurring_cents").GetInt64(),
            r.GetProperty("retainers_billed").GetInt32(), r.GetProperty("total_cents").GetInt64(), r.GetProperty("mrr_cents").GetInt64(),
            r.GetProperty("active_retainers").GetInt32());
    }

    [Fact]
    public async Task A_retainer_that_ended_mid_month_counts_for_that_month_but_not_in_its_recurring_revenue_at_the_month_s_end()
    {
        await SeedAsync();
        var now = Local(2024, 4, 2, 10);

        Assert.Equal((149000L, 1, 14900L, 1, 163900L, 14900L, 1), Revenue(await BoardAsync("month=2024-01", now)));
        // V was won in February but starts in March.
        Assert.Equal((0L, 0, 14900L, 1, 14900L, 14900L, 1), Revenue(await BoardAsync("month=2024-02", now)));
        // March: U until the 15th, V from the 1st, W from the 10th; on the 31st V and W are running.
        Assert.Equal((120000L, 1, 44700L, 3, 164700L, 29800L, 2), Revenue(await BoardAsync("month=2024-03", now)));
        // April so far (up to the 2nd): V and W.
        var april = await BoardAsync("month=2024-04", now);
        Assert.Equal((0L, 0, 29800L, 2, 29800L, 29800L, 2), Revenue(april));
        Assert.Equal("Umsatz April 2024 bis 02.04.2024", april.GetProperty("revenue").GetProperty("label").GetString());
        Assert.Equal(0.030m, april.GetProperty("revenue").GetProperty("goal_share").GetDecimal());
    }

    [Fact]
    public async Task The_goal_and_the_stage_probabilities_are_data()
    {
        await SeedAsync();
        var lead = await LeadAsync([At("NEW", Local(2024, 3, 20, 9)), At("CONTACTED", Local(2024, 3, 21, 9)), At("REPLIED", Local(2024, 3, 22, 9))]);
        await OpenDealAsync(lead, "SETUP", Local(2024, 3, 22, 9));
        try
        {
            await ExecuteAsync("update kpi_settings set revenue_goal_cents = 500000; update stage_probabilities set probability = 0.4 where stage = 'REPLIED'");

            var board = await BoardAsync("month=2024-03", Local(2024, 4, 2, 10));

            Assert.Equal((500000L, 0.329m), (board.GetProperty("revenue").GetProperty("goal_cents").GetInt64(),
                board.GetProperty("revenue").GetProperty("goal_share").GetDecimal()));
            Assert.Equal(59600L, board.GetProperty("forecast").GetProperty("weighted_cents").GetInt64());
        }
        finally
        {
            await ExecuteAsync("update kpi_settings set revenue_goal_cents = 1000000; update stage_probabilities set probability = 0.20 where stage = 'REPLIED'");
        }
    }
}
