using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Database.Migrations;

/// <summary>
/// 20261207190000_privacy_parts_fitted.sql on a database with lost leads: the reasons it had stay offered in the LOST
/// form and on the leads, the two codes the privacy functions set are not offered; a lead lost with a free text
/// before the codes existed is erased without that text.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ExistingLostReasonsStayOfferedTests(StackFixture stack)
{
    [Fact]
    public async Task The_reasons_a_database_had_stay_offered_and_the_leads_keep_their_codes_and_notes()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, "20261207190000_privacy_parts_fitted.sql");
        var lead = Guid.NewGuid();
        await db.ExecuteAsync("""
            insert into leads (id, name, email, consent_at, consent_text_version, consent_source)
            values (@lead, 'Jana Preis', 'jana@example.de', now(), '2026-11-25', 'test');
            update leads set stage = 'CONTACTED' where id = @lead;
            update leads set stage = 'LOST', lost_reason_code = 'preis', lost_reason = 'Budget erst im Herbst' where id = @lead;
            """, new { lead });
        var codesBefore = await db.QueryAsync<string>("select code from lost_reasons order by position");

        await db.MigrateAsync();

        var reasons = await db.QueryAsync<(string Code, bool Offered)>("select code, offered from lost_reasons order by position");
        Assert.Equal(codesBefore.Select(c => (c, true)).Concat([("widerspruch", false), ("einwilligung_widerrufen", false)]), reasons);
        Assert.Equal(("LOST", "preis", "Budget erst im Herbst"),
            (await db.QueryAsync<(string, string, string)>("select stage::text, lost_reason_code, lost_reason from leads where id = @lead", new { lead })).Single());
        Assert.Equal("preis", await db.ScalarAsync<string>(
            "select lost_reason_code from lead_stage_history where lead_id = @lead and to_stage = 'LOST'", new { lead }));
    }

    [Fact]
    public async Task A_lead_lost_with_a_free_text_before_the_codes_is_erased_without_it()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, "20261207182100_lost_reason_codes.sql");
        var lead = Guid.NewGuid();
        await db.ExecuteAsync("""
            insert into leads (id, name, email, consent_at, consent_text_version, consent_source)
            values (@lead, 'Kai Altgrund', 'kai@example.de', now(), '2026-11-25', 'test');
            update leads set stage = 'CONTACTED' where id = @lead;
            update leads set stage = 'LOST', lost_reason = 'Kai Altgrund hat kein Budget' where id = @lead;
            select keep_kpi_figures(now() + interval '40 days', 60);
            """, new { lead });

        await db.MigrateAsync();
        var member = await Crm.CreateTeamMemberAsync(db.Admin);
        await Crm.AsUserAsync(db.Admin, member, "select * from erase_lead(@lead, 'request', now())", new { lead });

        Assert.Equal(1, await db.ScalarAsync<int>("select count(*) from erasures where lead_id = @lead", new { lead }));
        Assert.Equal(("LOST", "sonstiges", (string?)null),
            (await db.QueryAsync<(string, string, string?)>("select stage::text, lost_reason_code, lost_reason from leads where id = @lead", new { lead })).Single());
        Assert.Equal(0, await db.ScalarAsync<int>("""
            select (select count(*) from lead_stage_history h where h::text like '%Altgrund%' or h::text like '%Budget%')
                 + (select count(*) from kpi_period_figures f where f.figures::text like '%Altgrund%' or f.figures::text like '%Budget%')
                 + (select count(*) from leads l where l::text like '%Altgrund%')
            """));
    }
}
