using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Database.Migrations;

/// <summary>
/// 20261207120000_lead_workbench.sql on a database with touchpoints and leads: a note that only repeats its code's
/// label (what record_touchpoint wrote) goes, a note the team or the form wrote stays; existing leads start at
/// version 1 of their contact data.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ExistingTouchpointNotesKeepOnlyWhatTheTeamWroteTests(StackFixture stack)
{
    [Fact]
    public async Task A_note_that_repeats_its_codes_label_goes_and_a_written_one_stays()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, "20261207120000_lead_workbench.sql");
        var lead = Guid.NewGuid();
        await db.ExecuteAsync("""
            insert into leads (id, name, email, consent_at, consent_text_version, consent_source)
            values (@lead, 'Lea Notiz', 'lea@example.de', now(), '2026-11-25', 'test');
            select * from record_touchpoint(@lead, 'dm', 'first_message_sent', now() - interval '2 hours');
            insert into lead_touchpoints (lead_id, direction, channel, kind, note, note_code, occurred_at) values
              (@lead, 'INBOUND', 'email', 'email', 'Fragt nach dem Preis für zwei Agenten', 'replied', now() - interval '1 hour'),
              (@lead, 'INBOUND', 'landing_page', 'form_submission', 'Bitte rufen Sie mich an', null, now() - interval '3 hours');
            """, new { lead });
        Assert.Equal("Erstnachricht gesendet", await db.ScalarAsync<string>(
            "select note from lead_touchpoints where lead_id = @lead and note_code = 'first_message_sent'", new { lead }));

        await db.MigrateAsync();

        var notes = await db.QueryAsync<(string? Code, string? Note)>(
            "select note_code, note from lead_touchpoints where lead_id = @lead order by occurred_at", new { lead });
        Assert.Equal([(null, "Bitte rufen Sie mich an"), ("first_message_sent", null), ("replied", "Fragt nach dem Preis für zwei Agenten")], notes);
        Assert.Equal(1, await db.ScalarAsync<int>("select version from leads where id = @lead", new { lead }));
    }
}
