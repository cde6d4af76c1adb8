using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Database.Migrations;

/// <summary>
/// 20261207170000_workflow_checkins.sql on a database with onboarding answers and agents: the workflows of a submitted
/// questionnaire become its customer's agent's workflows to watch (with their schedule or interval); a draft and a
/// revoked agent get none.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ExistingOnboardingsGiveTheirAgentsWorkflowsTests(StackFixture stack)
{
    [Fact]
    public async Task A_submitted_questionnaires_workflows_are_watched_on_its_agent_and_a_draft_gives_none()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, "20261207170000_workflow_checkins.sql");
        Guid submitted = Guid.NewGuid(), draft = Guid.NewGuid();
        await db.ExecuteAsync("""
            insert into leads (id, name, email, consent_at, consent_text_version, consent_source) values
              (@submitted, 'Paula Kundin', 'paula@example.de', now(), '2026-11-25', 'test'),
              (@draft, 'Quirin Entwurf', 'quirin@example.de', now(), '2026-11-25', 'test');
            insert into agents (lead_id, name, key_hash, key_prefix, revoked_at) values
              (@submitted, 'Agent Setup #1', repeat('b', 64), 'lsa_bbbb', null),
              (@submitted, 'Agent Setup #2', repeat('d', 64), 'lsa_dddd', now()),
              (@draft, 'Agent Setup #3', repeat('c', 64), 'lsa_cccc', null);
            insert into onboarding_answers (lead_id, template_version, state, answers, submitted_at) values
              (@submitted, 1, 'submitted', '{"workflows": [
                 {"name": "Anfragen beantworten", "schedule": "0 8 * * 1-5", "timezone": "Europe/Berlin"},
                 {"name": "Rechnungen prüfen", "interval": "PT30M"},
                 {"name": "Wochenbericht", "interval": "P7D"}]}', now()),
              (@draft, 1, 'draft', '{"workflows": [{"name": "Entwurf", "interval": "PT30M"}]}', null);
            """, new { submitted, draft });

        await db.MigrateAsync();

        var workflows = await db.QueryAsync<(string Agent, string Key, string Name, string? Schedule, TimeSpan? Interval, string Origin)>("""
            select a.key_prefix::text, w.key, w.name, w.schedule, w.run_interval, w.origin
            from agent_workflows w join agents a on a.id = w.agent_id order by w.key
            """);
        Assert.Equal(
        [
            ("lsa_bbbb", "anfragen-beantworten", "Anfragen beantworten", "0 8 * * 1-5", null, "onboarding"),
            ("lsa_bbbb", "rechnungen-pruefen", "Rechnungen prüfen", null, TimeSpan.FromMinutes(30), "onboarding"),
            ("lsa_bbbb", "wochenbericht", "Wochenbericht", null, TimeSpan.FromDays(7), "onboarding"),
        ], workflows);
    }
}
