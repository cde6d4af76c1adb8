using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Tasks;

/// <summary>Rule "follow-ups": the follow-up sequence's steps due today, one task per step whichever path creates it.</summary>
[Collection(StackCollection.Name)]
public sealed class FollowUpRuleTests(StackFixture stack) : TasksTestBase(stack)
{
    [Fact]
    public async Task The_step_due_today_is_created_once_whichever_path_comes_first()
    {
        // Contacted on Monday 11 March 2024 at 10:00: follow-up 1 is due on Wednesday at 10:00.
        var lead = await LeadAsync("CONTACTED", Local(2024, 3, 11, 10), name: "Anna Beispiel");

        var daily = await GenerateAsync(Local(2024, 3, 13, 5));
        Assert.Equal(1, daily.Created["follow_up"]);
        var first = Assert.Single(await TasksOfAsync(lead));
        Assert.Equal(("Follow-up 1 an Anna Beispiel senden", 1, Local(2024, 3, 13, 10)), (first.Title, first.PlaybookStep!.Value, first.DueAt));

        // The stage-change path adds the later steps and not the first one again; the list adds nothing.
        await ProcessEventsAsync();
        await GenerateAsync(Local(2024, 3, 13, 9));

        Assert.Equal([1, 2, 3], (await TasksOfAsync(lead)).Select(t => t.PlaybookStep!.Value));
    }

    [Fact]
    public async Task A_lead_that_replied_or_was_lost_gets_no_follow_ups()
    {
        var replied = await LeadAsync("CONTACTED", Local(2024, 3, 4, 10));
        await ExecuteAsync("""
            insert into lead_touchpoints (lead_id, direction, channel, kind, note_code, occurred_at)
            values (@replied, 'INBOUND', 'instagram', 'dm', 'replied', @at)
            """, new { replied, at = Local(2024, 3, 5, 10) });
        var repliedStage = await LeadAsync("REPLIED", Local(2024, 3, 4, 10));
        var lost = await LeadAsync("LOST", Local(2024, 3, 4, 10));

        var result = await GenerateAsync(Local(2024, 3, 13, 5));

        Assert.Equal(0, result.Created["follow_up"]);
        Assert.DoesNotContain(await TasksOfAsync(replied), t => t.PlaybookKey == "followup_sequence");
        Assert.DoesNotContain(await TasksOfAsync(repliedStage), t => t.PlaybookKey == "followup_sequence");
        Assert.Empty(await TasksOfAsync(lost));
    }

    [Fact]
    public async Task A_follow_up_falling_on_saturday_moves_to_monday_on_both_paths()
    {
        // Contacted on Thursday 14 March 2024 at 10:00: follow-up 1 would be Saturday.
        var lead = await LeadAsync("CONTACTED", Local(2024, 3, 14, 10));

        await GenerateAsync(Local(2024, 3, 16, 5));
        Assert.Empty(await TasksOfAsync(lead));
        await GenerateAsync(Local(2024, 3, 18, 5));
        Assert.Equal(Local(2024, 3, 18, 10), Assert.Single(await TasksOfAsync(lead)).DueAt);

        var other = await LeadAsync("CONTACTED", Local(2024, 3, 14, 10));
        await ProcessEventsAsync();
        Assert.Equal(Local(2024, 3, 18, 10), (await TasksOfAsync(other)).Single(t => t.PlaybookStep == 1).DueAt);
    }
}
