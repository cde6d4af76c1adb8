using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Database.Migrations;

/// <summary>
/// 20261207145000_lead_search_page.sql on a database with leads: their search words are stored for every existing
/// row (the generated column leads.search_document), so each search finds the same leads as before, in the old
/// function and in the new page.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ExistingLeadsAreFoundByTheSameSearchesTests(StackFixture stack)
{
    private static readonly string[] Searches = ["müller", "Jörg", "Acme", "jm@example", "0170", "joerg.m", "anderer"];

    [Fact]
    public async Task Each_search_finds_the_same_existing_leads_as_before()
    {
        await using var db = await DatabaseBeforeMigration.CreateAsync(stack, "20261207145000_lead_search_page.sql");
        await db.ExecuteAsync("""
            insert into leads (name, email, phone, company, handle, handle_channel, consent_at, consent_text_version, consent_source) values
              ('Jörg Müller', 'jm@example.de', '0170 1234567', 'Acme Werkzeuge', 'joerg.m', 'instagram', now(), '2026-11-25', 'test'),
              ('Ruth Anderer', 'ruth@example.org', null, 'Müller & Söhne', null, null, now(), '2026-11-25', 'test'),
              ('Sven Keiner', 'sven@example.net', null, null, null, null, now(), '2026-11-25', 'test');
            """);
        var member = await Crm.CreateTeamMemberAsync(db.Admin);
        var before = new Dictionary<string, List<Guid>>();
        foreach (var search in Searches)
            before[search] = (await db.QueryAsUserAsync<Guid>(member, "select search_lead_ids(@search)", new { search })).Order().ToList();
        Assert.Equal(2, before["müller"].Count);
        Assert.Single(before["0170"]);

        await db.MigrateAsync();

        Assert.Equal(0, await db.ScalarAsync<int>("select count(*) from leads where search_document is null or search_document = ''::tsvector"));
        foreach (var search in Searches)
        {
            Assert.Equal(before[search], (await db.QueryAsUserAsync<Guid>(member, "select search_lead_ids(@search)", new { search })).Order().ToList());
            Assert.Equal(before[search], (await db.QueryAsUserAsync<Guid>(member,
                "select search_lead_page(@search, null, null, null, null, 50)", new { search })).Order().ToList());
        }
    }
}
