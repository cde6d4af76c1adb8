using System.Net;
using System.Text.Json;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Tasks;

/// <summary>GET /api/tasks: today, overdue, by assignee and by kind, with the lead's stage and the playbook.</summary>
[Collection(StackCollection.Name)]
public sealed class ListTasksTests(StackFixture stack) : TasksTestBase(stack)
{
    private async Task<JsonElement> GetAsync(string query)
    {
        var response = await Host.TeamClient.GetAsync("/api/tasks?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static List<string> Titles(JsonElement list) =>
        list.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("title").GetString()!).ToList();

    [Fact]
    public async Task The_day_s_list_shows_today_and_overdue_with_stage_and_playbook_high_priority_first()
    {
        var contacted = await LeadAsync("CONTACTED", Local(2024, 4, 26, 10), name: "Carl Kontakt");   // Friday: follow-up 1 Monday 10:00
        await ProcessEventsAsync();
        var waiting = await LeadAsync("NEW", Local(2024, 4, 25, 9), name: "Berta Wartet");
        await ExecuteAsync("insert into tasks (lead_id, kind, title, due_at) values (@waiting, 'manual', 'Alte Aufgabe', @due)",
            new { waiting, due = Local(2024, 4, 26, 9) });
        await GenerateAsync(Local(2024, 4, 29, 5));

        var day = await GetAsync("date=2024-04-29");
        var today = await GetAsync("date=2024-04-29&view=today");
        var overdue = await GetAsync("date=2024-04-29&view=overdue");

        // High priority first: the first contact waiting since Thursday and the summary of the overdue task.
        Assert.Equal(["Erstkontakt: Berta Wartet", "Überfällig: 1 offene Aufgabe aufarbeiten"], Titles(day).Take(2).Order());
        Assert.All(day.GetProperty("tasks").EnumerateArray().Skip(2), t => Assert.Equal("normal", t.GetProperty("priority").GetString()));
        Assert.Contains("Follow-up 1 an Carl Kontakt senden", Titles(today));
        Assert.Equal(["Alte Aufgabe"], Titles(overdue));
        var followUp = day.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("title").GetString()!.StartsWith("Follow-up 1", StringComparison.Ordinal));
        Assert.Equal(("CONTACTED", "Kontaktiert"), (followUp.GetProperty("lead").GetProperty("stage").GetString(), followUp.GetProperty("lead").GetProperty("stage_label").GetString()));
        Assert.Equal(("followup_sequence", "docs/vertrieb/cold-dm-skript.md"),
            (followUp.GetProperty("playbook").GetProperty("key").GetString(), followUp.GetProperty("playbook").GetProperty("document").GetString()));
        Assert.Contains("Follow-up 1", followUp.GetProperty("details").GetString());
        Assert.Equal(contacted, followUp.GetProperty("lead").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task The_list_filters_by_assignee_and_by_kind()
    {
        var lead = await LeadAsync("WON", Local(2024, 4, 26, 10));
        var anna = await Crm.CreateTeamMemberAsync(Admin);
        await ExecuteAsync("""
            insert into tasks (lead_id, kind, title, due_at, assignee) values
              (@lead, 'install', 'Annas Installation', @due, @anna),
              (@lead, 'onboarding', 'Offenes Onboarding', @due, null)
            """, new { lead, anna, due = Local(2024, 4, 29, 9) });

        var annas = await GetAsync($"date=2024-04-29&assignee={anna}");
        var unassignedOnboarding = await GetAsync("date=2024-04-29&assignee=none&kind=onboarding");

        Assert.Equal(["Annas Installation"], Titles(annas));
        Assert.Equal("Test Team", annas.GetProperty("tasks")[0].GetProperty("assignee").GetProperty("display_name").GetString());
        Assert.Equal(["Offenes Onboarding"], Titles(unassignedOnboarding));
    }

    [Fact]
    public async Task A_bad_filter_gets_a_german_message_per_field()
    {
        var response = await Host.TeamClient.GetAsync("/api/tasks?view=morgen&date=29.04.2024&assignee=anna");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal(["assignee", "date", "view"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("Datum", errors.GetProperty("date")[0].GetString());
    }
}
