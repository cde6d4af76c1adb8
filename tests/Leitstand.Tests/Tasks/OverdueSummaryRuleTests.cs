using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Tasks;

/// <summary>Rule "overdue": one summary task per assignee, not one per overdue task.</summary>
[Collection(StackCollection.Name)]
public sealed class OverdueSummaryRuleTests(StackFixture stack) : TasksTestBase(stack)
{
    private static readonly DateTime Morning = Local(2024, 3, 13, 5);

    private async Task TaskAsync(Guid lead, Guid? assignee, string title, DateTime due) =>
        await ExecuteAsync("insert into tasks (lead_id, kind, title, due_at, assignee) values (@lead, 'manual', @title, @due, @assignee)",
            new { lead, assignee, title, due });

    [Fact]
    public async Task Each_assignee_gets_one_summary_of_their_overdue_tasks()
    {
        var lead = await LeadAsync("WON", Local(2024, 3, 1, 10));
        var anna = await Crm.CreateTeamMemberAsync(Admin);
        var ben = await Crm.CreateTeamMemberAsync(Admin);
        await TaskAsync(lead, anna, "Rechnung senden", Local(2024, 3, 11, 9));
        await TaskAsync(lead, anna, "Zugänge prüfen", Local(2024, 3, 12, 9));
        await TaskAsync(lead, ben, "Installationstermin festlegen", Local(2024, 3, 12, 9));
        await TaskAsync(lead, null, "Übergabe vorbereiten", Local(2024, 3, 10, 9));
        await TaskAsync(lead, anna, "Heute fällig", Local(2024, 3, 13, 9));

        var result = await GenerateAsync(Morning);

        Assert.Equal(3, result.Created["overdue_summary"]);
        var summaries = await GeneratedAsync("overdue_summary", new DateOnly(2024, 3, 13));
        Assert.Equal(["Überfällig: 1 offene Aufgabe aufarbeiten", "Überfällig: 1 offene Aufgabe aufarbeiten", "Überfällig: 2 offene Aufgaben aufarbeiten"],
            summaries.Select(s => s.Title));
        var annas = Assert.Single(summaries, s => s.Title.Contains('2', StringComparison.Ordinal));
        Assert.Contains("Rechnung senden (fällig 11.03.)", annas.Details!);
        Assert.DoesNotContain("Heute fällig", annas.Details!);
        Assert.Equal("high", annas.Priority);
    }

    [Fact]
    public async Task Yesterday_s_summary_is_replaced_by_today_s()
    {
        var lead = await LeadAsync("WON", Local(2024, 3, 1, 10));
        await TaskAsync(lead, null, "Übergabe vorbereiten", Local(2024, 3, 10, 9));
        await GenerateAsync(Morning);

        await GenerateAsync(Morning.AddDays(1));

        var yesterday = Assert.Single(await GeneratedAsync("overdue_summary", new DateOnly(2024, 3, 13)));
        Assert.Equal(("CANCELLED", "Ersetzt durch die Liste vom 14.03.2024"), (yesterday.Status, yesterday.CancelReason));
        Assert.Equal("OPEN", Assert.Single(await GeneratedAsync("overdue_summary", new DateOnly(2024, 3, 14))).Status);
    }
}
