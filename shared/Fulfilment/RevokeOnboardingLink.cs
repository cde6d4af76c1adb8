using Dapper;
using Leitstand.Auth;

namespace Leitstand.Fulfilment;

/// <summary>
/// Revokes the lead's onboarding link (POST /api/leads/{id}/onboarding-link/revoke): the customer's page then says
/// the link does not work. The saved answers stay. Runs as the team member (RLS).
/// </summary>
public sealed class RevokeOnboardingLink(TeamDatabase db, TimeProvider clock)
{
    private const string Sql = """
        update public.onboarding_links set revoked_at = @Now
        where lead_id = @LeadId and revoked_at is null and expires_at > @Now
        """;

    /// <summary>False when the lead has no link that still works.</summary>
    public async Task<bool> ExecuteAsync(TeamUser user, Guid leadId, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var rows = await team.Connection.ExecuteAsync(new CommandDefinition(Sql, new { LeadId = leadId, Now = clock.GetUtcNow().UtcDateTime },
            team.Transaction, cancellationToken: ct));
        await team.CommitAsync(ct);
        return rows == 1;
    }
}
