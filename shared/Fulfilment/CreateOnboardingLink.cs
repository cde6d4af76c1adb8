using Dapper;
using Leitstand.Auth;

namespace Leitstand.Fulfilment;

/// <summary>
/// "Link erstellen" (POST /api/leads/{id}/onboarding-link): a signed, expiring link for this lead's customer.
/// public.issue_onboarding_link decides (a WON lead only; the new version revokes the old link; the answers start
/// on the newest template). Runs as the team member (RLS).
/// </summary>
public sealed class CreateOnboardingLink(TeamDatabase db, OnboardingLink links, TimeProvider clock)
{
    private const string Sql = "select stage, link_version as linkversion from public.issue_onboarding_link(@LeadId, @ExpiresAt, @Now, @By)";

    public async Task<CreateOnboardingLinkResult> ExecuteAsync(TeamUser user, Guid leadId, CancellationToken ct)
    {
        var expires = links.NewExpiry();
        await using var team = await db.BeginAsync(user, ct);
        var row = await team.Connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Sql,
            new { LeadId = leadId, ExpiresAt = expires.UtcDateTime, Now = clock.GetUtcNow().UtcDateTime, By = user.Id }, team.Transaction, cancellationToken: ct));
        if (row is null) return new CreateOnboardingLinkResult.NoLead();
        if (row.LinkVersion is not { } version) return new CreateOnboardingLinkResult.NotWon(row.Stage);
        await team.CommitAsync(ct);
        return new CreateOnboardingLinkResult.Created(links.For(leadId, version, expires).ToString(), expires.UtcDateTime);
    }

    private sealed record Row(string Stage, int? LinkVersion);
}

public abstract record CreateOnboardingLinkResult
{
    private CreateOnboardingLinkResult() { }
    /// <summary>The link (shown once; only its version is stored) and when it expires.</summary>
    public sealed record Created(string Url, DateTime ExpiresAt) : CreateOnboardingLinkResult;
    public sealed record NotWon(string Stage) : CreateOnboardingLinkResult;
    public sealed record NoLead : CreateOnboardingLinkResult;
}
