using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Leads;

namespace Leitstand.Tests.Privacy;

/// <summary>
/// The Auskunft speaks German: the JSON keeps every code and gains its German label beside it (<c>&lt;field&gt;_label</c>),
/// the page shows only the labels. Checked over a person with something in every table and with every code the status
/// center labels, generically: a new code without a label, or a new field without a German name, fails here.
/// </summary>
[Collection(StackCollection.Name)]
public sealed partial class ExportLeadLabelsTests(StackFixture stack) : ProspectTestBase(stack)
{
    /// <summary>A customer who was lost once and won later, with touchpoints, tasks, a corrected deal, onboarding, an install, an agent in trouble, an alert.</summary>
    private async Task<Guid> RichlySeededCustomerAsync()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CONTACTED", name: "Rita Reich", company: "Reich Werkstatt");
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        foreach (var stage in new[] { "LOST", "NEW", "CONTACTED", "REPLIED", "QUALIFIED", "CALL_BOOKED", "WON" })
            await Crm.MoveAsync(connection, lead, stage);
        await connection.ExecuteAsync("""
            update leads set handle_channel = 'instagram', handle = 'rita.reich' || substr(md5(@lead::text), 1, 6), source = 'Landingpage' where id = @lead;
            insert into lead_touchpoints (lead_id, direction, channel, kind) values (@lead, 'INBOUND', 'landing_page', 'form_submission');
            insert into lead_touchpoints (lead_id, direction, channel, kind, note, note_code)
            select @lead, 'OUTBOUND', 'instagram', 'dm', 'Erste Nachricht geschickt.', code from touchpoint_note_codes where direction = 'OUTBOUND' order by position limit 1;
            insert into tasks (lead_id, kind, rule, priority, title, due_at) values (@lead, 'first_contact', 'first_contact', 'high', 'Erstkontakt mit {name}', now());
            insert into tasks (lead_id, kind, title, due_at, status, completed_at, outcome, outcome_channel, outcome_note_code, playbook_key, playbook_step)
            select @lead, s.kind, s.title, now(), 'DONE', now(), 'done', 'dm', (select code from touchpoint_note_codes order by position limit 1), s.playbook_key, s.step
            from playbook_steps s where s.kind = 'follow_up' order by s.playbook_key, s.step limit 1;
            insert into tasks (lead_id, kind, title, due_at, status, completed_at, outcome, cancel_reason) values (@lead, 'manual', 'Rückruf', now(), 'CANCELLED', now(), 'skipped', 'Termin entfällt');
            update deals set amount_cents = 139000, price_reason = 'Rabatt für Handwerk' where lead_id = @lead;
            insert into onboarding_answers (lead_id, template_version, state, submitted_at, answers)
            select @lead, 1, 'submitted', now(), '{
              "goals": {"change": "Weniger Papierkram.", "success": "Zwei Stunden am Tag frei."},
              "channels": [{"channel": "email", "tool": "Gmail", "rights": "draft"}, {"channel": "calendar", "tool": "Google Kalender", "rights": "read"}],
              "workflows": [
                {"name": "Anfragen beantworten", "trigger": "Neue Mail", "steps": "Entwurf schreiben", "result": "Antwort-Entwurf", "frequency": {"schedule": "0 8 * * 1-5", "timezone": "Europe/Berlin"}, "approval": "Jede Antwort"},
                {"name": "Rechnungen sortieren", "trigger": "Neue Rechnung", "steps": "Ablegen", "result": "Ordner", "frequency": {"interval": "PT2H"}, "approval": "Nichts"},
                {"name": "Termine bestätigen", "trigger": "Neue Buchung", "steps": "Bestätigen", "result": "Bestätigung", "frequency": {"interval": "P1D"}, "approval": "Absagen"}],
              "approval_rules": {"always": ["send_email", "payments", "deletions"], "approver": "Ich selbst, per WhatsApp"},
              "devices": {"os": "macos", "device": "MacBook Air", "password_manager": "Bitwarden"},
              "contact": {"name": "Rita Reich", "email": "rita@example.de", "channel": "messenger"},
              "install": {"date_1": "2027-01-15", "time_of_day": "morning", "mode": "remote"},
              "firma": "Reich Werkstatt"}';
            insert into onboarding_links (lead_id, expires_at) values (@lead, now() + interval '7 days');
            with run as (
              insert into install_runs (lead_id, installer, checklist_version, starts_at, ends_at)
              select @lead, gen_random_uuid(), max(version), now() + interval '1 day', now() + interval '1 day 5 hours' from install_checklist_versions
              returning id, starts_at
            )
            insert into install_run_items (run_id, position, block, block_title, block_outcome, box_starts_at, box_ends_at, title, kind, safety_baseline, state, marked_at, marked_by, reason)
            select id, 1, 1, 'Vorbereitung', 'Zugänge da', starts_at, starts_at + interval '1 hour', 'Zugänge prüfen', 'check', true, 'not_applicable', now(), 'Team', 'Kein Zugang nötig' from run
            union all
            select id, 2, 1, 'Vorbereitung', 'Zugänge da', starts_at, starts_at + interval '1 hour', 'Ablauf einrichten', 'workflow', false, 'open', null, null, null from run;
            with agent as (
              insert into agents (lead_id, name, key_hash, key_prefix, status, last_status, last_error_class, agent_version, last_heartbeat_at)
              select @lead, 'Reich-Agent', repeat('f', 56) || substr(md5(@lead::text), 1, 8), 'lsa_rich', 'late', 'degraded', (select key from error_classes order by key limit 1), '1.4.2', now() - interval '20 minutes'
              returning id
            ), window_ as (
              insert into agent_maintenance_windows (agent_id, starts_at, ends_at, note) select id, now() + interval '2 days', now() + interval '2 days 2 hours', 'Update' from agent
            ), workflow as (
              insert into agent_workflows (agent_id, key, name, run_interval, origin, created_at, last_state, last_started_at)
              select id, 'rechnungen', 'Rechnungen sortieren', interval '1 day 2 hours', 'onboarding', now(), 'error', now() - interval '1 hour' from agent
            ), incident as (
              insert into incidents (agent_id, error_class, severity, status, opened_at, last_seen_at, acknowledged_at, acknowledged_by)
              select agent.id, c.key, c.severity, 'acknowledged', now() - interval '1 hour', now(), now(), 'Team' from agent, (select key, severity from error_classes order by key limit 1) c
              returning id, agent_id
            ), events as (
              insert into incident_events (incident_id, at, kind, detail)
              select id, now() - interval '1 hour', 'opened', 'erkannt' from incident union all
              select id, now() - interval '30 minutes', 'acknowledged', null from incident union all
              select id, now() - interval '20 minutes', 'restart_requested', null from incident
            ), command as (
              insert into agent_commands (agent_id, incident_id, kind, requested_at, requested_by) select agent_id, id, 'restart', now(), 'Team' from incident
            ), alert as (
              insert into alerts (id, kind, severity, dedupe_key, subject_type, subject_id, title, body, link, occurred_at)
              select gen_random_uuid(), 'incident_opened', 'critical', 'labels-' || incident.id, 'incident', incident.id, 'Störung beim Agenten', 'Ein Agent meldet einen Fehler.',
                     '#/incidents/' || incident.id, now()
              from incident
              returning id
            )
            insert into alert_deliveries (alert_id, channel, due_at, state, delivered_at)
            select id, 'email', now(), 'delivered'::alert_delivery_state, now() from alert union all
            select id, 'webhook', now(), 'failed'::alert_delivery_state, null from alert;
            """, new { lead });
        return lead;
    }

    [Fact]
    public async Task The_json_keeps_the_codes_and_has_a_german_label_beside_every_code()
    {
        var lead = await RichlySeededCustomerAsync();

        var export = await BodyAsync(await Host.TeamClient.GetAsync($"/api/leads/{lead}/export"));

        Assert.Equal(("WON", "Gewonnen"), (export.GetProperty("lead").GetProperty("stage").GetString(), export.GetProperty("lead").GetProperty("stage_label").GetString()));
        var lost = export.GetProperty("stage_history").EnumerateArray().Single(h => h.GetProperty("to_stage").GetString() == "LOST");
        Assert.Equal(("preis", "Zu teuer", "Kontaktiert"), (lost.GetProperty("lost_reason_code").GetString(), lost.GetProperty("lost_reason_code_label").GetString(),
            lost.GetProperty("from_stage_label").GetString()));
        var deal = Assert.Single(export.GetProperty("deals").EnumerateArray());
        Assert.Equal(("WON", "gewonnen"), (deal.GetProperty("status").GetString(), deal.GetProperty("status_label").GetString()));
        var incident = Assert.Single(export.GetProperty("incidents").EnumerateArray());
        Assert.Equal(("acknowledged", "übernommen"), (incident.GetProperty("status").GetString(), incident.GetProperty("status_label").GetString()));
        // generically: every code of this person that is set has its label (a code without one fails here)
        var missing = Codes(export).Where(c => c.Label is null).Select(c => $"{c.Path} = {c.Code}").ToList();
        Assert.True(missing.Count == 0, "codes without a German label: " + string.Join(", ", missing));
        Assert.True(Codes(export).Count() >= 40, "the seed reaches the codes of every section");
    }

    [Fact]
    public async Task The_page_shows_labels_and_german_dates_and_no_code_where_a_label_exists()
    {
        var lead = await RichlySeededCustomerAsync();
        var export = await BodyAsync(await Host.TeamClient.GetAsync($"/api/leads/{lead}/export"));

        var response = await Host.TeamClient.GetAsync($"/api/leads/{lead}/export?format=html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var text = PageText(html);
        foreach (var label in new[] { "Gewonnen", "Verloren", "Zu teuer", "eingehend", "Formular abgeschickt", "Direktnachricht", "Erstkontakt", "hoch",
                     "erledigt", "abgebrochen", "gewonnen", "korrigiert", "Abgeschickt", "gebucht", "nicht anwendbar", "Verspätet", "eingeschränkt",
                     "übernommen", "Geöffnet", "Neustart angefordert", "Neustart", "wartet", "aus dem Onboarding", "fehlgeschlagen", "Kritisch",
                     "Störung", "zugestellt", "Webhook", "1 Tag 2 Stunden" })
            Assert.Contains(label, text, StringComparison.Ordinal);
        Assert.Matches(@"\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2} Uhr", text);
        Assert.DoesNotMatch(@"\d{4}-\d{2}-\d{2}", text);

        // no stage code in capitals, no code of a catalogue with an underscore or in capitals, no snake_case word at all
        // (a code or a field name without its German label)
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var stages = (await connection.QueryAsync<string>("select unnest(enum_range(null::lead_stage))::text")).ToList();
        Assert.Contains("CALL_BOOKED", stages);
        var catalogued = (await connection.QueryAsync<string>("""
            select code from code_labels union select code::text from lead_stages union select code from lost_reasons
            union select kind from alert_kinds union select key from error_classes union select code from touchpoint_note_codes
            union select key::text from packages union select key from playbooks
            """)).Where(c => c.Contains('_') || c.Any(char.IsUpper)).ToList();
        var words = Word().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(words.Intersect(stages));
        Assert.Empty(words.Intersect(catalogued));
        var keyPrefix = export.GetProperty("agents")[0].GetProperty("key_prefix").GetString();
        var snakeCase = words.Where(w => SnakeCase().IsMatch(w) && w != keyPrefix).ToList();
        Assert.Empty(snakeCase);
        // every field has a German name (the customer's own onboarding answers keep the questionnaire's keys)
        var untranslated = FieldNames(export).Where(name => html.Contains($"<dt>{name}</dt>", StringComparison.Ordinal)).ToList();
        Assert.Empty(untranslated);
        // the onboarding answers as the questionnaire asks them: section titles, questions, option labels, the
        // workflows numbered, frequencies in words; a key the questionnaire does not know under its key
        foreach (var label in new[] { "<dt>1. Deine Ziele</dt>", "<dt>Was soll in vier Wochen anders sein als heute?</dt><dd>Weniger Papierkram.</dd>",
                     "<dt>E-Mail</dt><dd><dl><dt>Tool / Anbieter</dt><dd>Gmail</dd><dt>Der Agent darf</dt><dd>lesen und Entwürfe schreiben</dd>",
                     "<dt>Der Agent darf</dt><dd>nur lesen</dd>", "<dt>Workflow 1</dt>", "<dt>Workflow 3</dt>",
                     "<dt>Wie oft läuft er?</dt><dd>nach Zeitplan „0 8 * * 1-5“ (Berliner Zeit)</dd>", "<dd>alle 2 Stunden</dd>", "<dd>jeden Tag</dd>",
                     "<dt>Diese Aktionen macht der Agent immer nur mit deiner Freigabe</dt><dd>E-Mails senden, Zahlungen und Überweisungen, Dateien oder Einträge löschen</dd>",
                     "<dt>Passwort-Manager (welcher, falls vorhanden)</dt><dd>Bitwarden</dd>", "<dt>Betriebssystem</dt><dd>macOS</dd>",
                     "<dt>Bevorzugter Kanal für Rückfragen</dt><dd>Messenger</dd>", "<dt>Wunschtag</dt><dd>15.01.2027</dd>",
                     "<dt>Start</dt><dd>vormittags (Start 8–10 Uhr)</dd>", "<dt>firma</dt><dd>Reich Werkstatt</dd>" })
            Assert.Contains(label, WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        var answers = export.GetProperty("onboarding_answers")[0];
        Assert.Equal("draft", answers.GetProperty("answers").GetProperty("channels")[0].GetProperty("rights").GetString());
        Assert.Equal("lesen und Entwürfe schreiben", answers.GetProperty("answers_label").GetProperty("2. Kanäle und Rechte").GetProperty("E-Mail").GetProperty("Der Agent darf").GetString());
        foreach (var key in new[] { "goals", "channels", "workflows", "approval_rules", "password_manager", "time_of_day", "send_email" })
            Assert.DoesNotContain(key, words);

        // and a one-word code (open, up, email) stands nowhere in place of its label
        foreach (var (path, code, label) in Codes(export).Where(c => c.Label != c.Code))
            Assert.False(html.Contains($"<dd>{code}</dd>", StringComparison.Ordinal), $"{path}: the page shows the code {code} instead of „{label}“");
    }

    [Fact]
    public async Task An_erased_persons_page_names_the_erased_tables_in_german()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CONTACTED", name: "Till Tilgung");
        Assert.Equal(HttpStatusCode.OK, (await Host.TeamClient.PostAsJsonAsync($"/api/leads/{lead}/erase", new { reason = "request" })).StatusCode);
        var export = await BodyAsync(await Host.TeamClient.GetAsync($"/api/leads/{lead}/export"));

        var html = await (await Host.TeamClient.GetAsync($"/api/leads/{lead}/export?format=html")).Content.ReadAsStringAsync();

        var erasure = Assert.Single(export.GetProperty("erasures").EnumerateArray());
        var tables = erasure.GetProperty("counts").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("lead_touchpoints", tables);
        Assert.Equal(JsonValueKind.Number, erasure.GetProperty("counts_label").GetProperty("Kontakte und Notizen").ValueKind);
        // every table the erasure counted has a German name, on the page in its place
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var labelled = (await connection.QueryAsync<string>("select code from code_labels where code_set = 'table'")).ToHashSet(StringComparer.Ordinal);
        Assert.All(tables, t => Assert.Contains(t, labelled));
        var page = WebUtility.HtmlDecode(html);
        Assert.Contains("<dt>Geänderte Zeilen je Tabelle</dt><dd><dl><dt>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Kontakte und Notizen</dt><dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Agenten</dt><dd>", page, StringComparison.Ordinal);
        var words = Word().Matches(PageText(html)).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(words.Intersect(tables));
    }

    /// <summary>Every code of the export that is set, with its label: each property X that has an X_label (note_code: note_label).</summary>
    private static IEnumerable<(string Path, string Code, string? Label)> Codes(JsonElement element, string path = "")
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in element.EnumerateArray())
                foreach (var code in Codes(item, $"{path}[{i++}]")) yield return code;
        }
        if (element.ValueKind != JsonValueKind.Object) yield break;
        foreach (var property in element.EnumerateObject())
        {
            var labelName = property.Name == "note_code" ? "note_label" : property.Name + "_label";
            if (element.TryGetProperty(labelName, out var label) && property.Value.ValueKind is JsonValueKind.String)
                yield return ($"{path}.{property.Name}", property.Value.GetString()!, label.ValueKind == JsonValueKind.String ? label.GetString() : null);
            foreach (var code in Codes(property.Value, $"{path}.{property.Name}")) yield return code;
        }
    }

    /// <summary>Every property name of the export, but those inside the onboarding answers and inside a label (the labelled answers, an erasure's counts: German keys).</summary>
    private static IEnumerable<string> FieldNames(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => element.EnumerateArray().SelectMany(FieldNames),
        JsonValueKind.Object => element.EnumerateObject()
            .SelectMany(p => p.Name is "answers" || p.Name.EndsWith("_label", StringComparison.Ordinal) ? [p.Name] : FieldNames(p.Value).Prepend(p.Name)).Distinct(),
        _ => [],
    };

    /// <summary>What a reader sees: the body's text, tags and the style left out.</summary>
    private static string PageText(string html)
    {
        var body = html[html.IndexOf("<body>", StringComparison.Ordinal)..];
        return WebUtility.HtmlDecode(Tag().Replace(body, " "));
    }

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"[\p{L}\p{N}_]+")]
    private static partial Regex Word();

    [GeneratedRegex("^[a-z0-9]+(?:_[a-z0-9]+)+$")]
    private static partial Regex SnakeCase();
}
