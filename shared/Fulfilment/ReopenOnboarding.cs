using Dapper;
using Leitstand.Auth;

namespace Leitstand.Fulfilment;

/// <summary>
/// "Zur Bearbeitung öffnen" (POST /api/leads/{id}/onboarding/reopen): the submitted answers of the lead's newest
/// version become a draft again, so the customer can change them through a working link (compare-and-set
/// submitted → draft). Runs as the team member (RLS).
/// </summary>
public sealed class ReopenOnboarding(TeamDatabase db, TimeProvider clock)
{
    private const string Sql = """
        with newest as (
          select a.lead_id, a.template_version, a.state from public.onboarding_answers a
          where a.lead_id = @LeadId order by a.template_version desc limit 1
        ), reopened as (
          update public.onboarding_answers a
          set state = 'draft', submitted_at = null, reopened_at = @Now, reopened_by = @By, updated_at = @Now
          from newest n
          where a.lead_id = n.lead_id and a.template_version = n.template_version and a.state = 'submitted'
          returning a.template_version
        )
        select (select n.state from newest n) as state, (select r.template_version from reopened r) as reopenedversion
        """;

    public async Task<ReopenOnboardingResult> ExecuteAsync(TeamUser user, Guid leadId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var team = await db.BeginAsync(user, ct);
        var row = await team.Connection.QuerySingleAsync<Row>(new CommandDefinition(Sql, new { LeadId = leadId, Now = now, By = user.Id },
            team.Transaction, cancellationToken: ct));
        await team.CommitAsync(ct);
        return row switch
        {
            { ReopenedVersion: { } version } => new ReopenOnboardingResult.Reopened(version, now),
            { State: null } => new ReopenOnboardingResult.NoAnswers(),
            _ => new ReopenOnboardingResult.NotSubmitted(),
        };
    }

    private sealed record Row(string? State, int? ReopenedVersion);
}

public abstract record ReopenOnboardingResult
{
    private ReopenOnboardingResult() { }
    public sealed record Reopened(int TemplateVersion, DateTime ReopenedAt) : ReopenOnboardingResult;
    public sealed record NotSubmitted : ReopenOnboardingResult;
    public sealed record NoAnswers : ReopenOnboardingResult;
}
