using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Leads;

/// <summary>
/// <c>PATCH /api/leads/{id}</c>: corrections of the contact data, checked like a new prospect, compare-and-set on
/// the version the page read; every refusal leaves the lead as it was.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class EditLeadTests(StackFixture stack) : ProspectTestBase(stack)
{
    private Task<HttpResponseMessage> PatchAsync(Guid lead, object body) =>
        Host.TeamClient.PatchAsync($"/api/leads/{lead}", JsonContent.Create(body));

    private Task<HttpResponseMessage> PatchRawAsync(Guid lead, string json) =>
        Host.TeamClient.PatchAsync($"/api/leads/{lead}", new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<(string Name, string? Email, string? Phone, string? Company, string? Handle, string? HandleChannel, int Version)> LeadAsync(Guid lead)
    {
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(string, string?, string?, string?, string?, string?, int)>(
            "select name, email, phone, company, handle, handle_channel, version from leads where id = @lead", new { lead });
    }

    private static string[] Errors(JsonElement problem, string field) =>
        problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task A_correction_changes_only_the_fields_named_normalised_and_bumps_the_version()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, name: "Nora Brandl", company: "Studio");
        var handle = Prospects.UniqueHandle("nora");

        var response = await PatchAsync(lead, new
        {
            version = 1, name = "  Nora   Brändl ", phone = "+49 30 2312 5999", handle = $"https://www.instagram.com/{handle}/", handle_channel = "instagram",
        });

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal((2, "Nora Brändl", handle), (body.GetProperty("version").GetInt32(), body.GetProperty("name").GetString(), body.GetProperty("handle").GetString()));
        var stored = await LeadAsync(lead);
        Assert.Equal(("Nora Brändl", "+49 30 2312 5999", "Studio", handle, "instagram", 2),
            (stored.Name, stored.Phone, stored.Company, stored.Handle, stored.HandleChannel, stored.Version));
        Assert.NotNull(stored.Email);
    }

    [Fact]
    public async Task A_stage_move_in_between_does_not_make_an_edit_stale_but_another_correction_does()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, name: "Jonas Kurz");
        Assert.Equal(HttpStatusCode.OK, (await Host.TeamClient.PostAsJsonAsync($"/api/leads/{lead}/stage", new { to_stage = "CONTACTED", from_stage = "NEW" })).StatusCode);

        var first = await PatchAsync(lead, new { version = 1, company = "Kurz Webentwicklung" });
        var stale = await PatchAsync(lead, new { version = 1, company = "Etwas anderes", name = "J. Kurz" });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var problem = await BodyAsync(stale);
        Assert.Equal(2, problem.GetProperty("current_version").GetInt32());
        Assert.Contains("nichts überschrieben", problem.GetProperty("title").GetString());
        Assert.Single(Errors(problem, "version"));
        var stored = await LeadAsync(lead);
        Assert.Equal(("Jonas Kurz", "Kurz Webentwicklung", 2), (stored.Name, stored.Company, stored.Version));
    }

    [Fact]
    public async Task Invalid_values_get_422_with_a_German_message_per_field_and_change_nothing()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin);
        var before = await LeadAsync(lead);

        var invalid = await PatchAsync(lead, new { version = 1, name = " ", email = "kein-at-zeichen", phone = "ruf mich an", handle = "@anna" });
        var unreachable = await PatchAsync(lead, new { version = 1, email = (string?)null });
        var unknownField = await PatchAsync(lead, new { version = 1, stage = "WON", name = "Lena" });
        var wrongType = await PatchAsync(lead, new { version = "eins", name = 42 });
        var noVersion = await PatchAsync(lead, new { name = "Lena Lead" });
        var nothing = await PatchAsync(lead, new { version = 1 });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var errors = await BodyAsync(invalid);
        Assert.Equal(["email", "handle_channel", "name", "phone"], errors.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("gültige E-Mail-Adresse", Errors(errors, "email")[0]);
        Assert.Contains("Kanal zum Handle", Errors(errors, "handle_channel")[0]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unreachable.StatusCode);
        Assert.Contains("E-Mail-Adresse oder einen Handle", Errors(await BodyAsync(unreachable), "email")[0]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownField.StatusCode);
        Assert.Contains("gibt es nicht", Errors(await BodyAsync(unknownField), "stage")[0]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongType.StatusCode);
        Assert.Equal(["name", "version"], (await BodyAsync(wrongType)).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noVersion.StatusCode);
        Assert.Contains("Version", Errors(await BodyAsync(noVersion), "version")[0]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, nothing.StatusCode);
        Assert.Equal(before, await LeadAsync(lead));
    }

    [Fact]
    public async Task An_email_another_lead_has_gets_409_naming_that_lead()
    {
        var other = await Crm.CreateLeadAsync(Stack.Admin);
        var otherEmail = await Crm.ScalarAsync<string>(Stack.Admin, "select email from leads where id = @other", new { other });
        var lead = await Crm.CreateLeadAsync(Stack.Admin);
        var before = await LeadAsync(lead);

        var response = await PatchAsync(lead, new { version = 1, email = otherEmail.ToUpperInvariant() });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await BodyAsync(response);
        Assert.Equal(other, problem.GetProperty("existing_lead_id").GetGuid());
        Assert.Single(Errors(problem, "email"));
        Assert.Equal(before, await LeadAsync(lead));
    }

    [Fact]
    public async Task Unknown_lead_malformed_id_bad_json_no_token_and_non_member_are_refused()
    {
        var unknown = await PatchAsync(Guid.NewGuid(), new { version = 1, name = "Niemand" });
        var malformed = await Host.TeamClient.PatchAsync("/api/leads/kein-uuid", JsonContent.Create(new { version = 1, name = "Niemand" }));
        var lead = await Crm.CreateLeadAsync(Stack.Admin);
        var notJson = await PatchRawAsync(lead, "{\"version\": 1,");
        var anonymous = await Host.Client.PatchAsync($"/api/leads/{lead}", JsonContent.Create(new { version = 1, name = "Fremd" }));
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/leads/{lead}") { Content = JsonContent.Create(new { version = 1, name = "Fremd" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await TestIssuer.Shared).Token(Guid.NewGuid()));
        var nonMember = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Diesen Lead gibt es nicht.", (await BodyAsync(unknown)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, nonMember.StatusCode);
        Assert.Equal("Lena Lead", (await LeadAsync(lead)).Name);
    }
}
