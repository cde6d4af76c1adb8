using Dapper;
using Leitstand.Kpi;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Kpi;

/// <summary>
/// The figures of ended weeks and months are kept (timer KpiFigures, public.keep_kpi_figures) so the board reads a
/// few rows for them; a write that touches a kept period forgets it in the same transaction, so the board is never
/// stale. Data in November 2024 (the month and the ISO weeks 45–48), the clock in December.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class KeepKpiFiguresTests(StackFixture stack) : KpiTestBase(stack)
{
    private static readonly DateTime December = Local(2024, 12, 10, 9);

    private async Task SeedNovemberAsync()
    {
        await LeadAsync([At("NEW", Local(2024, 11, 4, 9)), At("CONTACTED", Local(2024, 11, 4, 11)), At("REPLIED", Local(2024, 11, 6, 10)),
                         At("QUALIFIED", Local(2024, 11, 7, 10)), At("CALL_BOOKED", Local(2024, 11, 8, 16)), At("WON", Local(2024, 11, 12, 10))],
            utmSource: "instagram", packages: ["SETUP", "RETAINER"], name: "Paula Pfad");
        await LeadAsync([At("NEW", Local(2024, 11, 5, 9)), At("CONTACTED", Local(2024, 11, 6, 9)), At("LOST", Local(2024, 11, 8, 9)),
                         At("NEW", Local(2024, 11, 18, 9)), At("CONTACTED", Local(2024, 11, 19, 9))], lostReason: "preis", name: "Quirin Wieder");
        await LeadAsync([At("NEW", Local(2024, 11, 20, 8))], name: "Sven Still");
    }

    private Task<int> KeepAsync(DateTime at)
    {
        Clock.Set(at);
        return Host.Services.GetRequiredService<KeepKpiFigures>().ExecuteAsync(CancellationToken.None, limit: 500);
    }

    private Task<bool> KeptAsync(string kind, string start) =>
        ScalarAsync<bool>("select exists (select 1 from kpi_period_figures where kind = @kind and period_start = @start::date)", new { kind, start });

    [Fact]
    public async Task A_kept_month_gives_the_same_board_as_its_live_figures_and_the_board_reads_it()
    {
        await SeedNovemberAsync();
        var live = (await BoardAsync("month=2024-11", December)).GetRawText();
        var liveWeek = (await BoardAsync("week=2024-W46", December)).GetRawText();

        Assert.True(await KeepAsync(December) > 0);
        Assert.True(await KeptAsync("month", "2024-11-01"));
        Assert.True(await KeptAsync("week", "2024-11-11"));

        Assert.Equal(live, (await BoardAsync("month=2024-11", December)).GetRawText());
        Assert.Equal(liveWeek, (await BoardAsync("week=2024-W46", December)).GetRawText());
        // the board takes the kept row (marked by hand here), not the stage moves
        await ExecuteAsync("""
            update kpi_period_figures set figures = jsonb_set(figures, '{counts,new_leads}', '77')
            where kind = 'month' and period_start = '2024-11-01'
            """);
        Assert.Equal(77, Metric(await BoardAsync("month=2024-11", December), "new_leads").Value);
        Assert.Equal("0 0 0 77", Metric(await BoardAsync("month=2024-12", December), "new_leads").Trend);
    }

    [Fact]
    public async Task The_running_week_and_month_are_never_kept()
    {
        await SeedNovemberAsync();

        await KeepAsync(Local(2024, 11, 20, 12));

        Assert.False(await KeptAsync("month", "2024-11-01"));
        Assert.False(await KeptAsync("week", "2024-11-18"));
        Assert.True(await KeptAsync("week", "2024-11-11"));
        Assert.True(await KeptAsync("week", "2024-11-04"));
        // the running month counts up to the clock only
        Assert.Equal(3, Metric(await BoardAsync("month=2024-11", Local(2024, 11, 20, 12)), "new_leads").Value);
        Assert.Equal(2, Metric(await BoardAsync("month=2024-11", Local(2024, 11, 19, 12)), "new_leads").Value);
    }

    [Fact]
    public async Task A_backdated_stage_move_forgets_the_kept_week_and_month_and_the_board_counts_it_at_once()
    {
        await SeedNovemberAsync();
        await KeepAsync(December);
        var before = Metric(await BoardAsync("month=2024-11", December), "first_contacts").Value;

        // a lead entered late, contacted in week 47
        await LeadAsync([At("NEW", Local(2024, 11, 19, 8)), At("CONTACTED", Local(2024, 11, 21, 15))], name: "Nina Nachtrag");

        Assert.False(await KeptAsync("month", "2024-11-01"));
        Assert.False(await KeptAsync("week", "2024-11-18"));
        Assert.True(await KeptAsync("week", "2024-11-11"));
        Assert.Equal(before + 1, Metric(await BoardAsync("month=2024-11", December), "first_contacts").Value);
        Assert.Equal(2, Metric(await BoardAsync("week=2024-W47", December), "first_contacts").Value);
        await KeepAsync(December);
        Assert.True(await KeptAsync("month", "2024-11-01"));
        Assert.Equal(before + 1, Metric(await BoardAsync("month=2024-11", December), "first_contacts").Value);
    }

    [Fact]
    public async Task A_corrected_deal_forgets_the_months_it_was_won_in_before_and_after()
    {
        await SeedNovemberAsync();
        await LeadAsync([At("NEW", Local(2024, 10, 15, 9))], name: "Olga Oktober");
        await KeepAsync(December);
        Assert.True(await KeptAsync("month", "2024-10-01"));

        await ExecuteAsync("update deals set won_at = @at where package = 'SETUP' and won_at >= @from and won_at < @until",
            new { at = Local(2024, 10, 30, 12), from = Local(2024, 11, 1, 0), until = Local(2024, 12, 1, 0) });

        Assert.False(await KeptAsync("month", "2024-10-01"));
        Assert.False(await KeptAsync("month", "2024-11-01"));
        Assert.Equal(1, Metric(await BoardAsync("month=2024-10", December), "setups_sold").Value);
        Assert.Equal(0, Metric(await BoardAsync("month=2024-11", December), "setups_sold").Value);
    }

    [Fact]
    public async Task Erasing_a_lead_forgets_the_periods_it_counted_in()
    {
        await SeedNovemberAsync();
        await KeepAsync(December);

        await ExecuteAsync("delete from leads where name = 'Quirin Wieder'");

        Assert.False(await KeptAsync("month", "2024-11-01"));
        Assert.False(await KeptAsync("week", "2024-11-04"));
        Assert.False(await KeptAsync("week", "2024-11-18"));
        var board = await BoardAsync("month=2024-11", December);
        Assert.Equal(2, Metric(board, "new_leads").Value);
        Assert.Empty(board.GetProperty("lost_reasons").EnumerateArray());
    }

    [Fact]
    public async Task A_period_a_writer_holds_is_left_for_the_next_run_so_its_figures_cannot_miss_the_write()
    {
        await SeedNovemberAsync();
        await using var connection = await Admin.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        // a backdated first contact, not yet committed: its statement holds week 47 and November
        await connection.ExecuteAsync("""
            insert into lead_stage_history (lead_id, from_stage, to_stage, changed_at, changed_by)
            select id, 'NEW', 'CONTACTED', @at, 'test' from leads where name = 'Sven Still'
            """, new { at = Local(2024, 11, 22, 10) }, tx);

        await KeepAsync(December);
        Assert.False(await KeptAsync("month", "2024-11-01"));
        Assert.False(await KeptAsync("week", "2024-11-18"));
        Assert.True(await KeptAsync("week", "2024-11-11"));

        await tx.CommitAsync();
        await KeepAsync(December);
        Assert.True(await KeptAsync("month", "2024-11-01"));
        Assert.Equal(2, Metric(await BoardAsync("week=2024-W47", December), "first_contacts").Value);
    }
}
