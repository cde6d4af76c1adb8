using Dapper;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Monitoring;

/// <summary>The onboarding's core workflows become every agent's watched workflows (public.sync_onboarding_workflows).</summary>
[Collection(StackCollection.Name)]
public sealed class OnboardingWorkflowsTests(StackFixture stack) : MonitoringTestBase(stack)
{
    private const string Workflows = """
        {"workflows": [
          {"name": "Rechnungen prüfen", "schedule": "0 8 * * 1-5", "timezone": "Europe/Berlin", "approval": "Nur Entwürfe"},
          {"name": "Termine bestätigen", "interval": "PT30M"},
          {"name": "Rechnungen prüfen!", "interval": "P1D"}
        ]}
        """;

    private async Task<Guid> LeadWithAnswersAsync(string state, string answers = Workflows)
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON");
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            insert into onboarding_answers (lead_id, template_version, state, answers, submitted_at)
            values (@lead, (select max(version) from onboarding_templates), @state, @answers::jsonb, case when @state = 'submitted' then now() end)
            """, new { lead, state, answers });
        return lead;
    }

    private async Task<Guid> AgentForAsync(Guid lead)
    {
        var key = AgentKeys.Generate();
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<Guid>("insert into agents (lead_id, name, key_hash, key_prefix) values (@lead, 'Agent', @hash, @prefix) returning id",
            new { lead, hash = key.Hash, prefix = key.DisplayPrefix });
    }

    private async Task<List<(string Key, string Name, string? Schedule, string? Interval, string Origin)>> WorkflowsAsync(Guid agent)
    {
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        return (await connection.QueryAsync<(string, string, string?, string?, string)>(
            "select key, name, schedule, run_interval::text, origin from agent_workflows where agent_id = @agent order by key", new { agent })).ToList();
    }

    [Fact]
    public async Task An_agent_created_after_the_answers_were_submitted_watches_the_three_core_workflows()
    {
        var lead = await LeadWithAnswersAsync("submitted");

        var agent = await AgentForAsync(lead);

        Assert.Equal([
            ("rechnungen-pruefen-1", "Rechnungen prüfen", "0 8 * * 1-5", null, "onboarding"),
            ("rechnungen-pruefen-3", "Rechnungen prüfen!", null, "1 day", "onboarding"),
            ("termine-bestaetigen", "Termine bestätigen", null, "00:30:00", "onboarding"),
        ], await WorkflowsAsync(agent));
    }

    [Fact]
    public async Task Submitting_the_answers_registers_the_workflows_for_the_existing_agent_and_a_draft_does_not()
    {
        var lead = await LeadWithAnswersAsync("draft");
        var agent = await AgentForAsync(lead);
        Assert.Empty(await WorkflowsAsync(agent));

        await using (var connection = await Stack.Admin.OpenConnectionAsync())
            await connection.ExecuteAsync("update onboarding_answers set state = 'submitted', submitted_at = now() where lead_id = @lead", new { lead });

        Assert.Equal(3, (await WorkflowsAsync(agent)).Count);
    }

    [Fact]
    public async Task Unreadable_workflow_entries_are_left_out_and_never_block_the_submission()
    {
        var lead = await LeadWithAnswersAsync("submitted", """
            {"workflows": [{"name": " ", "interval": "PT1H"}, {"name": "Alle 30 Minuten", "interval": "30 Minuten"},
                           {"name": "Zu lang", "interval": "PT99999H"}, "kaputt", {"name": "Gut", "interval": "PT2H"}]}
            """);

        var agent = await AgentForAsync(lead);

        Assert.Equal(["gut"], (await WorkflowsAsync(agent)).Select(w => w.Key));
    }
}
