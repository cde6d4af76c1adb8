using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Leitstand.Leads;
using Leitstand.Platform;
using Leitstand.Tasks;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Leads;

/// <summary><c>POST /api/prospects</c>: a prospect added by hand, with its first-contact task.</summary>
[Collection(StackCollection.Name)]
public sealed class AddProspectTests(StackFixture stack) : ProspectTestBase(stack)
{
    [Fact]
    public async Task Instagram_handle_without_consent_is_stored_as_cold_and_gets_a_first_contact_task_with_the_UWG_hint()
    {
        var handle = Prospects.UniqueHandle();

        var response = await Prospects.PostAsync(Host, new { name = "Anna Beispiel", handle, handle_channel = "instagram", contact_basis = "cold", company = "Physiopraxis Beispiel" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await BodyAsync(response);
        var leadId = body.GetProperty("lead_id").GetGuid();
        var taskId = body.GetProperty("first_contact_task_id").GetGuid();
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var lead = await connection.QuerySingleAsync("""
            select name, email, handle_channel, handle, contact_basis::text as basis, stage::text as stage,
                   consent_at, consent_text_version, consent_source, created_at from leads where id = @leadId
            """, new { leadId });
        Assert.Equal("Anna Beispiel", (string)lead.name);
        Assert.Null(lead.email);
        Assert.Equal(("instagram", handle), ((string)lead.handle_channel, (string)lead.handle));
        Assert.Equal(("cold", "NEW"), ((string)lead.basis, (string)lead.stage));
        Assert.Null(lead.consent_at);
        Assert.Null(lead.consent_text_version);
        Assert.Null(lead.consent_source);
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, (DateTime)lead.created_at, TimeSpan.FromMilliseconds(1));
        var task = await connection.QuerySingleAsync("""
            select t.lead_id, public.task_text(t.title, l.name, l.company, l.handle) as title, public.task_text(t.details, l.name, l.company, l.handle) as details,
                   t.status::text as status, t.generated_for::text as generated_for
            from tasks t join leads l on l.id = t.lead_id where t.id = @taskId and t.rule = 'first_contact'
            """, new { taskId });
        Assert.Equal(leadId, (Guid)task.lead_id);
        Assert.Equal("OPEN", (string)task.status);
        Assert.Equal("Erstkontakt: Anna Beispiel", (string)task.title);
        Assert.Equal(BerlinTime.Today(Clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), (string)task.generated_for);
        Assert.Contains("Hinweis (UWG § 7): Für diesen Kontakt liegt keine Einwilligung vor.", (string)task.details);
        Assert.Contains($"Kanal: instagram ({handle})", (string)task.details);
    }

    [Fact]
    public async Task Referral_with_an_email_is_stored_and_its_first_contact_names_the_referral_without_the_UWG_hint()
    {
        var email = LeadForms.UniqueEmail();

        var response = await Prospects.PostAsync(Host, new
        {
            name = "Jonas Kurz", email = "  " + email.ToUpperInvariant() + " ", contact_basis = "referral", company = "Kurz Elektro",
            phone = "+49 170 1234567", source = "empfehlung-mueller",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await BodyAsync(response);
        var leadId = body.GetProperty("lead_id").GetGuid();
        Assert.Equal(1, await CountAsync("""
            select count(*) from leads where id = @leadId and email = @email and handle is null and contact_basis = 'referral'
              and company = 'Kurz Elektro' and phone = '+49 170 1234567' and source = 'empfehlung-mueller' and consent_at is null
            """, new { leadId, email }));
        var details = await Crm.ScalarAsync<string>(Stack.Admin, "select details from tasks where id = @id and lead_id = @leadId",
            new { id = body.GetProperty("first_contact_task_id").GetGuid(), leadId });
        Assert.StartsWith("Empfehlung:", details);
        Assert.Contains("Kanal: E-Mail", details);
        Assert.DoesNotContain("UWG", details);
    }

    [Fact]
    public async Task Form_basis_with_a_consent_records_it_and_defaults_its_time_to_now()
    {
        var email = LeadForms.UniqueEmail();

        var response = await Prospects.PostAsync(Host, new
        {
            name = "Mara Form", email, contact_basis = "form", consent_text_version = "2026-11-25", consent_source = "messe-stand:2026-11",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var leadId = (await BodyAsync(response)).GetProperty("lead_id").GetGuid();
        Assert.Equal(1, await CountAsync("""
            select count(*) from leads where id = @leadId and contact_basis = 'form' and consent_text_version = '2026-11-25'
              and consent_source = 'messe-stand:2026-11' and consent_at = @now
            """, new { leadId, now = Clock.GetUtcNow().UtcDateTime }));
    }

    [Fact]
    public async Task Form_basis_without_consent_gets_400_with_a_German_message_per_field()
    {
        var email = LeadForms.UniqueEmail();

        var response = await Prospects.PostAsync(Host, new { name = "Mara Form", email, contact_basis = "form" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await BodyAsync(response)).GetProperty("errors");
        Assert.Equal(["consent_source", "consent_text_version"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("Einwilligungstextes", errors.GetProperty("consent_text_version")[0].GetString());
        Assert.Equal(0, await CountAsync("select count(*) from leads where email = @email", new { email }));
    }

    [Fact]
    public async Task Consent_for_another_contact_basis_is_refused()
    {
        var response = await Prospects.PostAsync(Host, new
        {
            name = "Kalt Kontakt", handle = Prospects.UniqueHandle(), handle_channel = "x", contact_basis = "cold", consent_text_version = "2026-11-25",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await BodyAsync(response)).GetProperty("errors");
        Assert.Contains("nur mit Kontaktgrundlage „form“", errors.GetProperty("consent_text_version")[0].GetString());
    }

    [Fact]
    public async Task Neither_email_nor_handle_gets_400()
    {
        var response = await Prospects.PostAsync(Host, new { name = "Niemand Erreichbar", contact_basis = "cold", company = "Unbekannt GmbH" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await BodyAsync(response)).GetProperty("errors");
        Assert.Equal(["email", "handle"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("E-Mail-Adresse oder einen Handle", errors.GetProperty("email")[0].GetString());
        Assert.Equal(0, await CountAsync("select count(*) from leads where company = 'Unbekannt GmbH' and name = 'Niemand Erreichbar'", new { }));
    }

    [Fact]
    public async Task Missing_name_unknown_basis_and_a_handle_without_channel_each_get_a_German_message()
    {
        var response = await Prospects.PostAsync(Host, new { name = " ", handle = Prospects.UniqueHandle(), contact_basis = "messe", email = "kein-at" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await BodyAsync(response)).GetProperty("errors");
        Assert.Equal(["contact_basis", "email", "handle_channel", "name"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("Bitte den Namen angeben.", errors.GetProperty("name")[0].GetString());
        Assert.Contains("Erlaubt: form, existing_customer, referral, cold", errors.GetProperty("contact_basis")[0].GetString());
        Assert.Contains("instagram, x, linkedin oder other", errors.GetProperty("handle_channel")[0].GetString());
    }

    [Theory]
    [InlineData("instagram", "https://www.instagram.com/{0}/")]
    [InlineData("instagram", "instagram.com/{0}?igsh=abc123")]
    [InlineData("instagram", "  @{0}  ")]
    [InlineData("x", "https://x.com/{0}")]
    [InlineData("x", "https://twitter.com/{0}/status/1234567890")]
    [InlineData("linkedin", "https://www.linkedin.com/in/{0}/")]
    [InlineData("linkedin", "https://de.linkedin.com/in/{0}?trk=x")]
    [InlineData("other", "@{0}")]
    public async Task Handle_given_as_profile_url_or_with_at_is_stored_as_the_lower_case_name(string channel, string format)
    {
        var name = "Anna_Beispiel." + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

        var leadId = await Prospects.AddAsync(Host, new { name = "Anna Beispiel", handle = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, name), handle_channel = channel, contact_basis = "cold" });

        Assert.Equal(name.ToLowerInvariant(), await Crm.ScalarAsync<string>(Stack.Admin, "select handle from leads where id = @leadId and handle_channel = @channel", new { leadId, channel }));
    }

    [Theory]
    [InlineData("instagram", "https://www.instagram.com/p/C0abcDEF/", "keine Profil-URL von instagram")]
    [InlineData("instagram", "https://x.com/anna", "keine Profil-URL von instagram")]
    [InlineData("linkedin", "https://www.linkedin.com/company/beispiel", "keine Profil-URL von linkedin")]
    [InlineData("other", "https://www.tiktok.com/@anna", "nur den Namen")]
    [InlineData("x", "anna beispiel", "nur a–z, Ziffern")]
    [InlineData("x", "_anna", "mit einem Buchstaben oder einer Ziffer beginnen")]
    public void Handle_that_is_no_profile_name_gets_a_German_message(string channel, string handle, string message)
    {
        var (value, error) = ProspectValidator.NormaliseHandle(handle, channel);

        Assert.Null(value);
        Assert.Contains(message, error);
    }

    [Fact]
    public async Task Duplicate_handle_gets_409_with_the_existing_lead_and_changes_nothing()
    {
        var handle = Prospects.UniqueHandle();
        var existing = await Prospects.AddAsync(Host, new { name = "Anna Beispiel", handle, handle_channel = "instagram", contact_basis = "cold" });

        var response = await Prospects.PostAsync(Host, new
        {
            name = "Anna B.", handle = $"https://www.instagram.com/{handle.ToUpperInvariant()}/", handle_channel = "instagram", contact_basis = "referral",
        });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await BodyAsync(response);
        Assert.Equal(existing, body.GetProperty("existing_lead_id").GetGuid());
        Assert.Contains("Handle", body.GetProperty("errors").GetProperty("handle")[0].GetString());
        Assert.Contains("nichts geändert", body.GetProperty("title").GetString());
        Assert.Equal(1, await CountAsync("select count(*) from leads where handle = @handle", new { handle }));
        Assert.Equal(1, await CountAsync("select count(*) from leads where id = @existing and name = 'Anna Beispiel' and contact_basis = 'cold'", new { existing }));
        Assert.Equal(1, await CountAsync("select count(*) from tasks where lead_id = @existing and rule = 'first_contact'", new { existing }));
    }

    [Fact]
    public async Task Same_handle_on_another_channel_is_another_prospect()
    {
        var handle = Prospects.UniqueHandle();
        var onInstagram = await Prospects.AddAsync(Host, new { name = "Anna Beispiel", handle, handle_channel = "instagram", contact_basis = "cold" });

        var onX = await Prospects.AddAsync(Host, new { name = "Anna Beispiel", handle, handle_channel = "x", contact_basis = "cold" });

        Assert.NotEqual(onInstagram, onX);
    }

    [Fact]
    public async Task Duplicate_email_gets_409_with_the_existing_lead()
    {
        var email = LeadForms.UniqueEmail();
        var existing = await Prospects.AddAsync(Host, new { name = "Jonas Kurz", email, contact_basis = "existing_customer" });

        var response = await Prospects.PostAsync(Host, new
        {
            name = "Jonas Kurz", email = email.ToUpperInvariant(), handle = Prospects.UniqueHandle(), handle_channel = "linkedin", contact_basis = "cold",
        });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await BodyAsync(response);
        Assert.Equal(existing, body.GetProperty("existing_lead_id").GetGuid());
        Assert.Contains("E-Mail-Adresse", body.GetProperty("errors").GetProperty("email")[0].GetString());
        Assert.Equal(1, await CountAsync("select count(*) from leads where email = @email and handle is null and contact_basis = 'existing_customer'", new { email }));
    }

    [Fact]
    public async Task Prospect_added_on_a_Saturday_gets_its_first_contact_on_Monday()
    {
        var today = BerlinTime.Today(Clock.GetUtcNow().UtcDateTime);
        var saturday = today.AddDays(((int)DayOfWeek.Saturday - (int)today.DayOfWeek + 7) % 7);
        Clock.Advance(BerlinTime.StartOfDay(saturday).AddHours(12) - Clock.GetUtcNow().UtcDateTime);
        var monday = saturday.AddDays(2);

        var response = await Prospects.PostAsync(Host, new { name = "Wochenend Kontakt", handle = Prospects.UniqueHandle(), handle_channel = "instagram", contact_basis = "cold" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await BodyAsync(response);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("first_contact_task_id").ValueKind);
        var leadId = body.GetProperty("lead_id").GetGuid();
        Assert.Equal(0, await CountAsync("select count(*) from tasks where lead_id = @leadId", new { leadId }));
        // Monday's list (the timer's rule for that date) has it.
        Assert.Equal(1, await Crm.ScalarAsync<int>(Stack.Admin, "select created from create_first_contact_tasks(@monday::date, @at, array[@leadId])",
            new { monday = monday.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), at = BerlinTime.StartOfDay(monday).AddHours(5), leadId }));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Body_over_the_limit_gets_413(bool chunked)
    {
        var handle = Prospects.UniqueHandle();
        var json = JsonSerializer.Serialize(new { name = "Anna Beispiel", handle, handle_channel = "instagram", contact_basis = "cold", source = new string('x', 20_000) });
        HttpContent content = chunked ? new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json))) : new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/prospects") { Content = content };
        if (chunked) request.Headers.TransferEncodingChunked = true;

        var response = await Host.TeamClient.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await CountAsync("select count(*) from leads where handle = @handle", new { handle }));
    }

    [Fact]
    public async Task Unknown_field_or_wrong_type_gets_400_naming_the_field()
    {
        var unknown = await Host.TeamClient.PostAsync("/api/prospects",
            new StringContent("""{"name":"Anna","handle":"anna","handle_channel":"x","contact_basis":"cold","notes":"privat"}""", Encoding.UTF8, "application/json"));
        var wrongType = await Host.TeamClient.PostAsync("/api/prospects",
            new StringContent("""{"name":["Anna"],"handle":"anna","handle_channel":"x","contact_basis":"cold"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("Dieses Feld gibt es nicht.", (await BodyAsync(unknown)).GetProperty("errors").GetProperty("notes")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.True((await BodyAsync(wrongType)).GetProperty("errors").TryGetProperty("name", out _));
    }
}
