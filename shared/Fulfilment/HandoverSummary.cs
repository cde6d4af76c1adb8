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
    string Contact, HandoverApprovalRules? ApprovalRules = null)
{
    /// <summary>What always needs the customer's approval, whatever the workflows say.</summary>
    public const string AlwaysApproved = "E-Mails senden, Zahlungen und Löschungen macht dein Agent immer nur mit deinem OK.";

    /// <summary>
    /// The summary of <paramref name="run"/>: <paramref name="agents"/> the names of the lead's agents;
    /// <paramref name="workflows"/> the onboarding's workflows with schedule and approval where known (by number),
    /// else the run's workflow items by their names; <paramref name="approvalRules"/> the customer's own approval rules
    /// from the onboarding (beside the ones that always apply).
    /// </summary>
    public static HandoverSummary From(InstallRun run, IReadOnlyList<string> agents, IReadOnlyList<HandoverWorkflow>? workflows,
        string stopRestart, string contact, HandoverApprovalRules? approvalRules = null)
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
            contact.Replace("{installer}", string.IsNullOrWhiteSpace(run.InstallerName) ? "dein Ansprechpartner" : run.InstallerName, StringComparison.Ordinal),
            approvalRules);
    }

    /// <summary>A complete HTML page (no script; inline style with print rules).</summary>
    public string Render()
    {
        var b = new StringBuilder();
        b.Append("<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
         .Append("<meta name=\"robots\" content=\"noindex\"><title>Übergabe: ").Append(E(Customer)).Append("</title><style>").Append(Style).Append("</style></head><body><main>");
        AppendContent(b, "h1", "h2");
        b.Append("</main></body></html>");
        return b.ToString();
    }

    /// <summary>
    /// The same summary as a part of another page (the customer's page): the content of <see cref="Render"/> one
    /// heading level lower, in an element with the class <c>uebergabe</c>; the host page brings its own style.
    /// </summary>
    public string RenderSection()
    {
        var b = new StringBuilder("<div class=\"uebergabe\">");
        AppendContent(b, "h2", "h3");
        return b.Append("</div>").ToString();
    }

    private void AppendContent(StringBuilder b, string h1, string h2)
    {
        b.Append("<header><p class=\"kicker\">Dein persönlicher AI-Agent</p><").Append(h1).Append(">Übergabe für ").Append(E(Customer)).Append("</").Append(h1).Append('>')
         .Append("<p>Installation am ").Append(E(Appointment));
        if (!string.IsNullOrWhiteSpace(InstallerName)) b.Append(" · mit ").Append(E(InstallerName));
        b.Append("</p>");
        if (!Finished) b.Append("<p class=\"note\" id=\"vorlaeufig\">Vorläufig: Die Installation ist noch nicht abgeschlossen.</p>");
        b.Append("</header>");

        b.Append("<section id=\"installiert\"><").Append(h2).Append(">Was wir installiert haben</").Append(h2).Append("><ul>");
        foreach (var agent in Agents) b.Append("<li>Dein Agent „").Append(E(agent)).Append("“, unter deinem Benutzerkonto</li>");
        foreach (var item in Installed) b.Append("<li>").Append(E(item)).Append("</li>");
        if (Agents.Count == 0 && Installed.Count == 0) b.Append("<li>Der Standard-Agent unter deinem Benutzerkonto</li>");
        b.Append("</ul></section>");

        b.Append("<section id=\"workflows\"><").Append(h2).Append(">Deine drei Kern-Workflows</").Append(h2).Append("><ol>");
        foreach (var w in Workflows.OrderBy(w => w.Number))
        {
            b.Append("<li><strong>").Append(E(w.Name)).Append("</strong>");
            if (!w.SetUp) b.Append(" <span class=\"muted\">(noch nicht eingerichtet)</span>");
            if (!string.IsNullOrWhiteSpace(w.Schedule)) b.Append("<br>Läuft: ").Append(E(w.Schedule));
            b.Append("<br>Freigabe: ").Append(E(string.IsNullOrWhiteSpace(w.Approval) ? "wie beim Kick-off mit dir abgestimmt" : w.Approval)).Append("</li>");
        }
        b.Append("</ol><p class=\"rule\">").Append(E(AlwaysApproved)).Append("</p>");
        if (ApprovalRules?.Own is { } own) b.Append("<p id=\"eigene-freigaben\">Außerdem nur mit deinem OK: ").Append(E(own)).Append("</p>");
        if (ApprovalRules?.Approver is { } approver)
        {
            b.Append("<p id=\"freigabe-wer\">Wer freigibt: ").Append(E(approver));
            if (ApprovalRules.Deputy is { } deputy) b.Append(" · Vertretung: ").Append(E(deputy));
            b.Append("</p>");
        }
        b.Append("</section>");

        b.Append("<section id=\"sicherheit\"><").Append(h2).Append(">Sicherheit</").Append(h2).Append("><ul>");
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

        b.Append("<section id=\"anhalten\"><").Append(h2).Append(">Anhalten und wieder starten</").Append(h2).Append("><p>").Append(E(StopRestart)).Append("</p></section>");
        b.Append("<section id=\"kontakt\"><").Append(h2).Append(">Wen du erreichst</").Append(h2).Append("><p>").Append(E(Contact)).Append("</p></section>");
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
                : Text(w, "interval") is { } interval ? Interval(interval) : null;
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

    /// <summary>An ISO 8601 interval as the questionnaire stores it (PT30M, PT2H, P1D) in German ("alle 30 Minuten", "jeden Tag"); other text after "alle".</summary>
    private static string Interval(string iso)
    {
        var m = System.Text.RegularExpressions.Regex.Match(iso, @"^PT?(\d{1,5})([MHD])$");
        if (!m.Success) return $"alle {iso}";
        var n = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "M" => n == 1 ? "jede Minute" : $"alle {n} Minuten",
            "H" => n == 1 ? "jede Stunde" : $"alle {n} Stunden",
            _ => n == 1 ? "jeden Tag" : $"alle {n} Tage",
        };
    }

    private static string? Text(System.Text.Json.JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String && v.GetString()?.Trim() is { Length: > 0 } t ? t : null;
}

/// <summary>
/// The customer's own approval rules from the onboarding (<c>answers-&gt;'approval_rules'</c>): what else needs their OK
/// (<see cref="Own"/>), who approves and how (<see cref="Approver"/>), the deputy (<see cref="Deputy"/>).
/// </summary>
public sealed record HandoverApprovalRules(string? Own, string? Approver, string? Deputy)
{
    /// <summary>The rules of submitted answers, or null when they name none.</summary>
    public static HandoverApprovalRules? FromOnboarding(System.Text.Json.JsonElement rules)
    {
        if (rules.ValueKind != System.Text.Json.JsonValueKind.Object) return null;
        string? Text(string name) => rules.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String
            && v.GetString()?.Trim() is { Length: > 0 } t ? t : null;
        var result = new HandoverApprovalRules(Text("own"), Text("approver"), Text("deputy"));
        return result is { Own: null, Approver: null, Deputy: null } ? null : result;
    }
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

        select (a.answers -> 'workflows')::text as workflows, (a.answers -> 'approval_rules')::text as approvalrules
        from public.onboarding_answers a
        where a.lead_id = (select r.lead_id from public.install_runs r where r.id = @RunId) and a.state = 'submitted'
        order by a.template_version desc
        limit 1;
        """;

    public async Task<HandoverSummary?> ExecuteAsync(TeamUser user, Guid runId, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var summary = await LoadAsync(team.Connection, team.Transaction, runId, clock.GetUtcNow().UtcDateTime, null, ct);
        await team.CommitAsync(ct);
        return summary;
    }

    /// <summary>
    /// On a connection of the caller's (also the functions' role, for the customer's page). The workflows and the
    /// customer's own approval rules come from the lead's submitted onboarding answers (the newest template version
    /// submitted, as public.install_workflow_names reads them); <paramref name="workflows"/> overrides the workflows.
    /// </summary>
    public static async Task<HandoverSummary?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid runId, DateTime nowUtc,
        IReadOnlyList<HandoverWorkflow>? workflows, CancellationToken ct)
    {
        var run = await GetInstall.LoadAsync(connection, transaction, runId, nowUtc, ct);
        if (run is null) return null;
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(Sql, new { RunId = runId }, transaction, cancellationToken: ct));
        var agents = (await grid.ReadAsync<string>()).AsList();
        var texts = await grid.ReadSingleAsync<Texts>();
        var answers = await grid.ReadSingleOrDefaultAsync<Answers>();
        HandoverApprovalRules? rules = null;
        if (answers is not null)
        {
            if (workflows is null && answers.Workflows is { } flows)
            {
                using var doc = System.Text.Json.JsonDocument.Parse(flows);
                workflows = HandoverWorkflow.FromOnboarding(doc.RootElement);
            }
            if (answers.ApprovalRules is { } approval)
            {
                using var doc = System.Text.Json.JsonDocument.Parse(approval);
                rules = HandoverApprovalRules.FromOnboarding(doc.RootElement);
            }
        }
        return HandoverSummary.From(run, agents, workflows, texts.StopRestart, texts.Contact, rules);
    }

    private sealed record Texts(string StopRestart, string Contact);

    private sealed record Answers(string? Workflows, string? ApprovalRules);
}
