using System.Globalization;
using System.Net;
using System.Text;
using Leitstand.Alerts;
using Leitstand.Platform;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.LocalHost.Stack;

/// <summary>The "Zustellprotokoll" section of the local inbox: the newest rows of public.alert_deliveries.</summary>
public static class LocalDeliveryLog
{
    public static async Task<string> RenderAsync(IServiceProvider services, CancellationToken ct)
    {
        var rows = await services.GetRequiredService<ListAlertDeliveries>().ExecuteAsync(null, 50, ct);
        if (rows.Count == 0) return "<p class=\"muted\">Noch keine Zustellungen. Lass einen Agenten einen Fehler melden (README, „Alerts ausprobieren“).</p>";
        var html = new StringBuilder("<table><thead><tr><th>Alert</th><th>Kanal</th><th>Status</th><th>Versuche</th><th>fällig / zugestellt</th><th>letzter Fehler</th></tr></thead><tbody>");
        foreach (var r in rows)
        {
            var when = r.DeliveredAt is { } delivered ? "zugestellt " + Local(delivered) : (r.State == "pending" ? "fällig " + Local(r.DueAt) : Local(r.DueAt));
            html.Append("<tr><td>").Append(E(r.Title)).Append(" <span class=\"muted\">(").Append(E(r.Kind)).Append(", ").Append(E(r.Severity)).Append(")</span></td>")
                .Append("<td>").Append(E(r.Channel)).Append("</td><td>").Append(E(State(r.State))).Append("</td><td>")
                .Append(r.Attempts.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(E(when)).Append("</td><td>")
                .Append(E(r.LastError ?? "")).Append("</td></tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    private static string State(string state) => state switch
    {
        "pending" => "wartet", "sending" => "wird gesendet", "delivered" => "zugestellt", "failed" => "fehlgeschlagen", _ => "unterdrückt",
    };

    private static string Local(DateTime utc) => BerlinTime.FromUtc(utc).ToString("dd.MM. HH:mm:ss", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
