using System.Globalization;
using System.Text;
using Leitstand.Alerts;
using Leitstand.Monitoring;
using Leitstand.Platform;
using Microsoft.AspNetCore.Http;

namespace Leitstand.Functions.Alerts;

/// <summary>The small German pages behind an acknowledge link (self-contained: no external resources).</summary>
public static class AcknowledgePages
{
    private const string Style = "body{font-family:system-ui,sans-serif;color:#132038;background:#f5f8fb;margin:0}"
        + "main{max-width:34rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.06)}"
        + "h1{font-size:1.4rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dt{color:#5a6b85}"
        + "button{font:inherit;font-size:1.1rem;padding:.7rem 1.4rem;border:0;border-radius:8px;background:#0f7a6c;color:#fff;cursor:pointer}"
        + "button:focus-visible{outline:3px solid #f0b429;outline-offset:2px}";

    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    public static (int Status, string Html) Render(AckLinkPage page) => page switch
    {
        AckLinkPage.Confirm c when c.Incident.Incident.Status == "open" => (StatusCodes.Status200OK, Page("Incident übernehmen",
            Details(c.Incident) + "<form method=\"post\"><p>Mit „Übernehmen“ kümmerst du dich darum; die Erinnerungen auf allen Kanälen hören auf.</p>"
            + "<button type=\"submit\">Übernehmen</button></form>")),
        AckLinkPage.Confirm c => (StatusCodes.Status200OK, Page(StateTitle(c.Incident.Incident.Status), Details(c.Incident))),
        AckLinkPage.Done d => (StatusCodes.Status200OK, Page(d.Result switch
        {
            AcknowledgeResult.Acknowledged => "Übernommen – danke!",
            AcknowledgeResult.AlreadyResolved => "Das Incident ist bereits behoben.",
            _ => "War bereits übernommen.",
        }, Details(d.Incident))),
        AckLinkPage.Expired => (StatusCodes.Status410Gone, Page("Link abgelaufen",
            "<p>Dieser Link ist abgelaufen. Übernimm das Incident im Status-Center; jede Erinnerung bringt auch einen neuen Link.</p>")),
        AckLinkPage.Unknown => (StatusCodes.Status404NotFound, Page("Incident nicht gefunden", "<p>Dieses Incident gibt es nicht mehr.</p>")),
        _ => (StatusCodes.Status404NotFound, Page("Link ungültig", "<p>Dieser Link ist ungültig oder unvollständig. Bitte öffne ihn direkt aus dem Alert.</p>")),
    };

    /// <summary>The database cannot be reached: nothing was acknowledged, the link still works later.</summary>
    public static (int Status, string Html) Unavailable() => (StatusCodes.Status503ServiceUnavailable, Page("Gerade nicht erreichbar",
        "<p>Der Leitstand erreicht seine Datenbank gerade nicht; es wurde nichts übernommen. Bitte öffne den Link in einer Minute noch einmal.</p>"));

    private static string StateTitle(string status) => status == "resolved" ? "Das Incident ist bereits behoben." : "Das Incident ist bereits übernommen.";

    private static string Details(IncidentView view)
    {
        var i = view.Incident;
        var status = i.Status switch { "open" => "offen", "acknowledged" => "übernommen", _ => "behoben" };
        return "<dl>"
            + $"<dt>Fehlerklasse</dt><dd>{E(i.ErrorClassTitle)}</dd>"
            + (i.WorkflowKey is null ? "" : $"<dt>Workflow</dt><dd>{E(i.WorkflowName ?? i.WorkflowKey)} ({E(i.WorkflowKey)})</dd>")
            + $"<dt>Schwere</dt><dd>{E(i.Severity switch { "critical" => "kritisch", "warning" => "Warnung", _ => "Info" })}</dd>"
            + $"<dt>Geöffnet</dt><dd>{E(Local(i.OpenedAt))}</dd>"
            + $"<dt>Status</dt><dd>{E(status)}</dd>"
            + $"<dt>Runbook</dt><dd>{E(view.Runbook)}</dd>"
            + "</dl>";
    }

    private static string Local(DateTime utc) => BerlinTime.FromUtc(utc).ToString("dd.MM.yyyy, HH:mm 'Uhr'", German);

    private static string E(string text) => Html.Encode(text);

    private static string Page(string title, string body) => new StringBuilder()
        .Append("<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .Append("<meta name=\"robots\" content=\"noindex\"><title>").Append(E(title)).Append(" – Leitstand</title><style>").Append(Style)
        .Append("</style></head><body><main><h1>").Append(E(title)).Append("</h1>").Append(body).Append("</main></body></html>")
        .ToString();
}
