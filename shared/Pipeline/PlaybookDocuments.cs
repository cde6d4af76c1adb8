using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;

namespace Leitstand.Pipeline;

/// <summary>
/// Renders the playbooks (task templates) as the readable German documents in docs/. The rows are the
/// source; the documents are regenerated from them (<c>dotnet run --project host -- --render-docs</c>)
/// and a test fails when the two differ.
/// </summary>
public static class PlaybookDocuments
{
    private const string PlaybooksSql = """
        select key, trigger_stage::text as triggerstage, title, description, document
        from public.playbooks order by position, key
        """;

    private const string StepsSql = """
        select playbook_key as playbookkey, step, kind, title, body, due_anchor as dueanchor,
               extract(epoch from due_after)::bigint as dueseconds
        from public.playbook_steps order by playbook_key, step
        """;

    /// <summary>Document path (relative to docs/) → markdown.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> RenderAsync(NpgsqlConnection connection)
    {
        var playbooks = (await connection.QueryAsync<PlaybookRow>(PlaybooksSql)).ToList();
        var steps = (await connection.QueryAsync<StepRow>(StepsSql)).ToLookup(s => s.PlaybookKey);
        var documents = new SortedDictionary<string, StringBuilder>(StringComparer.Ordinal);
        foreach (var playbook in playbooks)
        {
            if (!documents.TryGetValue(playbook.Document, out var md))
            {
                documents[playbook.Document] = md = new StringBuilder();
                md.Append("<!-- Erzeugt aus public.playbooks und public.playbook_steps (supabase/schemas/reference_data.sql). Nicht hier ändern: ")
                  .Append("die Daten ändern, dann `dotnet run --project host -- --render-docs`. -->\n");
            }
            md.Append('\n').Append("# ").Append(playbook.Title).Append("\n\n");
            md.Append("Vorlage `").Append(playbook.Key).Append("` – wird angewendet, wenn ein Lead die Stufe **")
              .Append(playbook.TriggerStage).Append("** erreicht.\n\n");
            md.Append(playbook.Description.Trim()).Append("\n\n");
            var playbookSteps = steps[playbook.Key].ToList();
            if (playbookSteps.Count == 0) continue;
            md.Append("## Aufgaben, die daraus entstehen\n\n");
            md.Append("Platzhalter: `{name}`, `{vorname}`, `{firma}` werden mit den Angaben des Leads gefüllt.\n");
            foreach (var step in playbookSteps)
            {
                md.Append("\n### ").Append(step.Step.ToString(CultureInfo.InvariantCulture)).Append(". ").Append(step.Title).Append("\n\n");
                md.Append("*Fällig: ").Append(Due(step.DueAnchor, step.DueSeconds)).Append(" · Art: `").Append(step.Kind).Append("`*\n\n");
                md.Append(step.Body.Trim()).Append('\n');
            }
        }
        return documents.ToDictionary(d => d.Key, d => d.Value.ToString().TrimEnd() + "\n", StringComparer.Ordinal);
    }

    public static string Due(string anchor, long seconds)
    {
        var reference = anchor == "call_at" ? "dem Call" : "dem Stufenwechsel";
        if (seconds == 0) return anchor == "call_at" ? "zum Call" : "sofort";
        var span = Math.Abs(seconds);
        var (amount, one, many) = span % 86400 == 0 ? (span / 86400, "Tag", "Tage")
            : span % 3600 == 0 ? (span / 3600, "Stunde", "Stunden")
            : (span / 60, "Minute", "Minuten");
        return $"{amount} {(amount == 1 ? one : many)} {(seconds < 0 ? "vor" : "nach")} {reference}";
    }

    private sealed record PlaybookRow(string Key, string TriggerStage, string Title, string Description, string Document);
    private sealed record StepRow(string PlaybookKey, int Step, string Kind, string Title, string Body, string DueAnchor, long DueSeconds);
}
