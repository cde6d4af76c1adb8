using System.Net;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Privacy;

/// <summary>A second erasure of the same lead changes nothing and answers with the first record.</summary>
[Collection(StackCollection.Name)]
public sealed class EraseLeadIdempotentTests(StackFixture stack) : ErasureTestBase(stack)
{
    [Fact]
    public async Task A_second_call_returns_the_first_record_and_changes_nothing()
    {
        var person = await PersonAsync();
        var first = (await BodyAsync(await EraseAsync(person.LeadId))).GetProperty("erasure");
        var before = await SnapshotAsync(person.LeadId);
        Clock.Advance(TimeSpan.FromHours(1));

        var response = await EraseAsync(person.LeadId, new { reason = "other" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await BodyAsync(response);
        Assert.True(body.GetProperty("already_erased").GetBoolean());
        var second = body.GetProperty("erasure");
        Assert.Equal(first.GetRawText(), second.GetRawText());
        Assert.Equal("request", second.GetProperty("reason").GetString());
        Assert.Equal(before, await SnapshotAsync(person.LeadId));
        Assert.Equal(1, await ScalarAsync<int>("select count(*)::int from erasures where lead_id = @LeadId", person));
    }

    // The lead, its tasks, agents and deals as text: any change shows.
    private async Task<string> SnapshotAsync(Guid lead)
    {
        await using var connection = await Admin.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string>("""
            select concat_ws('|',
              (select row_to_json(l)::text from leads l where l.id = @lead),
              (select json_agg(t order by t.id)::text from tasks t where t.lead_id = @lead),
              (select json_agg(a order by a.id)::text from agents a where a.lead_id = @lead),
              (select json_agg(d order by d.id)::text from deals d where d.lead_id = @lead),
              (select count(*)::text from deal_history h join deals d on d.id = h.deal_id where d.lead_id = @lead))
            """, new { lead }) ?? "";
    }
}
