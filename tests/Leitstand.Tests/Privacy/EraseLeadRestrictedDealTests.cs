using System.Net;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Privacy;

/// <summary>A won deal is an accounting record (§257 HGB, §147 AO): it stays readable, without the person, restricted until its retention ends.</summary>
[Collection(StackCollection.Name)]
public sealed class EraseLeadRestrictedDealTests(StackFixture stack) : ErasureTestBase(stack)
{
    [Fact]
    public async Task The_won_deal_keeps_amount_date_and_package_and_is_restricted_until_ten_years_after_the_years_end()
    {
        var person = await PersonAsync();
        await using var connection = await Admin.OpenConnectionAsync();
        var before = await connection.QuerySingleAsync<(string Package, int AmountCents, DateTime WonAt, string Status)>(
            "select package::text, amount_cents, won_at, status::text from deals where id = @DealId", person);

        Assert.Equal(HttpStatusCode.OK, (await EraseAsync(person.LeadId)).StatusCode);

        var after = await connection.QuerySingleAsync<(string Package, int AmountCents, DateTime WonAt, string Status)>(
            "select package::text, amount_cents, won_at, status::text from deals where id = @DealId", person);
        Assert.Equal(before, after);
        var wonYear = TimeZoneInfo.ConvertTimeFromUtc(before.WonAt, Berlin).Year;
        Assert.Equal(new DateOnly(wonYear + 10, 12, 31),
            DateOnly.FromDateTime(await connection.ExecuteScalarAsync<DateTime>("select restricted_until::timestamp from deals where id = @DealId", person)));
        Assert.Equal("Rabatt für Gelöscht (Art. 17)", await connection.ExecuteScalarAsync<string>("select price_reason from deals where id = @DealId", person));

        // Readable for accounting, showing no person.
        var response = await Host.TeamClient.GetAsync($"/api/deals/{person.DealId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("149000", text);
        Assert.Contains("Gelöscht (Art. 17)", text);
        foreach (var value in person.Strings.Append(person.Company)) Assert.DoesNotContain(value, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_deal_that_was_not_won_is_not_restricted()
    {
        var lead = await Crm.CreateLeadAsync(Admin, "CALL_BOOKED", name: "Otto Offen");
        await ExecuteAsync("insert into deals (lead_id, package, amount_cents) values (@lead, 'SETUP', 149000)", new { lead });

        Assert.Equal(HttpStatusCode.OK, (await EraseAsync(lead)).StatusCode);

        Assert.Equal(0, await ScalarAsync<int>("select count(*)::int from deals where lead_id = @lead and restricted_until is not null", new { lead }));
    }
}
