using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Privacy;

/// <summary>Erasure only for team members (401 without token, 403 for a non-member), 404 for an unknown lead.</summary>
[Collection(StackCollection.Name)]
public sealed class EraseLeadAccessTests(StackFixture stack) : ErasureTestBase(stack)
{
    [Fact]
    public async Task An_unknown_lead_is_404_in_German_and_a_malformed_id_400()
    {
        var response = await EraseAsync(Guid.NewGuid());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Diesen Lead gibt es nicht.", (await BodyAsync(response)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await Host.TeamClient.PostAsJsonAsync("/api/leads/nope/erase", new { })).StatusCode);
        Assert.Equal(0, await ScalarAsync<int>("select count(*)::int from erasures"));
    }

    [Fact]
    public async Task Without_a_token_it_is_401_and_for_a_non_member_403_and_nothing_is_erased()
    {
        var person = await PersonAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/leads/{person.LeadId}/erase") { Content = JsonContent.Create(new { }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await TestIssuer.Shared).Token(Guid.NewGuid()));

        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.Client.PostAsJsonAsync($"/api/leads/{person.LeadId}/erase", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.Client.SendAsync(request)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.Client.GetAsync("/api/erasures")).StatusCode);

        Assert.Equal(person.Name, await ScalarAsync<string>("select name from leads where id = @LeadId", person));
        Assert.Equal(0, await ScalarAsync<int>("select count(*)::int from erasures"));
    }
}
