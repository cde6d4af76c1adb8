using System.Text;
using Dapper;
using Leitstand.Auth;
using Npgsql;

namespace Leitstand.Fulfilment;

/// <summary>
/// The handover summary for the customer (German, "du" as on the landing page), printable: what was installed, the
/// three core workflows with their approval rules, the safety baseline (a "nicht anwendbar" with its reason), how to
/// stop and restart the agent, whom to call. Built from the run only through <see cref="From"/>, which takes
/// nothing internal: no skip reasons, no team notes, no user ids. The team reads it at
/// <c>GET /api/installs/{id}/summary</c>; the customer's page renders the same <see cref="Render"/>.
/// </summary>
public sealed record HandoverSummary(string Customer, string Appointment, string? InstallerName, bool Finished, IReadOnlyList<string> Agents,
    IReadOnlyList<string> Installed, IReadOnlyList<HandoverWorkflow> Workflows, IReadOnlyList<HandoverBaselineItem> Baseline, string StopRestart,
    string Contact)
{
    /// <summary>What always needs the customer's approval, whatever the workflows say.</summary>
    public const string AlwaysApproved = "E-Mails senden, Zahlungen und Löschungen macht dein Agent immer nur mit deinem OK.";

    /// <summary>
    /// The summary of <paramref name="run"/>: <paramref name="agents"/> the names of the lead's agents;
    /// <paramref name="workflows"/> the onboarding's workflows with schedule and approval where known (by number),
    /// else the run's workflow items by their names.
    /// </summary>
    public static HandoverSummary From(InstallRun run, IReadOnlyList<string> agents, IReadOnlyList<HandoverWorkflow>? workflows,
        string stopRestart, string contact)
    {
        var flows = run.Items.Where(i => i.Kind == "workflow").Select(i =>
        {
            var known = workflows?.FirstOrDefault(w => w.Number == i.WorkflowNo);
            return new HandoverWorkflow(i.WorkflowNo ?? 0, known?.Name ?? i.Title, known?.Schedule, known?.Approval, i.State == "done");
        }).ToList();
        return new HandoverSummary(
            string.IsNullOrWhiteSpace(run.Company) ? run.LeadName : run.Company!,
            run.Appointment, run.InstallerName, run.State == "finished", agents,
            run.Items.Where(i => i.Block == 2 && i.State == "done").Select(i => i.Title).ToList(),
            flows,
            run.Items.Where(i => i.SafetyBaseline).Select(i => new HandoverBaselineItem(i.Title, i.State,
                i.State == "not_applicable" ? i.Reason : null)).ToList(),
            stopRestart,
            contact.Replace("{installer}", string.IsNullOrWhiteSpace(run.InstallerName) ? "dein Ansprechpartner" : run.InstallerName, StringComparison.Ordinal));
    }

    /// <summary>A complete HTML page (no script; inline style with print rules).</summary>
    public string Render()
    {
        var b = new StringBuilder();
        b.Append("<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
         .Append("<meta name=\"robots\" content=\"noindex\"><title>Übergabe: ").Append(E(Customer)).Append("</title><style>").Append(Style).Append("</style></head><body><main>")
         .Append("<header><p class=\"kicker\">Dein persönlicher AI-Agent</p><h1>Übergabe für ").Append(E(Customer)).Append("</h1>")
         .Append("<p>Installation am ").Append(E(Appointment));
        if (!string.IsNullOrWhiteSpace(InstallerName)) b.Append(" · mit ").Append(E(InstallerName));
        b.Append("</p>");
        if (!Finished) b.Append("<p class=\"note\" id=\"vorlaeufig\">Vorläufig: Die Installation ist noch nicht abgeschlossen.</p>");
        b.Append("</header>");

        b.Append("<section id=\"installiert\"><h2>Was wir installiert haben</h2><ul>");
        foreach (var agent in Agents) b.Append("<li>Dein Agent „").Append(E(agent)).Append("“, unter deinem Benutzerkonto</li>");
        foreach (var item in Installed) b.Append("<li>").Append(E(item)).Append("</li>");
        if (Agents.Count == 0 && Installed.Count == 0) b.Append("<li>Der Standard-Agent unter deinem Benutzerkonto</li>");
        b.Append("</ul></section>");

        b.Append("<section id=\"workflows\"><h2>Deine drei Kern-Workflows</h2><ol>");
        foreach (var w in Workflows.OrderBy(w => w.Number))
        {
            b.Append("<li><strong>").Append(E(w.Name)).Append("</strong>");
            if (!w.SetUp) b.Append(" <span class=\"muted\">(noch nicht eingerichtet)</span>");
            if (!string.IsNullOrWhiteSpace(w.Schedule)) b.Append("<br>Läuft: ").Append(E(w.Schedule));
            b.Append("<br>Freigabe: ").Append(E(string.IsNullOrWhiteSpace(w.Approval) ? "wie beim Kick-off mit dir abgestimmt" : w.Approval)).Append("</li>");
        }
        b.Append("</ol><p class=\"rule\">").Append(E(AlwaysApproved)).Append("</p></section>");

        b.Append("<section id=\"sicherheit\"><h2>Sicherheit</h2><ul>");
        foreach (var item in Baseline)
        {
            b.Append("<li>").Append(E(item.Title)).Append(": ").Append(item.State switch
            {
                "done" => "geprüft",
                "not_applicable" => "nicht anwendbar",
                _ => "noch offen",
            });
            if (item.Reason is not null) b.Append(" – ").Append(E(item.Reason));
            b.Append("</li>");
        }
        b.Append("</ul></section>");

        b.Append("<section id=\"anhalten\"><h2>Anhalten und wieder starten</h2><p>").Append(E(StopRestart)).Append("</p></section>");
        b.Append("<section id=\"kontakt\"><h2>Wen du erreichst</h2><p>").Append(E(Contact)).Append("</p></section>");
        b.Append("</main></body></html>");
        return b.ToString();
    }

    private static string E(string? text) => (text ?? "").Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);

    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f24;background:#fff;margin:0;line-height:1.5}
        main{max-width:42rem;margin:0 auto;padding:1.5rem 1rem}
        h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .4rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
        .kicker{text-transform:uppercase;letter-spacing:.05em;font-size:.8rem;color:#57606a;margin:0}
        .note{background:#fff8c5;padding:.4rem .6rem;border-radius:4px}.muted{color:#57606a}.rule{font-weight:600}
        li{margin:.3rem 0}
        @media print{body{font-size:11pt}main{max-width:none;padding:0}h2{break-after:avoid}section{break-inside:avoid}.note{border:1px solid #999}}
        @page{margin:2cm}
        """;
}

/// <summary>A core workflow in the summary; <see cref="Schedule"/> and <see cref="Approval"/> from the onboarding where known.</summary>
public sealed record HandoverWorkflow(int Number, string Name, string? Schedule, string? Approval, bool SetUp = true)
{
    /// <summary>
    /// The workflows of submitted onboarding answers (<c>answers-&gt;'workflows'</c>: objects with <c>name</c>, <c>schedule</c>
    /// (cron, Europe/Berlin) or <c>interval</c>, <c>approval</c> as text or true/false), numbered in their order; others
    /// or an unreadable entry are left out, so the run's names stand in.
    /// </summary>
    public static IReadOnlyList<HandoverWorkflow> FromOnboarding(System.Text.Json.JsonElement workflows)
    {
        var list = new List<HandoverWorkflow>();
        if (workflows.ValueKind != System.Text.Json.JsonValueKind.Array) return list;
        var number = 0;
        foreach (var w in workflows.EnumerateArray())
        {
            number++;
            if (w.ValueKind != System.Text.Json.JsonValueKind.Object || Text(w, "name") is not { } name) continue;
            var schedule = Text(w, "schedule") is { } cron ? $"nach Zeitplan {cron} (Berliner Zeit)"
                : Text(w, "interval") is { } interval ? $"alle {interval}" : null;
            var approval = w.TryGetProperty("approval", out var a) ? a.ValueKind switch
            {
                System.Text.Json.JsonValueKind.String when a.GetString() is { Length: > 0 } t => t.Trim(),
                System.Text.Json.JsonValueKind.True => "Jeder Lauf braucht dein OK.",
                System.Text.Json.JsonValueKind.False => "Läuft ohne Rückfrage (außer E-Mails senden, Zahlungen und Löschungen).",
                _ => null,
            } : null;
            list.Add(new HandoverWorkflow(number, name, schedule, approval));
        }
        return list;
    }

    private static string? Text(System.Text.Json.JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String && v.GetString()?.Trim() is { Length: > 0 } t ? t : null;
}

/// <summary>A safety-baseline item: done, not_applicable (with its <see cref="Reason"/>) or open.</summary>
public sealed record HandoverBaselineItem(string Title, string State, string? Reason);

/// <summary>The handover summary of a run for the team (<c>GET /api/installs/{id}/summary</c>), under the member's claims.</summary>
public sealed class GetHandoverSummary(TeamDatabase db, TimeProvider clock)
{
    private const string Sql = """
        select a.name::text from public.agents a
        where a.lead_id = (select r.lead_id from public.install_runs r where r.id = @RunId) and a.revoked_at is null
        order by a.created_at, a.id;

        select v.stop_restart as stoprestart, v.contact from public.install_checklist_versions v
        where v.version = (select r.checklist_version from public.install_runs r where r.id = @RunId);
        """;

    public async Task<HandoverSummary?> ExecuteAsync(TeamUser user, Guid runId, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var summary = await LoadAsync(team.Connection, team.Transaction, runId, clock.GetUtcNow().UtcDateTime, null, ct);
        await team.CommitAsync(ct);
        return summary;
    }

    /// <summary>On a connection of the caller's (also the functions' role, for the customer's page).</summary>
    public static async Task<HandoverSummary?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid runId, DateTime nowUtc,
        IReadOnlyList<HandoverWorkflow>? workflows, CancellationToken ct)
    {
        var run = await GetInstall.LoadAsync(connection, transaction, runId, nowUtc, ct);
        if (run is null) return null;
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(Sql, new { RunId = runId }, transaction, cancellationToken: ct));
        var agents = (await grid.ReadAsync<string>()).AsList();
        var texts = await grid.ReadSingleAsync<Texts>();
        return HandoverSummary.From(run, agents, workflows, texts.StopRestart, texts.Contact);
    }

    private sealed record Texts(string StopRestart, string Contact);
}
