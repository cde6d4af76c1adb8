using System.Net;
using System.Net.Http.Json;
using Leitstand.Privacy;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Leads;

namespace Leitstand.Tests.Privacy;

/// <summary>
/// A person who objected cannot be entered again: a new prospect (<c>POST /api/prospects</c>) or a lead edit
/// (<c>PATCH /api/leads/{id}</c>) with the objected e-mail or handle is refused with 422 at that field, in German.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ObjectionRefusalTests(StackFixture stack) : ProspectTestBase(stack)
{
    [Fact]
    public async Task A_new_prospect_with_an_objected_email_is_refused_at_the_email_and_nothing_is_stored()
    {
        var email = LeadForms.UniqueEmail();
        Assert.Equal(HttpStatusCode.Created, (await Objections.PostAsync(Host, new { email })).StatusCode);

        var response = await Prospects.PostAsync(Host, new { name = "Wieder Da", email = email.ToUpperInvariant(), contact_basis = "referral" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await Objections.BodyAsync(response)).GetProperty("errors");
        Assert.Equal(ObjectionHashes.RefusalMessage, errors.GetProperty("email")[0].GetString());
        Assert.StartsWith("Diese Person hat der Kontaktaufnahme widersprochen", ObjectionHashes.RefusalMessage, StringComparison.Ordinal);
        Assert.False(errors.TryGetProperty("handle", out _));
        Assert.Equal(0, await CountAsync("select count(*) from leads where email = @email", new { email }));
    }

    [Fact]
    public async Task A_new_prospect_with_an_objected_handle_is_refused_at_the_handle_also_as_a_profile_url()
    {
        var handle = Prospects.UniqueHandle("widerspruch");
        Assert.Equal(HttpStatusCode.Created, (await Objections.PostAsync(Host, new { handle = "@" + handle, channel = "x" })).StatusCode);

        var response = await Prospects.PostAsync(Host, new { name = "Wieder Da", handle = "https://x.com/" + handle, handle_channel = "x", contact_basis = "cold" });
        var otherChannel = await Prospects.PostAsync(Host, new { name = "Anderer Kanal", handle, handle_channel = "instagram", contact_basis = "cold" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(ObjectionHashes.RefusalMessage, (await Objections.BodyAsync(response)).GetProperty("errors").GetProperty("handle")[0].GetString());
        Assert.Equal(0, await CountAsync("select count(*) from leads where handle = @handle and handle_channel = 'x'", new { handle }));
        // the objection names the handle on its channel: the same name elsewhere is another person
        Assert.Equal(HttpStatusCode.Created, otherChannel.StatusCode);
    }

    [Fact]
    public async Task An_edit_that_gives_a_lead_an_objected_email_is_refused_but_the_other_fields_of_an_objected_lead_stay_editable()
    {
        var objected = LeadForms.UniqueEmail();
        Assert.Equal(HttpStatusCode.Created, (await Objections.PostAsync(Host, new { email = objected })).StatusCode);
        var other = await Crm.CreateLeadAsync(Stack.Admin);
        var (stopped, stoppedEmail, _) = await Objections.LeadWithOpenTaskAsync(Stack.Admin);
        Assert.Equal(HttpStatusCode.Created, (await Objections.PostAsync(Host, new { email = stoppedEmail })).StatusCode);

        var edit = await Host.TeamClient.PatchAsync($"/api/leads/{other}", JsonContent.Create(new { version = 1, email = objected }));
        var rename = await Host.TeamClient.PatchAsync($"/api/leads/{stopped}", JsonContent.Create(new { version = 1, name = "Neuer Name" }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, edit.StatusCode);
        Assert.Equal(ObjectionHashes.RefusalMessage, (await Objections.BodyAsync(edit)).GetProperty("errors").GetProperty("email")[0].GetString());
        Assert.Equal(0, await CountAsync("select count(*) from leads where email = @objected", new { objected }));
        Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
    }
}
