using Dapper;
using Leitstand.Auth;

namespace Leitstand.Pipeline;

/// <summary>
/// The pipeline as columns, one per stage of the catalogue (public.lead_stages) in its order: the open stages with
/// all their leads, the closed ones (WON, LOST) with the leads that got there in the last <see cref="ClosedWithinDays"/> days; each column
/// at most <see cref="LimitPerStage"/> leads, the most recently moved first, with its total. Per column the moves
/// public.lead_stage_transitions allows from it (the same for every lead in it), each with its German label,
/// meaning and what the stage rule asks for. Only what the board shows of a lead: no e-mail, phone or handle.
/// Runs under the member's claims (RLS), one statement.
/// </summary>
public sealed class ListPipeline(TeamDatabase db, TimeProvider clock)
{
    public const int LimitPerStage = 50;
    public const int ClosedWithinDays = 30;

    // One row per lead and one for a column without leads (lead columns null). The count and the page of leads
    // of a stage are ranges of leads_stage_idx (stage, stage_changed_at); the requirements are the stage rules of
    // public.enforce_lead_stage_rules (LOST: lost_reason, CALL_BOOKED: call_at, WON: a deal).
    private const string Sql = """
        select st.code::text as stage, st.label as stagelabel, c.total,
               m.tostages, m.tolabels, m.meanings, m.requires,
               l.id, l.name, l.company, l.source, l.handlechannel, l.contactbasis, l.stagechangedat, l.callat, l.opentasks, l.hasdeal
        from public.lead_stages st
        cross join lateral (
          select count(*)::int as total from public.leads x
          where x.stage = st.code and (not st.closed or x.stage_changed_at >= @Since)
        ) c
        cross join lateral (
          select array_agg(t.to_stage::text order by t.to_stage) as tostages,
                 array_agg(public.lead_stage_label(t.to_stage) order by t.to_stage) as tolabels,
                 array_agg(t.meaning order by t.to_stage) as meanings,
                 array_agg(case t.to_stage when 'LOST' then 'lost_reason' when 'CALL_BOOKED' then 'call_at' when 'WON' then 'deal' else '' end
                           order by t.to_stage) as requires
          from public.lead_stage_transitions t where t.from_stage = st.code
        ) m
        left join lateral (
          select l.id, l.name, l.company, l.source, l.handle_channel as handlechannel, l.contact_basis::text as contactbasis,
                 l.stage_changed_at as stagechangedat, l.call_at as callat,
                 (select count(*)::int from public.tasks t where t.lead_id = l.id and t.status = 'OPEN') as opentasks,
                 exists (select 1 from public.deals d where d.lead_id = l.id and d.status in ('OPEN', 'WON')) as hasdeal
          from public.leads l
          where l.stage = st.code and (not st.closed or l.stage_changed_at >= @Since)
          order by l.stage_changed_at desc, l.id
          limit @Limit
        ) l on true
        order by st.position, l.stagechangedat desc, l.id
        """;

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only).</summary>
    public async Task<PipelineBoard> ExecuteAsync(TeamUser user, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var team = await db.BeginAsync(user, ct);
        var rows = (await team.Connection.QueryAsync<Row>(new CommandDefinition(Sql,
            new { Since = now.AddDays(-ClosedWithinDays), Limit = LimitPerStage }, team.Transaction, cancellationToken: ct))).AsList();
        await team.CommitAsync(ct);

        var columns = rows.GroupBy(r => r.Stage).Select(g =>
        {
            var first = g.First();
            var moves = (first.ToStages ?? []).Select((to, i) =>
                new StageMove(to, first.ToLabels![i], first.Meanings![i], first.Requires![i] is { Length: > 0 } r ? r : null)).ToList();
            var leads = g.Where(r => r.Id is not null).Select(r => new PipelineLead(r.Id!.Value, r.Name!, r.Company, r.Source, r.HandleChannel,
                r.ContactBasis!, r.Stage, r.StageChangedAt!.Value, HoursSince(r.StageChangedAt.Value, now), r.CallAt, r.OpenTasks ?? 0, r.HasDeal ?? false)).ToList();
            return new PipelineColumn(first.Stage, first.StageLabel, first.Total, first.Total > leads.Count, moves, leads);
        }).ToList();
        return new PipelineBoard(now, LimitPerStage, ClosedWithinDays, columns);
    }

    private static int HoursSince(DateTime at, DateTime now) => Math.Max(0, (int)Math.Floor((now - at).TotalHours));

    // A class, not a positional record: Dapper maps text[] columns to properties only.
    internal sealed class Row
    {
        public string Stage { get; set; } = "";
        public string StageLabel { get; set; } = "";
        public int Total { get; set; }
        public string[]? ToStages { get; set; }
        public string[]? ToLabels { get; set; }
        public string[]? Meanings { get; set; }
        public string[]? Requires { get; set; }
        public Guid? Id { get; set; }
        public string? Name { get; set; }
        public string? Company { get; set; }
        public string? Source { get; set; }
        public string? HandleChannel { get; set; }
        public string? ContactBasis { get; set; }
        public DateTime? StageChangedAt { get; set; }
        public DateTime? CallAt { get; set; }
        public int? OpenTasks { get; set; }
        public bool? HasDeal { get; set; }
    }
}

/// <summary>
/// The board: <see cref="LimitPerStage"/> leads per column at most (<see cref="PipelineColumn.Truncated"/> when a
/// column has more), WON and LOST only of the last <see cref="ClosedWithinDays"/> days.
/// </summary>
public sealed record PipelineBoard(DateTime GeneratedAt, int LimitPerStage, int ClosedWithinDays, IReadOnlyList<PipelineColumn> Stages);

/// <summary>A stage: its German label, how many leads it holds (<see cref="Total"/>), the moves out of it and the leads shown.</summary>
public sealed record PipelineColumn(string Stage, string Label, int Total, bool Truncated, IReadOnlyList<StageMove> Moves, IReadOnlyList<PipelineLead> Leads);

/// <summary>An allowed move (public.lead_stage_transitions); <see cref="Requires"/>: lost_reason, call_at, deal or null.</summary>
public sealed record StageMove(string ToStage, string Label, string Meaning, string? Requires);

/// <summary>A lead as the board shows it; <see cref="HoursInStage"/> full hours since <see cref="StageChangedAt"/>.</summary>
public sealed record PipelineLead(Guid Id, string Name, string? Company, string? Source, string? HandleChannel, string ContactBasis,
    string Stage, DateTime StageChangedAt, int HoursInStage, DateTime? CallAt, int OpenTasks, bool HasDeal);
