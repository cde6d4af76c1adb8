using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Leads;

namespace Leitstand.Tests.Privacy;

/// <summary><c>GET /api/leads/{id}/export</c>: Auskunft (Art. 15), everything stored about a person, as JSON and as a German page.</summary>
[Collection(StackCollection.Name)]
public sealed class ExportLeadTests(StackFixture stack) : ProspectTestBase(stack)
{
    /// <summary>A customer with something in every table the export reads: touchpoint, deal, task, onboarding, install, agent, incident, workflow, alert.</summary>
    private async Task<(Guid Lead, Guid Agent, Guid Incident, Guid Alert)> CustomerWithEverythingAsync(string name)
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON", name: name, company: "Tischlerei Export");
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(Guid, Guid, Guid, Guid)>("""
            update leads set phone = '+49 30 5550101', message = 'Bitte nur vormittags anrufen.' where id = @lead;
            insert into lead_touchpoints (lead_id, direction, channel, kind, note) values (@lead, 'INBOUND', 'phone', 'call', 'Ruft wegen der Rechnung an.');
            insert into tasks (lead_id, kind, title, due_at) values (@lead, 'manual', 'Rückruf Rechnung', now() + interval '1 day');
            insert into onboarding_answers (lead_id, template_version, answers) select @lead, max(version), '{"firma": "Tischlerei Export"}' from onboarding_templates;
            insert into onboarding_links (lead_id, expires_at) values (@lead, now() + interval '7 days');
            with agent as (
              insert into agents (lead_id, name, key_hash, key_prefix) values (@lead, 'Export-Agent', repeat('e', 56) || substr(md5(@lead::text), 1, 8), 'lsa_expo')
              returning id
            ), workflow as (
              insert into agent_workflows (agent_id, key, name, run_interval, origin, created_at)
              select id, 'rechnungen', 'Rechnungen sortieren', interval '1 hour', 'client', now() from agent
            ), incident as (
              insert into incidents (agent_id, error_class, severity, status, opened_at, last_seen_at)
              select agent.id, c.key, c.severity, 'open', now() - interval '1 hour', now() from agent, (select key, severity from error_classes order by key limit 1) c
              returning id
            ), event as (
              insert into incident_events (incident_id, at, kind, detail) select id, now(), 'opened', 'erkannt' from incident
            ), alert as (
              insert into alerts (id, kind, severity, dedupe_key, subject_type, subject_id, title, body, link, occurred_at)
              select gen_random_uuid(), k.kind, 'info', 'export-' || incident.id, 'incident', incident.id, 'Störung beim Agenten', 'Ein Agent meldet einen Fehler.',
                     '#/incidents/' || incident.id, now()
              from incident, (select kind from alert_kinds order by kind limit 1) k
              returning id
            ), delivery as (
              insert into alert_deliveries (alert_id, channel, due_at) select id, 'email', now() from alert
            )
            select @lead, (select id from agent), (select id from incident), (select id from alert);
            """, new { lead });
    }

    [Fact]
    public async Task The_export_holds_the_lead_its_history_and_everything_linked_to_it_without_the_agent_key()
    {
        var (lead, agent, incident, alert) = await CustomerWithEverythingAsync("Erika Export");
        var keyHash = await Crm.ScalarAsync<string>(Stack.Admin, "select key_hash from agents where id = @agent", new { agent });

        var response = await Host.TeamClient.GetAsync($"/api/leads/{lead}/export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(1, body.GetProperty("export_version").GetInt32());
        Assert.True(body.GetProperty("generated_at").GetDateTime() > DateTime.UtcNow.AddMinutes(-5));
        Assert.Equal(("Erika Export", "+49 30 5550101", "Bitte nur vormittags anrufen."),
            (body.GetProperty("lead").GetProperty("name").GetString(), body.GetProperty("lead").GetProperty("phone").GetString(),
             body.GetProperty("lead").GetProperty("message").GetString()));
        Assert.Equal(("2026-11-25", "test"), (body.GetProperty("consent").GetProperty("consent_text_version").GetString(),
            body.GetProperty("consent").GetProperty("consent_source").GetString()));
        Assert.Contains(body.GetProperty("touchpoints").EnumerateArray(), t => t.GetProperty("note").GetString() == "Ruft wegen der Rechnung an.");
        Assert.Equal(["NEW", "CONTACTED", "REPLIED", "QUALIFIED", "CALL_BOOKED", "WON"],
            body.GetProperty("stage_history").EnumerateArray().Select(h => h.GetProperty("to_stage").GetString()));
        Assert.Contains(body.GetProperty("tasks").EnumerateArray(), t => t.GetProperty("title").GetString() == "Rückruf Rechnung");
        var deal = Assert.Single(body.GetProperty("deals").EnumerateArray());
        Assert.Equal("SETUP", deal.GetProperty("package").GetString());
        Assert.Equal(JsonValueKind.Array, deal.GetProperty("history").ValueKind);
        Assert.Equal("Tischlerei Export", Assert.Single(body.GetProperty("onboarding_answers").EnumerateArray()).GetProperty("answers").GetProperty("firma").GetString());
        Assert.Single(body.GetProperty("onboarding_links").EnumerateArray());
        var exportedAgent = Assert.Single(body.GetProperty("agents").EnumerateArray());
        Assert.Equal((agent, "Export-Agent"), (exportedAgent.GetProperty("id").GetGuid(), exportedAgent.GetProperty("name").GetString()));
        Assert.Equal(0, exportedAgent.GetProperty("heartbeats").GetProperty("count").GetInt32());
        var exportedIncident = Assert.Single(body.GetProperty("incidents").EnumerateArray());
        Assert.Equal(incident, exportedIncident.GetProperty("id").GetGuid());
        Assert.Equal("opened", Assert.Single(exportedIncident.GetProperty("events").EnumerateArray()).GetProperty("kind").GetString());
        Assert.Equal("rechnungen", Assert.Single(body.GetProperty("workflows").EnumerateArray()).GetProperty("key").GetString());
        var exportedAlert = Assert.Single(body.GetProperty("alerts").EnumerateArray());
        Assert.Equal(alert, exportedAlert.GetProperty("id").GetGuid());
        Assert.Equal("email", Assert.Single(exportedAlert.GetProperty("deliveries").EnumerateArray()).GetProperty("channel").GetString());
        Assert.DoesNotContain("key_hash", text);
        Assert.DoesNotContain(keyHash, text);
        Assert.DoesNotContain("search_document", text);
    }

    [Fact]
    public async Task The_export_holds_nothing_of_another_lead()
    {
        var (lead, _, _, _) = await CustomerWithEverythingAsync("Erika Eigen");
        var (other, otherAgent, otherIncident, otherAlert) = await CustomerWithEverythingAsync("Otto Fremd");

        var text = await (await Host.TeamClient.GetAsync($"/api/leads/{lead}/export")).Content.ReadAsStringAsync();

        Assert.DoesNotContain("Otto Fremd", text);
        foreach (var id in new[] { other, otherAgent, otherIncident, otherAlert }) Assert.DoesNotContain(id.ToString(), text);
    }

    [Fact]
    public async Task The_html_page_shows_every_section_in_german_without_script()
    {
        var (lead, _, _, _) = await CustomerWithEverythingAsync("Erika Seite <b>");

        var response = await Host.TeamClient.GetAsync($"/api/leads/{lead}/export?format=html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp);
        Assert.DoesNotContain("script-src", csp);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<h1>Auskunft nach Art. 15 DSGVO</h1>", html);
        foreach (var heading in new[] { "Kontaktdaten und Stand", "Einwilligung", "Kontakte und Notizen", "Verlauf im Vertrieb", "Aufgaben unseres Teams",
                     "Angebote und Aufträge", "Antworten im Onboarding-Fragebogen", "Installationstermine", "Dein Agent", "Störungen", "Überwachte Abläufe",
                     "Benachrichtigungen unseres Teams" })
            Assert.Contains($"<h2>{heading}</h2>", html);
        Assert.Contains("Erika Seite &lt;b&gt;", html);
        Assert.DoesNotContain("Erika Seite <b>", html);
        Assert.Contains("Ruft wegen der Rechnung an.", html);
        Assert.Matches(@"\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2} Uhr", html);
    }

    [Fact]
    public async Task An_unknown_lead_is_404_and_a_bad_id_or_format_is_refused_in_german()
    {
        var unknown = await Host.TeamClient.GetAsync($"/api/leads/{Guid.NewGuid()}/export");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Diesen Lead gibt es nicht.", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await Host.TeamClient.GetAsync("/api/leads/kein-lead/export")).StatusCode);
        var lead = await Crm.CreateLeadAsync(Stack.Admin);
        var format = await Host.TeamClient.GetAsync($"/api/leads/{lead}/export?format=pdf");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, format.StatusCode);
        Assert.Contains("html", (await format.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("format")[0].GetString());
    }

    [Fact]
    public async Task Without_sign_in_it_is_401_and_for_a_non_member_403()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, name: "Erika Geheim");

        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.Client.GetAsync($"/api/leads/{lead}/export")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/leads/{lead}/export?format=html");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await TestIssuer.Shared).Token(Guid.NewGuid()));
        var stranger = await Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
        Assert.DoesNotContain("Erika Geheim", await stranger.Content.ReadAsStringAsync());
    }
}
