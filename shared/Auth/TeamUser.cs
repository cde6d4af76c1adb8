namespace Leitstand.Auth;

/// <summary>
/// A signed-in Supabase user whose access token was verified. <see cref="ClaimsJson"/> is the token's payload
/// as Supabase signed it: what PostgREST would put into <c>request.jwt.claims</c>, so auth.uid(), auth.jwt()
/// and public.is_team_member() see the same user as in the status center.
/// </summary>
public sealed record TeamUser(Guid Id, string? Email, string ClaimsJson)
{
    /// <summary>How the user appears in timelines and audit columns (requested_by, acknowledged_by).</summary>
    public string DisplayName => string.IsNullOrEmpty(Email) ? Id.ToString() : Email;
}
