using System.Globalization;
using Dapper;
using Leitstand.Auth;
using Leitstand.Platform;
using Npgsql;

namespace Leitstand.Fulfilment;

/// <summary>
/// One install run with its checklist as the run copied it: the items in their order with block, time box, state,
/// who and when, and the reason of a skipped or not applicable item; the blocks with their time boxes. Workflow
/// items are named from the onboarding (public.install_workflow_names; without names "Kern-Workflow 1/2/3"). Times
/// in UTC and, for display, in Berlin time. Runs under the member's claims (RLS).
/// </summary>
public sealed class GetInstall(TeamDatabase db, TimeProvider clock)
{
    private const string Sql = """
        select r.id, r.lead_id as leadid, l.name as leadname, l.company, r.installer, tm.display_name as installername,
               r.checklist_version as checklistversion, r.state, r.starts_at as startsat, r.ends_at as endsat, r.finished_at as finishedat
        from public.install_runs r
        join public.leads l on l.id = r.lead_id
        left join public.team_members tm on tm.user_id = r.installer
        where r.id = @RunId;

        select i.id, i.block, i.block_title as blocktitle, i.block_outcome as blockoutcome, i.position,
               case when i.kind = 'workflow'
                    then coalesce(nullif(btrim(w.names[i.workflow_no]), ''), 'Kern-Workflow ' || i.workflow_no)
                    else i.title end as title,
               i.details, i.kind, i.workflow_no as workflowno, i.safety_baseline as safetybaseline,
               i.box_starts_at as boxstartsat, i.box_ends_at as boxendsat, i.state, i.marked_at as markedat, i.marked_by as markedby,
               case when i.marked_by = 'heartbeat' then 'Monitoring (erster Heartbeat)' else tm.display_name end as markedbyname, i.reason
        from public.install_run_items i
        join public.install_runs r on r.id = i.run_id
        cross join lateral (select public.install_workflow_names(r.lead_id) as names) w
        left join public.team_members tm on tm.user_id::text = i.marked_by
        where i.run_id = @RunId
        order by i.position;
        """;

    /// <summary>The run, or null when there is none with this id. Runs as <paramref name="user"/>.</summary>
    public async Task<InstallRun?> ExecuteAsync(TeamUser user, Guid runId, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var run = await LoadAsync(team.Connection, team.Transaction, runId, clock.GetUtcNow().UtcDateTime, ct);
        await team.CommitAsync(ct);
        return run;
    }

    /// <summary>The run on a connection of the caller's (the team's, or the functions' role for the customer's page).</summary>
    public static async Task<InstallRun?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid runId, DateTime nowUtc, CancellationToken ct)
    {
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(Sql, new { RunId = runId }, transaction, cancellationToken: ct));
        var run = await grid.ReadSingleOrDefaultAsync<RunRow>();
        var rows = (await grid.ReadAsync<ItemRow>()).AsList();
        if (run is null) return null;
        var items = rows.Select(i => new InstallItem(i.Id, i.Block, i.BlockTitle, i.Position, i.Title, i.Details, i.Kind, i.WorkflowNo, i.SafetyBaseline,
            i.BoxStartsAt, i.BoxEndsAt, InstallTimes.Span(i.BoxStartsAt, i.BoxEndsAt), i.State,
            i.State == "open" && run.State == "booked" && nowUtc > i.BoxEndsAt,
            i.MarkedAt, i.MarkedAt is { } at ? InstallTimes.Berlin(at) : null, i.MarkedBy, i.MarkedByName, i.Reason)).ToList();
        var blocks = items.GroupBy(i => i.Block).Select(g =>
        {
            var first = rows.First(r => r.Block == g.Key);
            var open = g.Count(i => i.State == "open");
            return new InstallBlock(g.Key, first.BlockTitle, first.BlockOutcome, first.BoxStartsAt, first.BoxEndsAt,
                InstallTimes.Span(first.BoxStartsAt, first.BoxEndsAt), g.Count(), open,
                run.State == "booked" && nowUtc >= first.BoxStartsAt && nowUtc < first.BoxEndsAt,
                open > 0 && run.State == "booked" && nowUtc >= first.BoxEndsAt);
        }).ToList();
        return new InstallRun(run.Id, run.LeadId, run.LeadName, run.Company, run.Installer, run.InstallerName, run.ChecklistVersion, run.State,
            run.StartsAt, run.EndsAt, InstallTimes.Berlin(run.StartsAt), InstallTimes.Berlin(run.EndsAt), InstallTimes.Appointment(run.StartsAt, run.EndsAt),
            run.FinishedAt, blocks, items);
    }

    private sealed record RunRow(Guid Id, Guid LeadId, string LeadName, string? Company, Guid Installer, string? InstallerName, int ChecklistVersion,
        string State, DateTime StartsAt, DateTime EndsAt, DateTime? FinishedAt);

    private sealed record ItemRow(Guid Id, short Block, string BlockTitle, string BlockOutcome, short Position, string Title, string? Details, string Kind,
        short? WorkflowNo, bool SafetyBaseline, DateTime BoxStartsAt, DateTime BoxEndsAt, string State, DateTime? MarkedAt, string? MarkedBy,
        string? MarkedByName, string? Reason);
}

/// <summary>Times of an install as a person in Germany reads them.</summary>
public static class InstallTimes
{
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    /// <summary>ISO 8601 with the Berlin offset, e.g. 2026-12-08T10:00:00+01:00.</summary>
    public static string Berlin(DateTime utc)
    {
        utc = DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        return new DateTimeOffset(BerlinTime.FromUtc(utc), BerlinTime.Zone.GetUtcOffset(utc)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    /// <summary>"10:00–11:00" in Berlin time.</summary>
    public static string Span(DateTime startsUtc, DateTime endsUtc) =>
        $"{BerlinTime.FromUtc(startsUtc):HH\\:mm}–{BerlinTime.FromUtc(endsUtc):HH\\:mm}";

    /// <summary>"Dienstag, 8. Dezember 2026, 10:00–15:00 Uhr".</summary>
    public static string Appointment(DateTime startsUtc, DateTime endsUtc) =>
        BerlinTime.FromUtc(startsUtc).ToString("dddd, d. MMMM yyyy", German) + ", " + Span(startsUtc, endsUtc) + " Uhr";
}

/// <summary>
/// A booked install. <see cref="State"/>: booked or finished. <see cref="Items"/> in checklist order, each with its
/// block and time box; <see cref="Blocks"/> the hour blocks with their counts, <c>current</c> (the clock is in it) and
/// <c>late</c> (its time box is over with items open).
/// </summary>
public sealed record InstallRun(Guid Id, Guid LeadId, string LeadName, string? Company, Guid Installer, string? InstallerName, int ChecklistVersion,
    string State, DateTime StartsAt, DateTime EndsAt, string StartsAtBerlin, string EndsAtBerlin, string Appointment, DateTime? FinishedAt,
    IReadOnlyList<InstallBlock> Blocks, IReadOnlyList<InstallItem> Items);

public sealed record InstallBlock(int Block, string Title, string Outcome, DateTime StartsAt, DateTime EndsAt, string TimeBox, int Items, int Open,
    bool Current, bool Late);

/// <summary>
/// An item: <see cref="State"/> open, done, skipped or not_applicable; <see cref="MarkedBy"/> the member's user id or
/// "heartbeat"; <see cref="Reason"/> why skipped or not applicable; <see cref="Late"/> open after its time box.
/// </summary>
public sealed record InstallItem(Guid Id, int Block, string BlockTitle, int Position, string Title, string? Details, string Kind, int? WorkflowNo,
    bool SafetyBaseline, DateTime BoxStartsAt, DateTime BoxEndsAt, string TimeBox, string State, bool Late, DateTime? MarkedAt, string? MarkedAtBerlin,
    string? MarkedBy, string? MarkedByName, string? Reason);
