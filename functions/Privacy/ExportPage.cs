using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Leitstand.Platform;

namespace Leitstand.Functions.Privacy;

/// <summary>
/// The Auskunft (Art. 15) as a German page: one heading per section of the export with a sentence in plain German
/// what it is and why it is stored, every field with a German label (unknown fields under their technical name, so
/// a new section of public.lead_export shows up without a change here), every code by its German label (the export's
/// <c>&lt;field&gt;_label</c> beside it; the code itself only in the JSON), times in Berlin time, dates and durations in
/// German. No script; printable.
/// </summary>
public static partial class ExportPage
{
    /// <summary>
    /// The page's only style, one inline <c>&lt;style&gt;</c> element, allowed by its hash (<see cref="StyleSource"/>): in the
    /// page's own policy and in the status center's (which opens the page as a Blob URL, and a Blob document inherits
    /// the policy of the page that made it). Changing it changes the hash: web/status/vite.config.mjs names it too
    /// (ExportPageStyleTests says the new value).
    /// </summary>
    public const string Style = "*{box-sizing:border-box}body{font-family:system-ui,sans-serif;color:#132038;background:#fff;margin:0;line-height:1.45}"
        + "main{max-width:52rem;margin:0 auto;padding:1rem 1.2rem}h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:2px solid #0f7a6c;padding-bottom:.2rem;margin-top:2rem}"
        + "h3{font-size:1rem;margin:1rem 0 .3rem}.explain{color:#3d4d66}.empty{color:#5a6b85;font-style:italic}"
        + "dl{display:grid;grid-template-columns:minmax(9rem,15rem) 1fr;gap:.2rem 1rem;margin:.3rem 0}dt{color:#5a6b85}dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}"
        + "ol.items{padding-left:1.4rem}ol.items>li{border:1px solid #d5dde8;border-radius:8px;padding:.3rem .8rem;margin:.5rem 0;break-inside:avoid}"
        + "dd dl{grid-template-columns:minmax(7rem,12rem) 1fr}dd dd dl{grid-template-columns:1fr;gap:0}dd dd dl>dd{padding-left:.8rem;margin-bottom:.2rem}"
        + "@media(max-width:40rem){dl,dd dl,dd dd dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:.3rem}dd dl>dd{padding-left:.8rem}}@media print{main{max-width:none}h2{break-after:avoid}}";

    /// <summary>The CSP source that allows <see cref="Style"/>: <c>'sha256-&lt;base64&gt;'</c> of its UTF-8 bytes.</summary>
    public static readonly string StyleSource = "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style))) + "'";

    public static readonly string ContentSecurityPolicy = $"default-src 'none'; style-src {StyleSource}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    /// <summary>Technical keys of the database rows, in the JSON only: they say nothing about the person.</summary>
    private static readonly HashSet<string> Technical = new(StringComparer.Ordinal)
    {
        "dedupe_key", "source_event_id", "last_check_in_id", "batch_id", "route_id", "search_document",
    };

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
        ["direction"] = "Richtung", ["channel"] = "Kanal", ["kind"] = "Art", ["note"] = "Notiz", ["note_code"] = "Ergebnis", ["note_label"] = "Ergebnis",
        ["occurred_at"] = "Zeitpunkt", ["created_by"] = "Eingetragen von", ["from_stage"] = "Von", ["to_stage"] = "Nach", ["changed_at"] = "Geändert am",
        ["changed_by"] = "Geändert von", ["title"] = "Titel", ["details"] = "Details", ["status"] = "Status", ["due_at"] = "Fällig am", ["completed_at"] = "Erledigt am",
        ["assignee"] = "Zuständig", ["outcome"] = "Ergebnis", ["package"] = "Paket", ["amount_cents"] = "Betrag", ["currency"] = "Währung",
        ["won_at"] = "Gewonnen am", ["starts_on"] = "Beginn", ["ends_on"] = "Ende", ["history"] = "Änderungen", ["answers"] = "Antworten", ["state"] = "Status",
        ["submitted_at"] = "Abgeschickt am", ["expires_at"] = "Gültig bis", ["revoked_at"] = "Widerrufen am", ["starts_at"] = "Beginn", ["ends_at"] = "Ende",
        ["items"] = "Checkliste", ["heartbeats"] = "Meldungen des Agenten", ["count"] = "Anzahl", ["first_at"] = "Erste", ["last_at"] = "Letzte",
        ["last_heartbeat_at"] = "Letzte Meldung", ["agent_version"] = "Version des Agenten", ["events"] = "Verlauf", ["opened_at"] = "Geöffnet am",
        ["resolved_at"] = "Behoben am", ["error_class"] = "Fehlerart", ["severity"] = "Schwere", ["body"] = "Text", ["deliveries"] = "Zustellungen",
        ["delivered_at"] = "Zugestellt am", ["reason"] = "Grund", ["at"] = "Zeitpunkt", ["detail"] = "Detail",
        ["lost_reason_code"] = "Grund für Absage (Auswahl)", ["erased_at"] = "Gelöscht am", ["consent_text"] = "Wortlaut der Einwilligung",
        ["consent_withdrawn_at"] = "Einwilligung widerrufen am", ["consent_withdrawn_by"] = "Widerruf eingetragen von",
        ["stay_started_at"] = "In dieser Stufe seit", ["stage_total"] = "Zeit in der Stufe bisher", ["next_exit_at"] = "Stufe verlassen am",
        ["processed_at"] = "Verarbeitet am", ["deal_id"] = "Kennung des Auftrags", ["touchpoint_id"] = "Kennung des Kontakteintrags",
        ["cancel_reason"] = "Grund für den Abbruch", ["generated_for"] = "Für den Tag", ["rule"] = "Regel", ["priority"] = "Priorität",
        ["attributes"] = "Weitere Angaben", ["outcome_channel"] = "Ergebnis über", ["outcome_note_code"] = "Ergebnis (Notiz)",
        ["playbook_key"] = "Ablauf", ["playbook_step"] = "Schritt im Ablauf", ["price_reason"] = "Grund für den Preis",
        ["restricted_until"] = "Eingeschränkt bis", ["change"] = "Art der Änderung", ["old_values"] = "Vorher", ["new_values"] = "Nachher",
        ["template_version"] = "Fassung des Fragebogens", ["reopened_at"] = "Wieder geöffnet am", ["reopened_by"] = "Wieder geöffnet von",
        ["link_version"] = "Fassung des Links", ["installer"] = "Kennung der installierenden Person", ["checklist_version"] = "Fassung der Checkliste",
        ["finished_at"] = "Abgeschlossen am", ["run_id"] = "Kennung des Termins", ["position"] = "Nummer", ["block"] = "Nummer des Abschnitts",
        ["block_title"] = "Abschnitt", ["block_outcome"] = "Ziel des Abschnitts", ["box_starts_at"] = "Geplant ab", ["box_ends_at"] = "Geplant bis",
        ["workflow_no"] = "Nummer des Ablaufs", ["safety_baseline"] = "Gehört zur Sicherheits-Grundausstattung", ["marked_at"] = "Abgehakt am",
        ["marked_by"] = "Abgehakt von", ["key_prefix"] = "Anfang des Agenten-Schlüssels", ["status_changed_at"] = "Status seit", ["paused"] = "Pausiert",
        ["last_status"] = "Zuletzt gemeldeter Zustand", ["last_error_class"] = "Letzte Fehlerart", ["expected_interval"] = "Erwarteter Abstand der Meldungen",
        ["grace_period"] = "Toleranz bis zur Warnung", ["snoozed_until"] = "Stummgeschaltet bis", ["maintenance_windows"] = "Wartungsfenster",
        ["commands"] = "Befehle an den Agenten", ["agent_id"] = "Kennung des Agenten", ["incident_id"] = "Kennung der Störung",
        ["automatic"] = "Automatisch", ["requested_at"] = "Angefordert am", ["requested_by"] = "Angefordert von",
        ["acknowledged_at"] = "Übernommen am", ["acknowledged_by"] = "Übernommen von", ["last_seen_at"] = "Zuletzt gesehen am",
        ["occurrences"] = "Vorkommen", ["last_error_code"] = "Letzter Fehlercode", ["escalated_at"] = "Eskaliert am", ["workflow_id"] = "Kennung des Ablaufs",
        ["key"] = "Kurzname", ["schedule"] = "Zeitplan", ["run_interval"] = "Abstand der Läufe", ["grace"] = "Toleranz",
        ["max_runtime"] = "Längste erlaubte Laufzeit", ["origin"] = "Herkunft", ["last_state"] = "Ergebnis des letzten Laufs",
        ["last_started_at"] = "Letzter Lauf begonnen am", ["last_finished_at"] = "Letzter Lauf beendet am",
        ["last_duration_s"] = "Dauer des letzten Laufs (Sekunden)", ["next_expected_at"] = "Nächster Lauf erwartet", ["subject_type"] = "Betrifft",
        ["subject_id"] = "Kennung des Betroffenen", ["link"] = "Link im Status-Center", ["alert_id"] = "Kennung der Benachrichtigung",
        ["attempts"] = "Versuche", ["first_attempt_at"] = "Erster Versuch am", ["sending_since"] = "Wird gesendet seit",
        ["last_error"] = "Letzter Fehler", ["erased_by"] = "Gelöscht von", ["counts"] = "Geänderte Zeilen je Tabelle", ["price_cents"] = "Preis",
        ["received_at"] = "Empfangen am", ["processed"] = "Verarbeitet", ["delivered"] = "Zugestellt",
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

    /// <summary>Where a code's label is not named <c>&lt;code&gt;_label</c>.</summary>
    private static readonly Dictionary<string, string> LabelFields = new(StringComparer.Ordinal) { ["note_code"] = "note_label" };

    private static string Object(JsonElement value)
    {
        var labelOf = value.EnumerateObject().Select(p => p.Name)
            .Select(name => (Code: name, Label: LabelFields.GetValueOrDefault(name, name + "_label")))
            .Where(x => value.TryGetProperty(x.Label, out _))
            .ToDictionary(x => x.Code, x => x.Label, StringComparer.Ordinal);
        var labels = new HashSet<string>(labelOf.Values, StringComparer.Ordinal);
        var sb = new StringBuilder("<dl>");
        foreach (var property in value.EnumerateObject())
        {
            // a code shows as its label, at the code's place; the label field itself not again. A label may be a whole
            // object: the onboarding answers as the questionnaire asks them, an erasure's counts by German table names
            if (Technical.Contains(property.Name) || labels.Contains(property.Name)) continue;
            var shown = labelOf.TryGetValue(property.Name, out var labelField)
                && value.GetProperty(labelField) is { ValueKind: JsonValueKind.String or JsonValueKind.Object } label
                ? label : property.Value;
            // amounts in cents in euros (the only currency: deals.currency)
            var text = property.Name.EndsWith("_cents", StringComparison.Ordinal) && shown.ValueKind == JsonValueKind.Number
                ? E((shown.GetDecimal() / 100).ToString("N2", German) + " €")
                : Value(shown);
            sb.Append("<dt>").Append(E(Labels.GetValueOrDefault(property.Name, property.Name))).Append("</dt><dd>").Append(text).Append("</dd>");
        }
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

    /// <summary>
    /// A timestamp (ISO 8601 with offset) in Berlin time, a date (yyyy-MM-dd) and a duration (PostgreSQL's interval,
    /// "1 day 02:05:00") in German, any other string as it is.
    /// </summary>
    private static string Time(JsonElement value)
    {
        var text = value.GetString() ?? "";
        if (text.Length >= 20 && text[4] == '-' && text[10] == 'T'
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return BerlinTime.FromUtc(at.UtcDateTime).ToString("dd.MM.yyyy, HH:mm:ss 'Uhr'", German);
        if (text.Length == 10 && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return date.ToString("dd.MM.yyyy", German);
        return text.Length > 0 && IntervalPattern().Match(text) is { Success: true } m ? Duration(m) : text;
    }

    private static string Duration(Match m)
    {
        int Part(string group) => m.Groups[group].Success ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        var parts = new List<string>();
        if (Part("days") is var days and > 0) parts.Add(days == 1 ? "1 Tag" : $"{days} Tage");
        if (Part("hours") is var hours and > 0) parts.Add(hours == 1 ? "1 Stunde" : $"{hours} Stunden");
        if (Part("minutes") is var minutes and > 0) parts.Add(minutes == 1 ? "1 Minute" : $"{minutes} Minuten");
        if (Part("seconds") is var seconds and > 0) parts.Add(seconds == 1 ? "1 Sekunde" : $"{seconds} Sekunden");
        return parts.Count > 0 ? string.Join(" ", parts) : m.Groups["fraction"].Success ? "weniger als 1 Sekunde" : "0 Sekunden";
    }

    [GeneratedRegex(@"^(?:(?<days>\d+) days?)?(?: ?(?<hours>\d{2}):(?<minutes>\d{2}):(?<seconds>\d{2})(?:\.(?<fraction>\d+))?)?$")]
    private static partial Regex IntervalPattern();

    private static string E(string text) => Html.Encode(text);
}
