using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Database.Migrations;

/// <summary>
/// 20261207182000_task_texts_without_names.sql on a database that already holds tasks written with names (and
/// 20261207202000, which removes what it left of contact details): the stored texts carry placeholders, and the
/// read-time text (public.task_text, as the task list and the lead page read them) is what the team saw before.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ExistingTaskTextsKeepNoNamesTests(StackFixture stack)
{
    private const string Migration = "20261207182000_task_texts_without_names.sql";

    private sealed record TaskText(Guid Id, string Title, string? Details);

    [Fact]
    public async Task Tasks_made_by_the_old_rules_store_placeholders_and_read_back_as_before()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, Migration);
        var lead = Guid.NewGuid();
        // A lead waiting for its first contact, then contacted: the old rules wrote its name and handle into the tasks.
        await db.ExecuteAsync("""
            insert into leads (id, name, email, company, handle, handle_channel, consent_at, consent_text_version, consent_source,
                               stage_changed_at, created_at)
            values (@lead, 'Anna Beispiel', 'anna@example.de', 'Beispiel GmbH', 'anna_b', 'instagram', now(), '2026-11-25', 'test',
                    now() - interval '10 days', now() - interval '10 days');
            select * from create_first_contact_tasks((now() at time zone 'Europe/Berlin')::date, now());
            update leads set stage = 'CONTACTED' where id = @lead;
            select process_pipeline_events(array(select id from pipeline_events where lead_id = @lead), 30, 'lead-events');
            """, new { lead });
        var before = await db.QueryAsync<TaskText>("select id, title, details from tasks where lead_id = @lead order by id", new { lead });
        Assert.Contains(before, t => t.Title == "Erstkontakt: Anna Beispiel" && t.Details!.Contains("Kanal: instagram (anna_b)"));
        Assert.Contains(before, t => t.Title == "Follow-up 1 an Anna Beispiel senden");

        // This migration alone: the texts read back exactly as before.
        await db.MigrateAsync(before: "20261207182100_lost_reason_codes.sql");

        Assert.Equal(before, await ReadAsync(db, lead));
        var stored = await db.QueryAsync<TaskText>("select id, title, details from tasks where lead_id = @lead order by id", new { lead });
        Assert.Equal(before.Count, stored.Count);
        Assert.Contains(stored, t => t.Title == "Erstkontakt: {name}" && t.Details!.Contains("Kanal: instagram ({handle})"));
        Assert.Contains(stored, t => t.Title == "Follow-up 1 an {name} senden");
        AssertNoNames(stored);

        // The rest: still no names; the titles read as before, the last follow-up step names the lost reasons by the
        // fixed list now (20261207191000, in the tasks by 20261207202100).
        await db.MigrateAsync();

        AssertNoNames(await db.QueryAsync<TaskText>("select id, title, details from tasks where lead_id = @lead order by id", new { lead }));
        var read = await ReadAsync(db, lead);
        Assert.Equal(before.Select(t => t.Title), read.Select(t => t.Title));
        var lastStep = Assert.Single(read, t => t.Title == "Keine Antwort von Anna Beispiel: als LOST markieren?");
        Assert.Contains("Grund „Keine Antwort / kein Kontakt“", lastStep.Details);
        Assert.Equal(before.Where(t => t.Id != lastStep.Id), read.Where(t => t.Id != lastStep.Id));

        static void AssertNoNames(List<TaskText> tasks)
        {
            foreach (var task in tasks)
            {
                Assert.DoesNotContain("Anna", task.Title + task.Details);
                Assert.DoesNotContain("anna_b", task.Title + task.Details);
            }
        }
    }

    /// <summary>The lead's tasks as the task list and the lead page read them (public.task_text).</summary>
    private static Task<List<TaskText>> ReadAsync(DatabaseBeforeMigration db, Guid lead) =>
        db.QueryAsync<TaskText>("""
            select t.id, task_text(t.title, l.name, l.company, l.handle) as title, task_text(t.details, l.name, l.company, l.handle) as details
            from tasks t join leads l on l.id = t.lead_id where t.lead_id = @lead order by t.id
            """, new { lead });

    [Fact]
    public async Task A_task_written_by_hand_keeps_the_lead_by_placeholder_and_loses_its_address_and_number()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, Migration);
        var lead = Guid.NewGuid();
        // The handle is the start of the e-mail address, as it often is.
        await db.ExecuteAsync("""
            insert into leads (id, name, email, phone, company, handle, handle_channel, consent_at, consent_text_version, consent_source)
            values (@lead, 'Bernd Muster', 'bernd.muster@example.de', '+49 170 5550123', 'Muster AG', 'bernd.muster', 'instagram',
                    now(), '2026-11-25', 'test');
            insert into tasks (lead_id, kind, title, details, due_at) values
              (@lead, 'call', 'Bernd Muster zurückrufen',
               'Angebot für Muster AG besprechen. Erreichbar unter +49 170 5550123 oder bernd.muster@example.de, Instagram bernd.muster.', now()),
              (@lead, 'email', 'bernd.muster@example.de', 'Unterlagen an Bernd Muster schicken.', now());
            """, new { lead });

        await db.MigrateAsync();

        var stored = await db.QueryAsync<TaskText>("select id, title, details from tasks where lead_id = @lead order by kind", new { lead });
        var read = (await ReadAsync(db, lead)).OrderBy(t => stored.FindIndex(s => s.Id == t.Id)).ToList();
        Assert.Equal("{name} zurückrufen", stored[0].Title);
        Assert.Equal("Angebot für {firma} besprechen. Erreichbar unter  oder , Instagram {handle}.", stored[0].Details);
        Assert.Equal("Bernd Muster zurückrufen", read[0].Title);
        Assert.Equal("Angebot für Muster AG besprechen. Erreichbar unter  oder , Instagram bernd.muster.", read[0].Details);
        // A title that was only the address: nothing personal left, still a title.
        Assert.Equal("Aufgabe", stored[1].Title);
        Assert.Equal("Unterlagen an {name} schicken.", stored[1].Details);
        foreach (var task in stored.Concat(read))
        {
            Assert.DoesNotContain("@example.de", task.Title + task.Details);
            Assert.DoesNotContain("5550123", task.Title + task.Details);
        }
    }

    [Fact]
    public async Task A_task_titled_only_with_the_address_or_the_number_gets_a_neutral_title_instead_of_breaking_the_migration()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, Migration);
        var lead = Guid.NewGuid();
        await db.ExecuteAsync("""
            insert into leads (id, name, email, phone, consent_at, consent_text_version, consent_source)
            values (@lead, 'Clara Zeta', 'cz@example.de', '+49 170 5550199', now(), '2026-11-25', 'test');
            insert into tasks (lead_id, kind, title, details, due_at) values
              (@lead, 'email', 'cz@example.de', 'Unterlagen an Clara Zeta schicken.', now()),
              (@lead, 'call', '+49 170 5550199', 'Clara Zeta zurückrufen.', now());
            """, new { lead });

        await db.MigrateAsync();

        var stored = await db.QueryAsync<TaskText>("select id, title, details from tasks where lead_id = @lead order by kind", new { lead });
        Assert.Equal([("Aufgabe", "{name} zurückrufen."), ("Aufgabe", "Unterlagen an {name} schicken.")],
            stored.Select(t => (t.Title, t.Details)));
    }

    [Fact]
    public async Task An_open_overdue_summary_lists_its_tasks_by_reference_and_a_closed_one_keeps_its_heading()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, Migration);
        var lead = Guid.NewGuid();
        // Yesterday's first contact is overdue today: the old summary named the lead in its details. Fixed days in the
        // week (Monday to Thursday), not now(): a weekend moves a new lead's first contact to Monday.
        await db.ExecuteAsync("""
            insert into leads (id, name, email, consent_at, consent_text_version, consent_source, stage_changed_at, created_at)
            values (@lead, 'Clara Überfällig', 'clara@example.de', @at, '2026-11-25', 'test', @at - interval '3 days', @at - interval '3 days');
            select * from create_first_contact_tasks((@at at time zone 'Europe/Berlin')::date - 2, @at - interval '2 days');
            select * from create_overdue_summary_tasks((@at at time zone 'Europe/Berlin')::date - 1, @at - interval '1 day');
            select * from create_overdue_summary_tasks((@at at time zone 'Europe/Berlin')::date, @at);
            """, new { lead, at = new DateTime(2026, 11, 19, 10, 0, 0, DateTimeKind.Utc) });
        var oldDetails = await db.QueryAsync<string>("select details from tasks where rule = 'overdue_summary' order by generated_for");
        Assert.All(oldDetails, d => Assert.Contains("Clara Überfällig", d));
        var overdueTask = await db.ScalarAsync<Guid>("select id from tasks where lead_id = @lead and rule = 'first_contact'", new { lead });

        await db.MigrateAsync();

        var summaries = await db.QueryAsync<(string Status, string Details, string Items, string? Lines)>("""
            select status::text, details, attributes ->> 'items', overdue_summary_lines(attributes -> 'items')
            from tasks where rule = 'overdue_summary' order by generated_for
            """);
        Assert.Equal(2, summaries.Count);
        var (closedStatus, closedDetails, closedItems, _) = summaries[0];
        Assert.Equal("CANCELLED", closedStatus);
        Assert.Equal("Jede Aufgabe erledigen, überspringen oder neu terminieren.", closedDetails);
        Assert.Equal("[]", closedItems);
        var (openStatus, openDetails, openItems, lines) = summaries[1];
        Assert.Equal("OPEN", openStatus);
        Assert.Equal("Jede Aufgabe erledigen, überspringen oder neu terminieren:\n{aufgaben}", openDetails);
        Assert.Contains(overdueTask.ToString(), openItems);
        Assert.StartsWith("- Erstkontakt: Clara Überfällig (fällig ", lines);
    }

    [Fact]
    public async Task An_agent_named_after_its_customer_is_named_after_its_package_and_others_keep_their_names()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, Migration);
        var lead = Guid.NewGuid();
        await db.ExecuteAsync("""
            insert into leads (id, name, email, company, consent_at, consent_text_version, consent_source)
            values (@lead, 'Dora Kundin', 'dora@example.de', 'Kundin & Co', now(), '2026-11-25', 'test');
            insert into deals (lead_id, package, amount_cents) values (@lead, 'SETUP', 149000), (@lead, 'RETAINER', 14900);
            insert into agents (lead_id, deal_id, name, key_hash, key_prefix)
            select @lead, d.id, case d.package when 'SETUP' then 'Agent von kundin & co' else 'Postfach-Assistent' end,
                   md5(d.id::text) || md5(d.package::text), 'lsa_' || left(md5(d.id::text), 4)
            from deals d where d.lead_id = @lead;
            """, new { lead });

        await db.MigrateAsync();

        var agents = await db.QueryAsync<(Guid Id, string Name, string Package)>("""
            select a.id, a.name::text, d.package::text from agents a join deals d on d.id = a.deal_id where a.lead_id = @lead
            """, new { lead });
        var renamed = Assert.Single(agents, a => a.Package == "SETUP");
        Assert.Equal("Agent Setup #" + renamed.Id.ToString()[..8], renamed.Name);
        Assert.Equal("Postfach-Assistent", Assert.Single(agents, a => a.Package == "RETAINER").Name);
    }
}
