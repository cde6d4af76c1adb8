using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Leads;

namespace Leitstand.Tests.Privacy;

/// <summary><c>POST /api/people/search</c> with an e-mail, or a handle and channel: the leads stored with it.</summary>
[Collection(StackCollection.Name)]
public sealed class FindPeopleTests(StackFixture stack) : ProspectTestBase(stack)
{
    private Task<HttpResponseMessage> SearchAsync(HttpClient client, object body) => client.PostAsJsonAsync("/api/people/search", body);

    private async Task<List<JsonElement>> FindAsync(object body)
    {
        var response = await SearchAsync(Host.TeamClient, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("people").EnumerateArray().ToList();
    }

    [Fact]
    public async Task An_email_finds_its_lead_whatever_the_case_and_surrounding_space()
    {
        var email = $"Petra.{Guid.NewGuid():N}@Example.de";
        var lead = await Prospects.AddAsync(Host, new { name = "Petra Person", email, contact_basis = "cold" });

        var found = Assert.Single(await FindAsync(new { email = $"  {email.ToUpperInvariant()} " }));

        Assert.Equal((lead, "Petra Person", email.ToLowerInvariant(), "NEW"),
            (found.GetProperty("id").GetGuid(), found.GetProperty("name").GetString(), found.GetProperty("email").GetString(), found.GetProperty("stage").GetString()));
        Assert.Equal("Neu", found.GetProperty("stage_label").GetString());
        Assert.True(found.GetProperty("created_at").GetDateTime() > DateTime.UtcNow.AddHours(-1));
    }

    [Fact]
    public async Task A_handle_finds_its_lead_with_or_without_at_sign_case_and_channel()
    {
        var handle = Prospects.UniqueHandle("pia");
        var lead = await Prospects.AddAsync(Host, new { name = "Pia Profil", handle, handle_channel = "instagram", contact_basis = "cold" });

        Assert.Equal(lead, Assert.Single(await FindAsync(new { handle = $" @{handle.ToUpperInvariant()} ", channel = "instagram" })).GetProperty("id").GetGuid());
        Assert.Equal(lead, Assert.Single(await FindAsync(new { handle = $"@{handle}" })).GetProperty("id").GetGuid());
        Assert.Equal(lead, Assert.Single(await FindAsync(new { handle = $"https://www.instagram.com/{handle}/", channel = "instagram" })).GetProperty("id").GetGuid());
        Assert.Empty(await FindAsync(new { handle, channel = "linkedin" }));
    }

    [Fact]
    public async Task An_address_nobody_has_finds_no_one()
    {
        Assert.Empty(await FindAsync(new { email = $"niemand.{Guid.NewGuid():N}@example.de" }));
    }

    [Fact]
    public async Task Without_email_or_handle_it_is_422_in_german_and_an_unknown_channel_too()
    {
        foreach (var body in new object[] { new { }, new { email = "  " }, new { channel = "instagram" } })
        {
            var response = await SearchAsync(Host.TeamClient, body);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.Contains("E-Mail-Adresse", errors.GetProperty("email")[0].GetString());
            Assert.Contains("Handle", errors.GetProperty("handle")[0].GetString());
        }
        var channel = await SearchAsync(Host.TeamClient, new { handle = "pia", channel = "myspace" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, channel.StatusCode);
        Assert.Contains("Unbekannter Kanal", (await channel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("channel")[0].GetString());
    }

    [Fact]
    public async Task Without_sign_in_it_is_401_and_for_a_non_member_403()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await SearchAsync(Host.Client, new { email = "a@example.de" })).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/people/search") { Content = JsonContent.Create(new { email = "a@example.de" }) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (await TestIssuer.Shared).Token(Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.Client.SendAsync(request)).StatusCode);
    }
}
