using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Tasks;

/// <summary>Rule "first contact": every NEW lead not yet contacted gets "Erstkontakt: Name" due today.</summary>
[Collection(StackCollection.Name)]
public sealed class FirstContactRuleTests(StackFixture stack) : TasksTestBase(stack)
{
    // Wednesday 13 March 2024, 05:00 in Berlin
    private static readonly DateTime Morning = Local(2024, 3, 13, 5);

    [Fact]
    public async Task A_new_lead_gets_its_first_contact_due_today_and_only_once()
    {
        var lead = await LeadAsync("NEW", Local(2024, 3, 12, 15), name: "Anna Beispiel");

        await GenerateAsync(Morning);
        await GenerateAsync(Morning.AddHours(3));

        var task = Assert.Single(await TasksOfAsync(lead));
        Assert.Equal("Erstkontakt: Anna Beispiel", task.Title);
        Assert.Equal("first_contact", task.Rule);
        Assert.Equal(Local(2024, 3, 13, 0), task.DueAt);
        Assert.Equal("normal", task.Priority);
    }

    [Fact]
    public async Task A_lead_waiting_more_than_24_hours_is_raised_to_high_priority_the_next_morning()
    {
        var lead = await LeadAsync("NEW", Local(2024, 3, 12, 15));
        await GenerateAsync(Morning);

        var result = await GenerateAsync(Morning.AddDays(1));

        var task = Assert.Single(await TasksOfAsync(lead));
        Assert.Equal("high", task.Priority);
        Assert.Equal(1, result.Created["first_contact_urgent"]);
        Assert.Equal(0, result.Created["first_contact"]);
    }

    [Fact]
    public async Task A_lead_found_on_its_second_day_starts_with_high_priority()
    {
        var lead = await LeadAsync("NEW", Local(2024, 3, 11, 9));

        await GenerateAsync(Morning);

        Assert.Equal("high", Assert.Single(await TasksOfAsync(lead)).Priority);
    }

    [Fact]
    public async Task Contacted_lost_and_already_contacted_leads_get_no_first_contact()
    {
        var contacted = await LeadAsync("CONTACTED", Local(2024, 3, 12, 10));
        var lost = await LeadAsync("LOST", Local(2024, 3, 12, 10));
        var messaged = await LeadAsync("NEW", Local(2024, 3, 12, 10));
        await ExecuteAsync("""
            insert into lead_touchpoints (lead_id, direction, channel, kind, note_code, occurred_at)
            values (@messaged, 'OUTBOUND', 'instagram', 'dm', 'first_message_sent', @at)
            """, new { messaged, at = Local(2024, 3, 12, 11) });

        await GenerateAsync(Morning);

        Assert.DoesNotContain(await TasksOfAsync(contacted), t => t.Rule == "first_contact");
        Assert.Empty(await TasksOfAsync(lost));
        Assert.Empty(await TasksOfAsync(messaged));
    }

    [Fact]
    public async Task A_cold_prospect_s_first_contact_warns_that_unsolicited_messages_need_consent()
    {
        var cold = await LeadAsync("NEW", Local(2024, 3, 12, 10), basis: "cold");
        var form = await LeadAsync("NEW", Local(2024, 3, 12, 10), basis: "form");

        await GenerateAsync(Morning);

        var warning = Assert.Single(await TasksOfAsync(cold)).Details!;
        Assert.Contains("§ 7", warning);
        Assert.Contains("Einwilligung", warning);
        Assert.Contains("elektronische Post", warning);
        Assert.DoesNotContain("§ 7", Assert.Single(await TasksOfAsync(form)).Details!);
    }

    [Fact]
    public async Task A_lead_from_saturday_is_monday_s_first_contact()
    {
        var lead = await LeadAsync("NEW", Local(2024, 3, 16, 10));

        await GenerateAsync(Local(2024, 3, 16, 11));
        await GenerateAsync(Local(2024, 3, 17, 5));
        Assert.Empty(await TasksOfAsync(lead));

        await GenerateAsync(Local(2024, 3, 18, 5));
        // Waiting since Monday 10:00, the same time of day: not yet urgent on Tuesday morning either.
        var task = Assert.Single(await TasksOfAsync(lead));
        Assert.Equal(Local(2024, 3, 18, 10), task.DueAt);
        await GenerateAsync(Local(2024, 3, 19, 5));
        Assert.Equal("normal", Assert.Single(await TasksOfAsync(lead)).Priority);
    }

    [Fact]
    public async Task Without_the_weekend_setting_a_saturday_lead_is_saturday_s_task()
    {
        await ExecuteAsync("update task_settings set weekend_to_monday = false");
        var lead = await LeadAsync("NEW", Local(2024, 3, 16, 10));

        await GenerateAsync(Local(2024, 3, 16, 11));

        Assert.Equal(Local(2024, 3, 16, 10), Assert.Single(await TasksOfAsync(lead)).DueAt);
    }
}
