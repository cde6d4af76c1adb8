using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Tasks;

/// <summary>Rule "KPI shortfall": the ISO week so far (Monday start, Berlin) against the pro-rated weekly minimums.</summary>
[Collection(StackCollection.Name)]
public sealed class KpiShortfallRuleTests(StackFixture stack) : TasksTestBase(stack)
{
    private async Task<Dictionary<string, (string Title, int Value)>> KpiTasksAsync(DateOnly date)
    {
        var rows = await GeneratedAsync("kpi_shortfall", date);
        var result = new Dictionary<string, (string, int)>();
        foreach (var row in rows)
        {
            var attributes = await ScalarAsync<string>("select attributes::text from tasks where id = @id", new { id = row.Id });
            using var doc = JsonDocument.Parse(attributes);
            result[doc.RootElement.GetProperty("metric").GetString()!] = (row.Title, doc.RootElement.GetProperty("value").GetInt32());
        }
        return result;
    }

    [Fact]
    public async Task A_week_behind_its_minimums_gets_one_task_per_metric_with_today_s_share()
    {
        // Thursday 14 March 2024: four days of the week, so 18 of 30 new leads should be there by tonight.
        for (var i = 0; i < 12; i++) await LeadAsync("NEW", Local(2024, 3, 11, 9, i));

        await GenerateAsync(Local(2024, 3, 14, 5));

        var kpi = await KpiTasksAsync(new DateOnly(2024, 3, 14));
        Assert.Equal("Leads neu: 12 von 30 – heute 6 neue Leads gewinnen", kpi["new_leads"].Title);
        Assert.Equal("Erstkontakte: 0 von 30 – heute 18 Erstkontakte senden", kpi["first_contacts"].Title);
        Assert.Equal("Calls: 0 von 4 – heute 3 Calls buchen", kpi["calls"].Title);
        Assert.Equal("Setups verkauft: 0 von 2 – heute 2 Setups abschließen", kpi["setups_sold"].Title);
    }

    [Fact]
    public async Task A_lead_that_moved_several_stages_in_the_week_counts_in_each_metric_and_a_met_minimum_gets_no_task()
    {
        await LeadAsync("CALL_BOOKED", Local(2024, 3, 11, 10), callAt: Local(2024, 3, 15, 10));
        await LeadAsync("WON", Local(2024, 3, 12, 10));
        await LeadAsync("WON", Local(2024, 3, 12, 11));

        // On Sunday the whole weekly minimum is due.
        await GenerateAsync(Local(2024, 3, 17, 5));

        var kpi = await KpiTasksAsync(new DateOnly(2024, 3, 17));
        Assert.Equal(3, kpi["first_contacts"].Value);
        Assert.Equal(3, kpi["replies"].Value);
        Assert.Equal(3, kpi["calls"].Value);
        Assert.False(kpi.ContainsKey("setups_sold"));
    }

    [Fact]
    public async Task The_week_turns_at_midnight_in_berlin_not_in_utc()
    {
        // Sunday 17 March 2024 23:30 in Berlin is 22:30 UTC; Monday 00:30 in Berlin is Sunday 23:30 UTC.
        await LeadAsync("NEW", Local(2024, 3, 17, 23, 30));
        await LeadAsync("NEW", Local(2024, 3, 18, 0, 30));

        await GenerateAsync(Local(2024, 3, 17, 23, 45));
        await GenerateAsync(Local(2024, 3, 18, 5));

        Assert.Equal(1, (await KpiTasksAsync(new DateOnly(2024, 3, 17)))["new_leads"].Value);
        Assert.Equal(("Leads neu: 1 von 30 – heute 4 neue Leads gewinnen", 1), (await KpiTasksAsync(new DateOnly(2024, 3, 18)))["new_leads"]);
    }
}
