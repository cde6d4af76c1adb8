using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Database.Migrations;

/// <summary>
/// 20261207191000_playbook_lost_reason_codes.sql on a database with playbook tasks made before it (and
/// 20261207202100, which brings those tasks along): no playbook, step or task asks for a free text in
/// <c>lost_reason</c> any more, and every playbook task's text is its step's text again.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ExistingPlaybookTasksNameLostReasonCodesTests(StackFixture stack)
{
    private const string Migration = "20261207191000_playbook_lost_reason_codes.sql";

    private const string StepTextsDiffer = """
        select count(*) from tasks t join playbook_steps s on s.playbook_key = t.playbook_key and s.step = t.playbook_step
        where t.title is distinct from left(s.title, 200) or t.details is distinct from left(s.body, 4000)
        """;

    [Fact]
    public async Task Open_and_closed_playbook_tasks_take_the_new_lost_reason_lines_of_their_steps()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, Migration);
        Guid contacted = Guid.NewGuid(), booked = Guid.NewGuid();
        // A contacted lead (the follow-up sequence, whose last step says how to mark it LOST) and a lead with a booked
        // call (the call preparation), then a completed follow-up: tasks of both states hold the old lines.
        await db.ExecuteAsync("""
            insert into leads (id, name, email, consent_at, consent_text_version, consent_source) values
              (@contacted, 'Hanna Folge', 'hanna@example.de', now(), '2026-11-25', 'test'),
              (@booked, 'Ingo Termin', 'ingo@example.de', now(), '2026-11-25', 'test');
            update leads set stage = 'CONTACTED' where id in (@contacted, @booked);
            update leads set stage = 'REPLIED' where id = @booked;
            update leads set stage = 'QUALIFIED' where id = @booked;
            update leads set stage = 'CALL_BOOKED', call_at = now() + interval '2 days' where id = @booked;
            select process_pipeline_events(array(select id from pipeline_events), 30, 'lead-events');
            update tasks set status = 'DONE', completed_at = now() where lead_id = @contacted and playbook_step = 3;
            """, new { contacted, booked });
        var oldLines = await db.ScalarAsync<int>("select count(*) from tasks where strpos(details, '`lost_reason`') > 0");
        Assert.True(oldLines >= 2, $"{oldLines} tasks with the old lines");
        Assert.Equal(0, await db.ScalarAsync<int>(StepTextsDiffer));

        await db.MigrateAsync();

        Assert.Equal(0, await db.ScalarAsync<int>("select count(*) from tasks where strpos(details, 'lost_reason') > 0"));
        Assert.Equal(0, await db.ScalarAsync<int>("select count(*) from playbook_steps where strpos(body, 'lost_reason') > 0"));
        Assert.Equal(0, await db.ScalarAsync<int>("select count(*) from playbooks where strpos(description, 'lost_reason') > 0"));
        Assert.Equal(0, await db.ScalarAsync<int>(StepTextsDiffer));
        Assert.Equal("DONE", await db.ScalarAsync<string>(
            "select status::text from tasks where lead_id = @contacted and playbook_step = 3", new { contacted }));
        Assert.Contains("Grund „Keine Antwort / kein Kontakt“", await db.ScalarAsync<string>(
            "select details from tasks where lead_id = @contacted and playbook_step = 3", new { contacted }));
        Assert.Contains("Stufe auf **LOST** mit dem Grund aus der Liste", await db.ScalarAsync<string>(
            "select details from tasks where lead_id = @booked and playbook_key = 'call_prep' and playbook_step = 2", new { booked }));
    }
}
