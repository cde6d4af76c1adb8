using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Tasks;

/// <summary>Rule "stale leads": no activity beyond the stage's limit (public.stale_stage_limits) → "Nachfassen".</summary>
[Collection(StackCollection.Name)]
public sealed class StaleLeadRuleTests(StackFixture stack) : TasksTestBase(stack)
{
    private static readonly DateTime Morning = Local(2024, 3, 13, 5);

    [Fact]
    public async Task A_replied_lead_without_activity_for_three_days_is_to_be_followed_up()
    {
        var lead = await LeadAsync("REPLIED", Local(2024, 3, 9, 10), name: "Anna Beispiel");

        await GenerateAsync(Morning);

        var task = Assert.Single(await TasksOfAsync(lead));
        Assert.Equal("Nachfassen: Anna Beispiel steht seit 4 Tagen in Geantwortet", task.Title);
        Assert.Equal("stale", task.Rule);
    }

    [Fact]
    public async Task A_lead_inside_its_stage_limit_is_not_stale()
    {
        var replied = await LeadAsync("REPLIED", Local(2024, 3, 11, 10));
        var qualified = await LeadAsync("QUALIFIED", Local(2024, 3, 9, 10));

        await GenerateAsync(Morning);

        Assert.Empty(await TasksOfAsync(replied));
        Assert.Empty(await TasksOfAsync(qualified));
    }

    [Fact]
    public async Task A_touchpoint_or_a_done_task_resets_the_clock()
    {
        var touched = await LeadAsync("REPLIED", Local(2024, 3, 1, 10));
        await ExecuteAsync("""
            insert into lead_touchpoints (lead_id, direction, channel, kind, note_code, occurred_at)
            values (@touched, 'OUTBOUND', 'email', 'email', 'proposal_sent', @at)
            """, new { touched, at = Local(2024, 3, 11, 10) });
        var worked = await LeadAsync("QUALIFIED", Local(2024, 3, 1, 10));
        await ExecuteAsync("""
            insert into tasks (lead_id, kind, title, due_at, status, completed_at, generated_for)
            values (@worked, 'manual', 'Angebot vorbereiten', @at, 'DONE', @at, '2024-03-12')
            """, new { worked, at = Local(2024, 3, 12, 10) });

        await GenerateAsync(Morning);

        Assert.DoesNotContain(await TasksOfAsync(touched), t => t.Rule == "stale");
        Assert.DoesNotContain(await TasksOfAsync(worked), t => t.Rule == "stale");
    }

    [Fact]
    public async Task A_booked_call_is_stale_one_day_after_the_call_not_after_the_booking()
    {
        var afterCall = await LeadAsync("CALL_BOOKED", Local(2024, 3, 1, 10), callAt: Local(2024, 3, 11, 14));
        var callYesterdayEvening = await LeadAsync("CALL_BOOKED", Local(2024, 3, 1, 10), callAt: Local(2024, 3, 12, 18));

        await GenerateAsync(Morning);

        Assert.Contains(await TasksOfAsync(afterCall), t => t.Rule == "stale" && t.Title.EndsWith("in Call gebucht", StringComparison.Ordinal));
        Assert.DoesNotContain(await TasksOfAsync(callYesterdayEvening), t => t.Rule == "stale");
    }

    [Fact]
    public async Task A_stale_lead_has_one_open_follow_up_task_across_days()
    {
        var lead = await LeadAsync("REPLIED", Local(2024, 3, 1, 10));

        await GenerateAsync(Morning);
        await GenerateAsync(Morning.AddDays(1));

        Assert.Single(await TasksOfAsync(lead), t => t.Rule == "stale");
    }

    [Fact]
    public async Task The_limits_are_data_the_team_can_change()
    {
        var lead = await LeadAsync("QUALIFIED", Local(2024, 3, 11, 10));
        await ExecuteAsync("update stale_stage_limits set stale_after = interval '1 day' where stage = 'QUALIFIED'");
        try
        {
            await GenerateAsync(Morning);
        }
        finally
        {
            await ExecuteAsync("update stale_stage_limits set stale_after = interval '5 days' where stage = 'QUALIFIED'");
        }

        Assert.Single(await TasksOfAsync(lead), t => t.Rule == "stale");
    }
}
