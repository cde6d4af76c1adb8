using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Pipeline;

/// <summary>
/// GET /api/packages: the active packages of public.packages in their order, with name, kind and list price, as the
/// deal form of the status center offers them; team members only.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ListPackagesTests(StackFixture stack) : DealTestBase(stack)
{
    [Fact]
    public async Task The_packages_come_in_their_order_with_name_kind_and_list_price()
    {
        var body = await JsonAsync(await Host.TeamClient.GetAsync("/api/packages"), HttpStatusCode.OK);

        var packages = body.GetProperty("packages").EnumerateArray()
            .Select(p => (p.GetProperty("key").GetString(), p.GetProperty("kind").GetString(), p.GetProperty("price_cents").GetInt32()))
            .ToList();
        Assert.Equal([("SETUP", "one_time", 149000), ("RETAINER", "monthly", 14900)], packages);
        Assert.StartsWith("Setup", body.GetProperty("packages")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Without_a_token_it_is_401_and_for_a_non_member_403()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.Client.GetAsync("/api/packages")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await AsNonMemberAsync(HttpMethod.Get, "/api/packages")).StatusCode);
    }
}
