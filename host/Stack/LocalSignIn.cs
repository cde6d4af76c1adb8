using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Leitstand.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Leitstand.LocalHost.Stack;

/// <summary>
/// LOCAL ONLY: the development sign-in of the local stack (--stack and the test fixtures). It plays Supabase
/// Auth for this machine: an ES256 signing key (kept in .local/auth/ so tokens survive a restart), its JWKS at
/// <c>/auth/v1/.well-known/jwks.json</c>, and <c>POST /admin/dev-sign-in</c> that creates the auth.users and
/// team_members rows of an e-mail address if missing and returns an access token shaped like Supabase's
/// (iss &lt;url&gt;/auth/v1, aud authenticated, role authenticated). The stack points Auth__SupabaseUrl here, so
/// the functions verify these tokens with the same code as in Azure. Only the local host's stack code
/// registers it; the functions app knows nothing of it, and no setting switches it on.
/// </summary>
public sealed class LocalSignIn
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    private readonly ECDsa _key;
    private readonly string _adminConnectionString;
    private readonly JsonWebTokenHandler _handler = new();

    /// <param name="supabaseUrl">The URL the local host listens on (what Auth__SupabaseUrl is set to).</param>
    /// <param name="adminConnectionString">The role postgres (not a superuser): auth.users is Supabase's, not the functions', and postgres holds all privileges on it as on Supabase (supabase/local/bootstrap.sql).</param>
    /// <param name="keyDirectory">Where the signing key is kept; null: a new key each start.</param>
    public LocalSignIn(string supabaseUrl, string adminConnectionString, string? keyDirectory = null)
    {
        SupabaseUrl = supabaseUrl.TrimEnd('/');
        _adminConnectionString = adminConnectionString;
        _key = LoadOrCreateKey(keyDirectory);
        KeyId = "local-" + Convert.ToHexStringLower(SHA256.HashData(_key.ExportSubjectPublicKeyInfo()))[..16];
    }

    public string SupabaseUrl { get; }
    public string Issuer => SupabaseUrl + "/auth/v1";
    public string KeyId { get; }

    /// <summary>The public key as a JWKS document, as Supabase publishes it.</summary>
    public object Jwks()
    {
        var p = _key.ExportParameters(includePrivateParameters: false);
        return new
        {
            keys = new[]
            {
                new { kty = "EC", crv = "P-256", x = Base64UrlEncoder.Encode(p.Q.X!), y = Base64UrlEncoder.Encode(p.Q.Y!), kid = KeyId, alg = "ES256", use = "sig", key_ops = new[] { "verify" } },
            },
        };
    }

    public sealed record SignInRequest(string? Email, string? DisplayName, bool? TeamMember);

    /// <summary>The user of <paramref name="email"/> (created if missing; a team member unless <paramref name="teamMember"/> is false) and an access token.</summary>
    public async Task<(Guid UserId, string Token, DateTimeOffset ExpiresAt)> SignInAsync(string email, string? displayName, bool teamMember, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var userId = await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "select id from auth.users where lower(email) = @email order by created_at limit 1", new { email }, tx, cancellationToken: ct))
            ?? await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
                "insert into auth.users (email) values (@email) returning id", new { email }, tx, cancellationToken: ct));
        if (teamMember)
            await connection.ExecuteAsync(new CommandDefinition("""
                insert into public.team_members (user_id, display_name) values (@userId, @name) on conflict (user_id) do nothing
                """, new { userId, name = displayName ?? email.Split('@')[0] }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        var expires = DateTimeOffset.UtcNow + TokenLifetime;
        return (userId, CreateToken(userId, email, expires), expires);
    }

    public string CreateToken(Guid userId, string email, DateTimeOffset expires) =>
        _handler.CreateToken(SupabaseAccessToken(Issuer, userId, email, expires.UtcDateTime,
            new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha256)));

    /// <summary>
    /// An access token shaped as Supabase Auth issues it after an e-mail sign-in (claims as in its JWT docs), for the
    /// local sign-in and the tests' issuers, so all of them stay one shape.
    /// </summary>
    public static SecurityTokenDescriptor SupabaseAccessToken(string issuer, Guid userId, string email, DateTime expiresUtc,
        SigningCredentials credentials)
    {
        var now = DateTime.UtcNow;
        return new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "authenticated",
            IssuedAt = now,
            NotBefore = now,
            Expires = expiresUtc,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = userId.ToString(),
                ["email"] = email,
                ["role"] = "authenticated",
                ["aal"] = "aal1",
                ["session_id"] = Guid.NewGuid().ToString(),
                ["is_anonymous"] = false,
                ["app_metadata"] = new Dictionary<string, object> { ["provider"] = "email", ["providers"] = new[] { "email" } },
                ["user_metadata"] = new Dictionary<string, object>(),
            },
            SigningCredentials = credentials,
        };
    }

    private static ECDsa LoadOrCreateKey(string? directory)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (directory is null) return key;
        var file = Path.Combine(directory, "dev-signing-key.pem");
        if (File.Exists(file))
        {
            key.ImportFromPem(File.ReadAllText(file));
            return key;
        }
        Directory.CreateDirectory(directory);
        File.WriteAllText(file, key.ExportECPrivateKeyPem());
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }
}

/// <summary>The endpoints of <see cref="LocalSignIn"/>; mapped by the local host only when the stack gives it one.</summary>
public static class LocalSignInEndpoints
{
    // The one convention: the JWKS (RFC 7517) and the answers are written with names that are snake_case
    // already (key_ops, access_token), so the protocol's field names come out as they are.
    private static readonly JsonSerializerOptions Json = JsonConvention.Default;

    public static void MapLocalSignIn(this WebApplication app, LocalSignIn signIn)
    {
        app.MapGet("/auth/v1/.well-known/jwks.json", () => Results.Json(signIn.Jwks(), Json));

        app.MapPost("/admin/dev-sign-in", async (HttpContext context) =>
        {
            LocalSignIn.SignInRequest? request;
            try { request = await context.Request.ReadFromJsonAsync<LocalSignIn.SignInRequest>(Json, context.RequestAborted); }
            catch (JsonException) { request = null; }
            var email = request?.Email?.Trim().ToLowerInvariant();
            if (email is null || email.Length > 254 || !System.Text.RegularExpressions.Regex.IsMatch(email, @"^[^@\s]+@[^@\s]+\.[^@\s]+$"))
                return Results.Json(new { title = "Bitte eine E-Mail-Adresse angeben: {\"email\": \"du@example.de\"}.", status = 400 }, Json, "application/problem+json", 400);
            var (userId, token, expires) = await signIn.SignInAsync(email, request!.DisplayName, request.TeamMember ?? true, context.RequestAborted);
            return Results.Json(new
            {
                access_token = token,
                token_type = "bearer",
                expires_in = (int)LocalSignIn.TokenLifetime.TotalSeconds,
                expires_at = expires.ToUnixTimeSeconds(),
                user = new { id = userId, email, team_member = request.TeamMember ?? true },
                note = "Nur lokal (scripts/start): signiert mit dem Entwicklungsschlüssel in .local/auth/.",
            }, Json);
        });
    }
}
