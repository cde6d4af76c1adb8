using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Leitstand.Fulfilment;
using Leitstand.Platform;
using Microsoft.AspNetCore.Http;

namespace Leitstand.Functions.Fulfilment;

/// <summary>
/// The customer's onboarding page, rendered on the server from the template (no script, phone-friendly, German):
/// the questionnaire with "Entwurf speichern" and "Abschicken", every error at its field, and after submitting a
/// thank-you with the answers read-only. One page for a link that does not work, whatever the reason.
/// </summary>
public static class OnboardingPages
{
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    private const string Style = "*{box-sizing:border-box}body{font-family:system-ui,sans-serif;color:#132038;background:#f5f8fb;margin:0;line-height:1.45}"
        + "main{max-width:42rem;margin:0 auto;padding:1rem}@media(min-width:40rem){main{margin:2rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.06)}}"
        + "h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.2rem}fieldset{border:1px solid #d5dde8;border-radius:10px;margin:0 0 1.2rem;padding:.8rem 1rem;min-width:0;background:#fff}"
        + "fieldset fieldset{border-color:#e6ebf2;margin:.6rem 0}legend{font-weight:700;font-size:1.1rem;padding:0 .3rem}fieldset fieldset legend{font-size:1rem}"
        + ".field{margin:.8rem 0}label,.label{display:block;font-weight:600;margin-bottom:.25rem}.hint{color:#5a6b85;font-size:.92rem;margin:.1rem 0 .35rem}"
        + "input,select,textarea{font:inherit;font-size:1rem;width:100%;padding:.6rem .7rem;border:1px solid #9aa8bc;border-radius:8px;background:#fff;color:inherit}"
        + "textarea{min-height:5.5rem;resize:vertical}input:focus,select:focus,textarea:focus,button:focus-visible,a:focus-visible{outline:3px solid #f0b429;outline-offset:2px}"
        + ".invalid input,.invalid select,.invalid textarea{border:2px solid #b42318}.error{color:#b42318;font-weight:600;margin:.3rem 0 0}"
        + ".interval{display:flex;gap:.5rem}.interval input{flex:1 1 40%}.interval select{flex:1 1 60%}.or{margin:.4rem 0;color:#5a6b85}"
        + ".actions{display:flex;flex-wrap:wrap;gap:.7rem;margin:1.2rem 0}button{font:inherit;font-size:1.05rem;padding:.75rem 1.3rem;border-radius:8px;cursor:pointer;border:2px solid #0f7a6c;background:#fff;color:#0f7a6c;flex:1 1 12rem}"
        + "button.primary{background:#0f7a6c;color:#fff}.notice{background:#e7f6f2;border-left:4px solid #0f7a6c;padding:.7rem 1rem;border-radius:6px}"
        + ".summary{background:#fdecea;border-left:4px solid #b42318;padding:.7rem 1rem;border-radius:6px}.summary a{color:#b42318}"
        + "ul.fixed{padding-left:1.2rem}dl{display:grid;grid-template-columns:1fr;gap:.1rem;margin:0}dt{color:#5a6b85;font-size:.92rem;margin-top:.5rem}dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}"
        + "@media(min-width:40rem){dl{grid-template-columns:minmax(10rem,14rem) 1fr;gap:.3rem 1rem}dt{margin-top:0}}"
        + "ol.blocks{list-style:none;padding:0;margin:.6rem 0}ol.blocks li{background:#fff;border:1px solid #d5dde8;border-radius:10px;padding:.6rem .8rem;margin:.5rem 0}"
        + "ol.blocks li.current{border:2px solid #0f7a6c}ol.blocks li.done{border-color:#9fd8cc}.block-head{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.3rem}"
        + ".block-title{font-weight:700}.box{color:#5a6b85}.count{margin:.2rem 0 0}.badge{display:inline-block;background:#0f7a6c;color:#fff;border-radius:999px;padding:0 .5rem;font-size:.85rem;margin-left:.3rem}"
        + "progress{width:100%;height:.6rem;accent-color:#0f7a6c}.uebergabe{background:#fff;border:1px solid #d5dde8;border-radius:10px;padding:.2rem 1rem 1rem;margin:1rem 0}"
        + ".uebergabe .kicker{text-transform:uppercase;letter-spacing:.05em;font-size:.8rem;color:#5a6b85;margin:.6rem 0 0}.uebergabe .note{background:#fff8c5;padding:.4rem .6rem;border-radius:4px}"
        + ".uebergabe .muted{color:#5a6b85}.uebergabe .rule{font-weight:600}.uebergabe h2{margin:.2rem 0}.uebergabe h3{border-bottom:1px solid #d5dde8;padding-bottom:.2rem}"
        + "@media print{body{background:#fff}main{box-shadow:none}}";

    public static (int Status, string Html) Questionnaire(CustomerOnboarding onboarding, string action, IReadOnlyDictionary<string, string>? posted = null,
        IReadOnlyDictionary<string, string>? errors = null, string? notice = null, int status = StatusCodes.Status200OK)
    {
        var template = onboarding.Template;
        var values = posted ?? OnboardingForm.Values(template, onboarding.Answers);
        errors ??= new Dictionary<string, string>();
        var body = new StringBuilder();
        body.Append("<p>").Append(E(template.Intro)).Append("</p>");
        if (notice is not null) body.Append("<p class=\"notice\" role=\"status\" id=\"hinweis\">").Append(E(notice)).Append("</p>");
        if (errors.Count > 0) body.Append(Summary(template, errors));
        body.Append("<form method=\"post\" action=\"").Append(E(action)).Append("\" novalidate accept-charset=\"utf-8\">");
        body.Append("<p class=\"hint\">Felder mit * brauchen wir zum Abschicken. Du kannst jederzeit einen Entwurf speichern und später weitermachen.</p>");
        foreach (var section in template.Sections)
        {
            body.Append("<fieldset id=\"").Append(Id(section.Key)).Append("\"><legend>").Append(E(section.Title)).Append("</legend>");
            if (section.Intro is { } intro) body.Append("<p class=\"hint\">").Append(E(intro)).Append("</p>");
            if (section.Fixed is { Count: > 0 } fixedRules)
                body.Append("<ul class=\"fixed\">").AppendJoin("", fixedRules.Select(r => $"<li>{E(r.Label)}: immer nur mit Freigabe</li>")).Append("</ul>");
            if (errors.TryGetValue(section.Key, out var sectionError))
                body.Append("<p class=\"error\" id=\"").Append(Id(section.Key)).Append("-error\">").Append(E(sectionError)).Append("</p>");
            switch (section.Kind)
            {
                case "table":
                    foreach (var row in section.Rows ?? [])
                    {
                        body.Append("<fieldset><legend>").Append(E(row.Label)).Append("</legend>");
                        foreach (var field in section.Fields) body.Append(Field(field, $"{section.Key}.{row.Key}.{field.Key}", values, errors, "none"));
                        body.Append("</fieldset>");
                    }
                    break;
                case "repeat":
                    for (var n = 1; n <= (section.Count ?? 1); n++)
                    {
                        body.Append("<fieldset><legend>Workflow ").Append(n).Append("</legend>");
                        foreach (var field in section.Fields) body.Append(Field(field, $"{section.Key}.{n}.{field.Key}", values, errors, null));
                        body.Append("</fieldset>");
                    }
                    break;
                default:
                    foreach (var field in section.Fields) body.Append(Field(field, $"{section.Key}.{field.Key}", values, errors, null));
                    break;
            }
            body.Append("</fieldset>");
        }
        body.Append("<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"draft\" id=\"entwurf\">Entwurf speichern</button>")
            .Append("<button type=\"submit\" name=\"action\" value=\"submit\" class=\"primary\" id=\"abschicken\">Abschicken</button></div>")
            .Append("<p class=\"hint\">Nach dem Abschicken sind die Antworten fest; ändern kannst du sie dann nur, wenn wir sie dir wieder öffnen.</p></form>");
        return (status, Page(template.Title, body.ToString()));
    }

    /// <summary>
    /// After submitting: thanks, what comes next and the install (<see cref="AfterSubmission"/>), the answers read-only.
    /// While the install is running, the page reloads itself every minute (a meta refresh; no script).
    /// </summary>
    public static (int Status, string Html) Submitted(CustomerOnboarding onboarding, CustomerInstall? install = null, string? notice = null,
        int status = StatusCodes.Status200OK)
    {
        var body = new StringBuilder();
        if (notice is not null) body.Append("<p class=\"notice\" role=\"status\" id=\"hinweis\">").Append(E(notice)).Append("</p>");
        body.Append("<p class=\"notice\" id=\"danke\">Danke! Deine Antworten sind angekommen")
            .Append(onboarding.SubmittedAt is { } at ? $" (abgeschickt am {E(Local(at))})" : "")
            .Append(". Wir bereiten damit deine Installation vor.</p>");
        body.Append(AfterSubmission(onboarding, install));
        body.Append("<h2>Deine Antworten</h2>").Append(ReadOnly(onboarding.Template, onboarding.Answers));
        var running = install is { Started: true, Finished: false };
        return (status, Page(install?.Finished == true ? "Deine Installation ist fertig" : "Danke für deine Antworten", body.ToString(), refreshSeconds: running ? 60 : null));
    }

    /// <summary>
    /// What the customer sees after submitting, above the answers, from their own install only
    /// (<see cref="CustomerInstall"/>: no item titles, reasons or internal notes, no other customer): without an install
    /// what comes next; once booked the appointment in Berlin time and the progress by hour block (items ticked off of
    /// how many, which block is running); once finished, the handover summary (the same renderer as the team's).
    /// </summary>
    public static string AfterSubmission(CustomerOnboarding onboarding, CustomerInstall? install = null)
    {
        if (install is null)
            return "<section id=\"naechste-schritte\"><h2>Wie es weitergeht</h2><p>Wir melden uns bei dir, um den Termin für die Installation "
                + "(5 Stunden am Stück) mit dir festzulegen. Bis dahin musst du nichts weiter tun.</p></section>";
        var b = new StringBuilder("<section id=\"installation\"><h2>Deine Installation</h2>");
        b.Append("<p id=\"termin\">Termin: <strong>").Append(E(install.Appointment)).Append("</strong> (Berliner Zeit)</p>");
        var done = install.Blocks.Sum(x => x.Done);
        var total = install.Blocks.Sum(x => x.Items);
        b.Append("<p id=\"stand\">").Append(install.Finished ? "Die Installation ist abgeschlossen."
            : install.Started ? $"Die Installation läuft: {done} von {total} Punkten abgehakt. Diese Seite aktualisiert sich jede Minute."
            : "Bitte halte dich für den Kick-off zu Beginn und die Übergabe am Ende bereit (zusammen etwa 1,5 Stunden). Am Termin siehst du hier, wie weit wir sind.")
            .Append("</p>");
        b.Append("<h3>Fortschritt</h3><ol class=\"blocks\" id=\"fortschritt\">");
        foreach (var block in install.Blocks)
        {
            var state = block.Current ? " class=\"current\"" : block.Done == block.Items ? " class=\"done\"" : "";
            b.Append("<li").Append(state).Append(" data-block=\"").Append(block.Block).Append("\"><div class=\"block-head\"><span class=\"block-title\">")
             .Append(block.Block).Append(". ").Append(E(block.Title));
            if (block.Current) b.Append("<span class=\"badge\">läuft gerade</span>");
            b.Append("</span><span class=\"box\">").Append(E(block.TimeBox)).Append(" Uhr</span></div>")
             .Append("<progress max=\"").Append(block.Items).Append("\" value=\"").Append(block.Done).Append("\" aria-label=\"").Append(E(block.Title)).Append("\"></progress>")
             .Append("<p class=\"count\">").Append(block.Done).Append(" von ").Append(block.Items).Append(" abgehakt</p></li>");
        }
        b.Append("</ol></section>");
        if (install.Summary is { } summary)
            b.Append("<section id=\"uebergabe\"><h2>Deine Übergabe</h2><p class=\"hint\">Zum Aufheben: diese Seite drucken oder als PDF sichern.</p>")
             .Append(summary.RenderSection()).Append("</section>");
        return b.ToString();
    }

    /// <summary>A tampered, expired or revoked link, or one for a lead that is gone: the same page, revealing nothing.</summary>
    public static (int Status, string Html) LinkNotWorking() => (StatusCodes.Status404NotFound, Page("Link ungültig",
        "<p id=\"link-ungueltig\">Dieser Link funktioniert nicht (mehr). Bitte frag bei uns nach einem neuen Link.</p>"));

    public static (int Status, string Html) TooLarge(int limit) => (StatusCodes.Status413PayloadTooLarge, Page("Zu viel Text",
        $"<p>Die Angaben sind zu lang (höchstens {limit / 1024} KB zusammen). Bitte kürzer fassen und erneut senden; gespeichert wurde nichts.</p>"));

    public static (int Status, string Html) UnsupportedType() => (StatusCodes.Status415UnsupportedMediaType, Page("Nicht unterstützt",
        "<p>Bitte das Formular auf der Seite verwenden.</p>"));

    public static (int Status, string Html) Unavailable() => (StatusCodes.Status503ServiceUnavailable, Page("Gerade nicht erreichbar",
        "<p>Wir können gerade nichts speichern; dein zuletzt gespeicherter Entwurf bleibt erhalten. Bitte versuche es in einer Minute noch einmal.</p>"));

    private static string Summary(OnboardingTemplate template, IReadOnlyDictionary<string, string> errors)
    {
        var labels = Labels(template);
        var items = errors.Select(e => $"<li><a href=\"#{Id(e.Key)}\">{E(labels.GetValueOrDefault(e.Key, ""))}{(labels.ContainsKey(e.Key) ? ": " : "")}{E(e.Value)}</a></li>");
        return $"<div class=\"summary\" role=\"alert\" id=\"fehler\"><h2>Bitte prüfe {(errors.Count == 1 ? "eine Angabe" : $"{errors.Count} Angaben")}</h2><ul>{string.Concat(items)}</ul></div>";
    }

    /// <summary>Field name → a readable label ("Workflow 2 – Name").</summary>
    private static Dictionary<string, string> Labels(OnboardingTemplate template)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var section in template.Sections)
        {
            labels[section.Key] = section.Title;
            switch (section.Kind)
            {
                case "table":
                    foreach (var row in section.Rows ?? [])
                        foreach (var f in section.Fields) labels[$"{section.Key}.{row.Key}.{f.Key}"] = $"{row.Label} – {f.Label}";
                    break;
                case "repeat":
                    for (var n = 1; n <= (section.Count ?? 1); n++)
                        foreach (var f in section.Fields) labels[$"{section.Key}.{n}.{f.Key}"] = $"Workflow {n} – {f.Label}";
                    break;
                default:
                    foreach (var f in section.Fields) labels[$"{section.Key}.{f.Key}"] = f.Label;
                    break;
            }
        }
        return labels;
    }

    private static string Field(TemplateField field, string name, IReadOnlyDictionary<string, string> values, IReadOnlyDictionary<string, string> errors,
        string? defaultChoice)
    {
        var id = Id(name);
        var error = errors.TryGetValue(name, out var message) ? message : null;
        var describedBy = string.Join(' ', new[] { field.Hint is null ? null : id + "-hint", error is null ? null : id + "-error" }.OfType<string>());
        var aria = (describedBy.Length > 0 ? $" aria-describedby=\"{describedBy}\"" : "") + (error is null ? "" : " aria-invalid=\"true\"")
            + (field.Required ? " aria-required=\"true\"" : "");
        var label = E(field.Label) + (field.Required ? " *" : "");
        var sb = new StringBuilder("<div class=\"field").Append(error is null ? "" : " invalid").Append("\">");
        string V(string key) => values.TryGetValue(key, out var v) ? v : "";
        if (field.Type == "frequency")
        {
            sb.Append("<span class=\"label\" id=\"").Append(id).Append("\">").Append(label).Append("</span>");
            if (field.Hint is not null) sb.Append("<p class=\"hint\" id=\"").Append(id).Append("-hint\">").Append(E(field.Hint)).Append("</p>");
            sb.Append("<label for=\"").Append(id).Append("-schedule\">Zeitplan (Cron, Berliner Zeit)</label>")
              .Append("<input type=\"text\" id=\"").Append(id).Append("-schedule\" name=\"").Append(E(name)).Append(".schedule\" value=\"").Append(E(V(name + ".schedule")))
              .Append("\" placeholder=\"0 8 * * 1-5\" autocomplete=\"off\" spellcheck=\"false\" inputmode=\"text\" maxlength=\"100\"").Append(aria).Append('>')
              .Append("<p class=\"or\">oder</p><label for=\"").Append(id).Append("-interval\">Intervall: alle …</label><div class=\"interval\">")
              .Append("<input type=\"number\" min=\"1\" step=\"1\" inputmode=\"numeric\" id=\"").Append(id).Append("-interval\" name=\"").Append(E(name))
              .Append(".interval_value\" value=\"").Append(E(V(name + ".interval_value"))).Append("\"").Append(aria).Append('>')
              .Append("<select name=\"").Append(E(name)).Append(".interval_unit\" id=\"").Append(id).Append("-unit\" aria-label=\"Einheit des Intervalls\">");
            var unit = V(name + ".interval_unit") is { Length: > 0 } u ? u : "hours";
            foreach (var (value, text) in new[] { ("minutes", "Minuten"), ("hours", "Stunden"), ("days", "Tage") })
                sb.Append("<option value=\"").Append(value).Append('"').Append(unit == value ? " selected" : "").Append('>').Append(text).Append("</option>");
            sb.Append("</select></div>");
        }
        else
        {
            sb.Append("<label for=\"").Append(id).Append("\">").Append(label).Append("</label>");
            if (field.Hint is not null) sb.Append("<p class=\"hint\" id=\"").Append(id).Append("-hint\">").Append(E(field.Hint)).Append("</p>");
            var value = V(name);
            var max = field.Max is { } m ? $" maxlength=\"{m}\"" : "";
            switch (field.Type)
            {
                case "textarea":
                    sb.Append("<textarea id=\"").Append(id).Append("\" name=\"").Append(E(name)).Append("\" rows=\"3\"").Append(max).Append(aria).Append('>')
                      .Append(E(value)).Append("</textarea>");
                    break;
                case "choice":
                    var chosen = value.Length > 0 ? value : defaultChoice ?? "";
                    sb.Append("<select id=\"").Append(id).Append("\" name=\"").Append(E(name)).Append('"').Append(aria).Append('>');
                    if (defaultChoice is null) sb.Append("<option value=\"\">– bitte wählen –</option>");
                    foreach (var option in field.Options ?? [])
                        sb.Append("<option value=\"").Append(E(option.Value)).Append('"').Append(option.Value == chosen ? " selected" : "").Append('>')
                          .Append(E(option.Label)).Append("</option>");
                    sb.Append("</select>");
                    break;
                default:
                    var (type, extra) = field.Type switch
                    {
                        "email" => ("email", " autocomplete=\"email\" inputmode=\"email\""),
                        "phone" => ("tel", " autocomplete=\"tel\" inputmode=\"tel\""),
                        "date" => ("date", ""),
                        _ => ("text", ""),
                    };
                    sb.Append("<input type=\"").Append(type).Append("\" id=\"").Append(id).Append("\" name=\"").Append(E(name)).Append("\" value=\"").Append(E(value))
                      .Append('"').Append(max).Append(extra).Append(aria).Append('>');
                    break;
            }
        }
        if (error is not null) sb.Append("<p class=\"error\" id=\"").Append(id).Append("-error\">").Append(E(error)).Append("</p>");
        return sb.Append("</div>").ToString();
    }

    private static string ReadOnly(OnboardingTemplate template, JsonObject answers)
    {
        var values = OnboardingForm.Values(template, answers);
        var sb = new StringBuilder("<div id=\"antworten\">");
        string Show(TemplateField field, string name)
        {
            if (field.Type == "frequency")
            {
                if (values.TryGetValue(name + ".schedule", out var cron)) return $"Zeitplan {cron} (Berliner Zeit)";
                if (values.TryGetValue(name + ".interval_value", out var n))
                    return $"alle {n} {values.GetValueOrDefault(name + ".interval_unit") switch { "minutes" => "Minuten", "days" => "Tage", _ => "Stunden" }}";
                return "–";
            }
            if (!values.TryGetValue(name, out var value) || value.Length == 0) return "–";
            if (field.Type == "choice") return field.Options?.FirstOrDefault(o => o.Value == value)?.Label ?? value;
            if (field.Type == "date" && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                return d.ToString("dddd, dd.MM.yyyy", German);
            return value;
        }
        foreach (var section in template.Sections)
        {
            sb.Append("<h3>").Append(E(section.Title)).Append("</h3><dl>");
            if (section.Fixed is { Count: > 0 } fixedRules)
                foreach (var r in fixedRules) sb.Append("<dt>").Append(E(r.Label)).Append("</dt><dd>immer nur mit Freigabe</dd>");
            switch (section.Kind)
            {
                case "table":
                    foreach (var row in section.Rows ?? [])
                    {
                        var rights = values.GetValueOrDefault($"{section.Key}.{row.Key}.rights");
                        if (rights is null or "none") continue;
                        sb.Append("<dt>").Append(E(row.Label)).Append("</dt><dd>")
                          .Append(E(string.Join(" – ", section.Fields.Select(f => Show(f, $"{section.Key}.{row.Key}.{f.Key}"))))).Append("</dd>");
                    }
                    break;
                case "repeat":
                    for (var n = 1; n <= (section.Count ?? 1); n++)
                        foreach (var f in section.Fields)
                            sb.Append("<dt>Workflow ").Append(n).Append(" – ").Append(E(f.Label)).Append("</dt><dd>").Append(E(Show(f, $"{section.Key}.{n}.{f.Key}"))).Append("</dd>");
                    break;
                default:
                    foreach (var f in section.Fields)
                        sb.Append("<dt>").Append(E(f.Label)).Append("</dt><dd>").Append(E(Show(f, $"{section.Key}.{f.Key}"))).Append("</dd>");
                    break;
            }
            sb.Append("</dl>");
        }
        return sb.Append("</div>").ToString();
    }

    private static string Id(string name) => "f-" + name.Replace('.', '-').Replace('_', '-');

    private static string Local(DateTime utc) => BerlinTime.FromUtc(utc).ToString("dd.MM.yyyy, HH:mm 'Uhr'", German);

    private static string E(string text) => Html.Encode(text);

    private static string Page(string title, string body, int? refreshSeconds = null) => new StringBuilder()
        .Append("<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .Append(refreshSeconds is { } seconds ? $"<meta http-equiv=\"refresh\" content=\"{seconds}\">" : "")
        .Append("<meta name=\"robots\" content=\"noindex\"><meta name=\"referrer\" content=\"no-referrer\"><title>").Append(E(title)).Append(" – Leitstand</title><style>").Append(Style)
        .Append("</style></head><body><main><h1>").Append(E(title)).Append("</h1>").Append(body).Append("</main></body></html>")
        .ToString();
}
