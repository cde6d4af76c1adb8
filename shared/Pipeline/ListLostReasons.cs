using Leitstand.Auth;

namespace Leitstand.Pipeline;

/// <summary>
/// Why a lead is lost, as a fixed list (public.lost_reasons): the codes the LOST move takes and the KPI figures count
/// (never free text), with their German labels in order. The status center gets them with the stages
/// (<c>GET /api/stages</c>, <c>lost_reasons</c>).
/// </summary>
public sealed class ListLostReasons(TeamDatabase db)
{
    private const string Sql = "select code, label from public.lost_reasons where offered order by position, code";

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only).</summary>
    public Task<IReadOnlyList<LostReason>> ExecuteAsync(TeamUser user, CancellationToken ct) => db.QueryAsync<LostReason>(user, Sql, ct);
}

/// <summary>A lost reason: its code (stored in leads, the stage history and the KPI figures) and German label.</summary>
public sealed record LostReason(string Code, string Label);
