using System.Net;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Privacy;

/// <summary>An erasure that fails halfway leaves nothing half-erased: one transaction.</summary>
[Collection(StackCollection.Name)]
public sealed class EraseLeadAllOrNothingTests(StackFixture stack) : ErasureTestBase(stack)
{
    [Fact]
    public async Task A_failure_at_the_last_step_leaves_every_personal_field_in_place_and_a_retry_erases_all()
    {
        var person = await PersonAsync();
        var before = await FindAnywhereAsync(person.Strings);
        // The failure: the record (the very last write) is refused for this lead.
        await ExecuteAsync($"""
            create function fail_erasure() returns trigger language plpgsql as $$
            begin raise exception 'injected failure'; end $$;
            create trigger erasures_fail before insert on erasures for each row
              when (new.lead_id = '{person.LeadId}') execute function fail_erasure();
            """);

        var failed = await EraseAsync(person.LeadId);

        Assert.False(failed.IsSuccessStatusCode);
        Assert.Equal(before, await FindAnywhereAsync(person.Strings));
        await using (var connection = await Admin.OpenConnectionAsync())
        {
            Assert.Equal((person.Name, false, 2, 2, 1), await connection.QuerySingleAsync<(string, bool, int, int, int)>("""
                select l.name, a.paused,
                       (select count(*)::int from tasks t where t.lead_id = l.id and t.status = 'OPEN'),
                       (select count(*)::int from lead_touchpoints tp where tp.lead_id = l.id and tp.note is not null),
                       (select count(*)::int from onboarding_answers o where o.lead_id = l.id)
                from leads l join agents a on a.lead_id = l.id where l.id = @LeadId
                """, person));
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*)::int from erasures"));
        }

        await ExecuteAsync("drop trigger erasures_fail on erasures");
        Assert.Equal(HttpStatusCode.OK, (await EraseAsync(person.LeadId)).StatusCode);
        Assert.Empty(await FindAnywhereAsync(person.Strings));
    }
}
