using System.Text;
using Leitstand.Leads;

namespace Leitstand.Functions.Leads;

/// <summary>The German page a plain HTML form post (without JavaScript) sees when something is wrong.</summary>
public static class LeadFormPages
{
    private static readonly Dictionary<string, string> Labels = new()
    {
        [LeadFields.Name] = "Name",
        [LeadFields.Email] = "E-Mail",
        [LeadFields.Phone] = "Telefon",
        [LeadFields.Company] = "Firma",
        [LeadFields.Message] = "Nachricht",
        [LeadFields.Consent] = "Einwilligung",
        [LeadFields.ConsentTextVersion] = "Einwilligungstext",
        [LeadFields.Body] = "Anfrage",
    };

    // Inline: the functions may run on another host than the landing page and its stylesheet.
    private const string Style = "body{font-family:system-ui,sans-serif;color:#132038;background:#f5f8fb;margin:0}"
        + "main{max-width:40rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.06)}"
        + "h1{font-size:1.5rem}ul{padding-left:1.2rem}li{margin:.4rem 0}a{color:#0f7a6c}";

    private static string Encode(string text) => Html.Encode(text);

    public static string Error(string title, IReadOnlyDictionary<string, IReadOnlyList<string>>? errors, string formUrl)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<title>Bitte prüfe deine Angaben</title><style>").Append(Style).Append("</style></head><body><main>");
        html.Append("<h1>").Append(Encode(title)).Append("</h1>");
        if (errors is { Count: > 0 })
        {
            html.Append("<ul class=\"errors\">");
            foreach (var (field, messages) in errors)
                foreach (var message in messages)
                    html.Append("<li><strong>").Append(Encode(Labels.GetValueOrDefault(field, field)))
                        .Append(":</strong> ").Append(Encode(message)).Append("</li>");
            html.Append("</ul>");
        }
        html.Append("<p><a href=\"").Append(Encode(formUrl)).Append("\" onclick=\"history.back(); return false;\">Zurück zum Formular</a> – deine Eingaben sind dort noch vorhanden.</p>");
        html.Append("</main></body></html>");
        return html.ToString();
    }
}
