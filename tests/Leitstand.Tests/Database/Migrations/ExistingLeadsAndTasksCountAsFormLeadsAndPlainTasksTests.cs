using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Database.Migrations;

/// <summary>
/// 20261202010000_daily_tasks.sql on a database with leads and tasks: every existing lead came through the form
/// (contact_basis form, its consent intact), and an existing task is a plain task of no rule, normal priority.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ExistingLeadsAndTasksCountAsFormLeadsAndPlainTasksTests(StackFixture stack)
{
    [Fact]
    public async Task An_existing_lead_is_a_form_lead_with_its_consent_and_its_task_a_plain_one()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, "20261202010000_daily_tasks.sql");
        var lead = Guid.NewGuid();
        await db.ExecuteAsync("""
            insert into leads (id, name, email, consent_at, consent_text_version, consent_source)
            values (@lead, 'Sara Formular', 'sara@example.de', '2026-11-26 10:00:00+00', '2026-11-25', 'https://example.de/kontakt');
            insert into tasks (lead_id, kind, title, details, due_at) values (@lead, 'call', 'Sara anrufen', 'Rückruf erbeten', now());
            """, new { lead });

        await db.MigrateAsync();

        Assert.Equal(("form", "sara@example.de", new DateTime(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc), "2026-11-25", "https://example.de/kontakt", (string?)null),
            (await db.QueryAsync<(string, string, DateTime, string, string, string?)>(
                "select contact_basis::text, email, consent_at, consent_text_version, consent_source, handle from leads where id = @lead", new { lead })).Single());
        Assert.Equal(((string?)null, "normal", "{}", "OPEN", "call"),
            (await db.QueryAsync<(string?, string, string, string, string)>(
                "select rule, priority, attributes::text, status::text, kind from tasks where lead_id = @lead", new { lead })).Single());
    }
}
