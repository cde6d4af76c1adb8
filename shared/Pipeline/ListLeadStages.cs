using Leitstand.Auth;

namespace Leitstand.Pipeline;

/// <summary>
/// The stage catalogue (public.lead_stages): every stage code in pipeline order with its German label and whether
/// a lead's way ends there. The one home of the labels: SQL reads it through public.lead_stage_label, the move's
/// checks and messages read it here, and the status center gets it from <c>GET /api/stages</c>.
/// </summary>
public sealed class ListLeadStages(TeamDatabase db)
{
    private const string Sql = "select code::text as code, label, position, closed from public.lead_stages order by position";

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only).</summary>
    public Task<IReadOnlyList<LeadStage>> ExecuteAsync(TeamUser user, CancellationToken ct) => db.QueryAsync<LeadStage>(user, Sql, ct);
}

/// <summary>A stage: its code (the value of public.lead_stage), German label, place in the pipeline, and closed (WON, LOST).</summary>
public sealed record LeadStage(string Code, string Label, short Position, bool Closed);
