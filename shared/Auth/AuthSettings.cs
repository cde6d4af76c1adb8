namespace Leitstand.Auth;

/// <summary>
/// Team sign-in (section "Auth"): which Supabase project issues the access tokens the team endpoints accept.
/// Validated at start (<see cref="Validate"/>), one message per bad value.
/// </summary>
public sealed class AuthSettings
{
    /// <summary>
    /// The project's URL, e.g. <c>https://abcd.supabase.co</c>. Tokens must come from <c>&lt;url&gt;/auth/v1</c>;
    /// its keys are read from <c>&lt;url&gt;/auth/v1/.well-known/jwks.json</c>. Locally the stack points it at the local host.
    /// </summary>
    public string SupabaseUrl { get; set; } = "";

    /// <summary>The project's legacy HS256 JWT secret (Key Vault). Empty: HS256 tokens are refused.</summary>
    public string LegacyJwtSecret { get; set; } = "";

    /// <summary>Tolerance for exp and nbf between Supabase's clock and ours.</summary>
    public int ClockSkewSeconds { get; set; } = 30;

    public const string Audience = "authenticated";

    /// <summary>The issuer Supabase Auth writes into its tokens.</summary>
    public string Issuer => SupabaseUrl.TrimEnd('/') + "/auth/v1";

    public string JwksUrl => Issuer + "/.well-known/jwks.json";

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (SupabaseUrl.Length == 0)
            errors.Add("Auth__SupabaseUrl is required (the Supabase project URL, e.g. https://<ref>.supabase.co).");
        else if (!Uri.TryCreate(SupabaseUrl, UriKind.Absolute, out var uri)
                 || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
                 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            errors.Add($"Auth__SupabaseUrl must be an absolute https URL without query (http only for localhost), got '{SupabaseUrl}'.");
        // An unresolved Key Vault reference is reported for every setting alike (functions/AppSettings.cs).
        if (LegacyJwtSecret.Length is > 0 and < 32)
            errors.Add("Auth__LegacyJwtSecret must be empty (HS256 off) or the project's JWT secret (at least 32 characters, from Key Vault).");
        if (ClockSkewSeconds is < 0 or > 300)
            errors.Add($"Auth__ClockSkewSeconds must be between 0 and 300, got {ClockSkewSeconds}.");
        return errors;
    }
}
