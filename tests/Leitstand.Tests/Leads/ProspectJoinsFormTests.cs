using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Leads;

/// <summary>A prospect the team added by hand who then sends the landing-page form is the same lead, now with a consent.</summary>
[Collection(StackCollection.Name)]
public sealed class ProspectJoinsFormTests(StackFixture stack) : IAsyncLifetime
{
    private readonly ManualClock _clock = Prospects.WeekdayClock();
    private RunningHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await RunningHost.StartAsync(stack, options: o => o with { ConfigureServices = s => s.AddSingleton<TimeProvider>(_clock) });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Form_submission_with_the_prospects_email_joins_that_lead_and_records_the_consent()
    {
        var email = LeadForms.UniqueEmail();
        var handle = Prospects.UniqueHandle();
        var prospect = await Prospects.AddAsync(_host, new { name = "Anna Beispiel", email, handle, handle_channel = "instagram", contact_basis = "cold" });

        var response = await _host.Client.SendAsync(LeadForms.Json(LeadForms.Valid(email.ToUpperInvariant())));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(prospect, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        await using var connection = await stack.Admin.OpenConnectionAsync();
        var lead = await connection.QuerySingleAsync("""
            select contact_basis::text as basis, consent_text_version, consent_source, consent_at, handle_channel, handle, stage::text as stage,
                   (select count(*) from leads where email = @email)::int as leads
            from leads where id = @prospect
            """, new { prospect, email });
        Assert.Equal("form", (string)lead.basis);
        Assert.Equal("2026-11-25", (string)lead.consent_text_version);
        Assert.Equal("landing-page:/", (string)lead.consent_source);
        Assert.True(DateTime.UtcNow - (DateTime)lead.consent_at < TimeSpan.FromMinutes(1));
        Assert.Equal(("instagram", handle), ((string)lead.handle_channel, (string)lead.handle));
        Assert.Equal("NEW", (string)lead.stage);
        Assert.Equal(1, (int)lead.leads);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
            "select count(*) from lead_touchpoints where lead_id = @prospect and kind = 'form_submission' and direction = 'INBOUND'", new { prospect }));
    }
}
