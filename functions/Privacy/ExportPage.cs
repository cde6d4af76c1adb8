using System.Globalization;
using System.Text;
using System.Text.Json;
using Leitstand.Platform;

namespace Leitstand.Functions.Privacy;

/// <summary>
/// The Auskunft (Art. 15) as a German page: one heading per section of the export with a sentence in plain German
/// what it is and why it is stored, every field with a German label (unknown fields under their technical name, so
/// a new section of public.lead_export shows up without a change here), times in Berlin time. No script; printable.
/// </summary>
public static class ExportPage
{
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    private const string Style = "*{box-sizing:border-box}body{font-family:system-ui,sans-serif;color:#132038;background:#fff;margin:0;line-height:1.45}"
        + "main{max-width:52rem;margin:0 auto;padding:1rem 1.2rem}h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:2px solid #0f7a6c;padding-bottom:.2rem;margin-top:2rem}"
        + "h3{font-size:1rem;margin:1rem 0 .3rem}.explain{color:#3d4d66}.empty{color:#5a6b85;font-style:italic}"
        + "dl{display:grid;grid-template-columns:minmax(9rem,15rem) 1fr;gap:.2rem 1rem;margin:.3rem 0}dt{color:#5a6b85}dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}"
        + "ol.items{padding-left:1.4rem}ol.items>li{border:1px solid #d5dde8;border-radius:8px;padding:.3rem .8rem;margin:.5rem 0;break-inside:avoid}"
        + "dd dl{grid-template-columns:minmax(7rem,12rem) 1fr}@media print{main{max-width:none}h2{break-after:avoid}}";

    private static readonly (string Key, string Title, string Explanation)[] Sections =
    [
        ("lead", "Kontaktdaten und Stand", "Was wir über dich als Kontakt gespeichert haben: Name, Kontaktwege, deine Nachricht, woher der Kontakt kam und wo wir im Gespräch stehen."),
        ("consent", "Einwilligung", "Ob und wann du eingewilligt hast, dass wir dich kontaktieren dürfen, und welche Fassung des Einwilligungstextes du gesehen hast (Nachweis nach Art. 7 DSGVO). Ohne Einwilligung steht hier die Grundlage, auf der wir dich angesprochen haben."),
        ("touchpoints", "Kontakte und Notizen", "Jeder Kontakt mit dir (Formular, E-Mail, Nachricht, Anruf, Termin) mit Zeitpunkt, Weg und unserer Notiz dazu."),
        ("stage_history", "Verlauf im Vertrieb", "Wann sich der Stand deiner Anfrage geändert hat (zum Beispiel „Kontaktiert“, „Call gebucht“) und wer das eingetragen hat."),
        ("pipeline_events", "Verarbeitete Stufenwechsel", "Technische Einträge zu den Stufenwechseln, aus denen automatisch Aufgaben für unser Team entstehen."),
        ("tasks", "Aufgaben unseres Teams", "Aufgaben, die wir uns zu deiner Anfrage oder deinem Auftrag gestellt haben, mit Fälligkeit und Ergebnis."),
        ("deals", "Angebote und Aufträge", "Was du gebucht hast oder was wir dir angeboten haben, mit Preis, Status und jeder späteren Korrektur."),
        ("onboarding_answers", "Antworten im Onboarding-Fragebogen", "Deine Antworten im Fragebogen vor der Einrichtung, als Entwurf oder abgeschickt."),
        ("onboarding_links", "Links zum Fragebogen", "Wann wir dir einen Link zum Fragebogen geschickt haben und bis wann er gilt (der Link selbst wird nicht gespeichert)."),
        ("install_runs", "Installationstermine", "Deine gebuchten Installationstermine und die Punkte der Checkliste, die wir dabei abgearbeitet haben."),
        ("agents", "Dein Agent", "Der für dich eingerichtete AI-Agent und seine Betriebsdaten: Status, Version, wann er sich zuletzt gemeldet hat (die Meldungen selbst nur als Anzahl), Wartungsfenster und Neustarts. Der geheime Schlüssel des Agenten wird nur als Prüfwert gespeichert und hier nicht gezeigt."),
        ("incidents", "Störungen", "Störungen deines Agenten, die unser Monitoring erkannt hat, mit ihrem Verlauf."),
        ("workflows", "Überwachte Abläufe", "Die Abläufe deines Agenten, deren regelmäßige Ausführung wir überwachen."),
        ("alerts", "Benachrichtigungen unseres Teams", "Interne Benachrichtigungen an unser Team, die dich, deinen Auftrag oder deinen Agenten betreffen, und über welche Kanäle sie zugestellt wurden. Sie enthalten keine Namen oder Kontaktdaten."),
    ];

    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["id"] = "Kennung", ["lead_id"] = "Kennung des Kontakts", ["name"] = "Name", ["email"] = "E-Mail", ["phone"] = "Telefon", ["company"] = "Firma",
        ["message"] = "Nachricht", ["handle"] = "Handle", ["handle_channel"] = "Kanal des Handles", ["stage"] = "Stand", ["stage_changed_at"] = "Stand seit",
        ["source"] = "Herkunft", ["utm_source"] = "Kampagne: Quelle", ["utm_medium"] = "Kampagne: Medium", ["utm_campaign"] = "Kampagne",
        ["utm_term"] = "Kampagne: Begriff", ["utm_content"] = "Kampagne: Inhalt", ["consent_at"] = "Einwilligung am",
        ["consent_text_version"] = "Fassung des Einwilligungstextes", ["consent_source"] = "Einwilligung gegeben auf", ["lost_reason"] = "Grund für Absage",
        ["delete_after"] = "Löschen nach", ["created_at"] = "Angelegt am", ["updated_at"] = "Zuletzt geändert am", ["call_at"] = "Gebuchter Call",
        ["contact_basis"] = "Grundlage der Kontaktaufnahme", ["version"] = "Version", ["touchpoint_consent_versions"] = "Einwilligungstexte bei Kontakten",
        ["direction"] = "Richtung", ["channel"] = "Kanal", ["kind"] = "Art", ["note"] = "Notiz", ["note_code"] = "Ergebnis (Code)", ["note_label"] = "Ergebnis",
        ["occurred_at"] = "Zeitpunkt", ["created_by"] = "Eingetragen von", ["from_stage"] = "Von", ["to_stage"] = "Nach", ["changed_at"] = "Geändert am",
        ["changed_by"] = "Geändert von", ["title"] = "Titel", ["details"] = "Details", ["status"] = "Status", ["due_at"] = "Fällig am", ["completed_at"] = "Erledigt am",
        ["assignee"] = "Zuständig", ["outcome"] = "Ergebnis", ["package"] = "Paket", ["amount_cents"] = "Betrag (Cent)", ["currency"] = "Währung",
        ["won_at"] = "Gewonnen am", ["starts_on"] = "Beginn", ["ends_on"] = "Ende", ["history"] = "Änderungen", ["answers"] = "Antworten", ["state"] = "Status",
        ["submitted_at"] = "Abgeschickt am", ["expires_at"] = "Gültig bis", ["revoked_at"] = "Widerrufen am", ["starts_at"] = "Beginn", ["ends_at"] = "Ende",
        ["items"] = "Checkliste", ["heartbeats"] = "Meldungen des Agenten", ["count"] = "Anzahl", ["first_at"] = "Erste", ["last_at"] = "Letzte",
        ["last_heartbeat_at"] = "Letzte Meldung", ["agent_version"] = "Version des Agenten", ["events"] = "Verlauf", ["opened_at"] = "Geöffnet am",
        ["resolved_at"] = "Behoben am", ["error_class"] = "Fehlerart", ["severity"] = "Schwere", ["body"] = "Text", ["deliveries"] = "Zustellungen",
        ["delivered_at"] = "Zugestellt am", ["reason"] = "Grund", ["at"] = "Zeitpunkt", ["detail"] = "Detail",
    };

    public static string Render(JsonElement export)
    {
        var lead = export.GetProperty("lead");
        var body = new StringBuilder();
        body.Append("<p class=\"explain\">Auskunft nach Art. 15 DSGVO: Das sind alle Daten, die wir zu dieser Person gespeichert haben, Stand ")
            .Append(E(Time(export.GetProperty("generated_at")))).Append(". Die technische Fassung (JSON) enthält dieselben Daten maschinenlesbar.</p>");
        body.Append("<dl><dt>Name</dt><dd>").Append(E(Text(lead.GetProperty("name")))).Append("</dd><dt>Kennung</dt><dd>")
            .Append(E(Text(export.GetProperty("lead_id")))).Append("</dd><dt>Fassung der Auskunft</dt><dd>").Append(E(Text(export.GetProperty("export_version")))).Append("</dd></dl>");
        var known = new HashSet<string>(Sections.Select(s => s.Key)) { "export_version", "generated_at", "lead_id" };
        var sections = Sections.Where(s => export.TryGetProperty(s.Key, out _)).ToList();
        // a section the page does not know yet (a later table of public.lead_export) still shows, under its technical name
        sections.AddRange(export.EnumerateObject().Where(p => !known.Contains(p.Name)).Select(p => (p.Name, p.Name, "Weitere gespeicherte Daten.")));
        foreach (var (key, title, explanation) in sections)
        {
            body.Append("<section id=\"").Append(E(key.Replace('_', '-'))).Append("\"><h2>").Append(E(title)).Append("</h2><p class=\"explain\">")
                .Append(E(explanation)).Append("</p>");
            var value = export.GetProperty(key);
            if (value.ValueKind == JsonValueKind.Array)
            {
                if (value.GetArrayLength() == 0) body.Append("<p class=\"empty\">Keine Einträge.</p>");
                else body.Append("<p>").Append(value.GetArrayLength()).Append(value.GetArrayLength() == 1 ? " Eintrag" : " Einträge").Append("</p>").Append(Value(value));
            }
            else body.Append(Value(value));
            body.Append("</section>");
        }
        return new StringBuilder()
            .Append("<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<meta name=\"robots\" content=\"noindex\"><meta name=\"referrer\" content=\"no-referrer\"><title>Auskunft nach Art. 15 DSGVO – Leitstand</title><style>")
            .Append(Style).Append("</style></head><body><main><h1>Auskunft nach Art. 15 DSGVO</h1>").Append(body).Append("</main></body></html>")
            .ToString();
    }

    private static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => Object(value),
        JsonValueKind.Array when value.EnumerateArray().All(v => v.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)) =>
            value.GetArrayLength() == 0 ? "–" : E(string.Join(", ", value.EnumerateArray().Select(Text))),
        JsonValueKind.Array => "<ol class=\"items\">" + string.Concat(value.EnumerateArray().Select(v => "<li>" + Value(v) + "</li>")) + "</ol>",
        _ => E(Text(value)),
    };

    private static string Object(JsonElement value)
    {
        var sb = new StringBuilder("<dl>");
        foreach (var property in value.EnumerateObject())
            sb.Append("<dt>").Append(E(Labels.GetValueOrDefault(property.Name, property.Name))).Append("</dt><dd>").Append(Value(property.Value)).Append("</dd>");
        return sb.Append("</dl>").ToString();
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "–",
        JsonValueKind.True => "ja",
        JsonValueKind.False => "nein",
        JsonValueKind.String => Time(value),
        _ => value.GetRawText(),
    };

    /// <summary>A timestamp (ISO 8601 with offset) in Berlin time, any other string as it is.</summary>
    private static string Time(JsonElement value)
    {
        var text = value.GetString() ?? "";
        return text.Length >= 20 && text[4] == '-' && text[10] == 'T'
               && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? BerlinTime.FromUtc(at.UtcDateTime).ToString("dd.MM.yyyy, HH:mm:ss 'Uhr'", German)
            : text;
    }

    private static string E(string text) => Html.Encode(text);
}
