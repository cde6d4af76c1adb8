using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Tokens;

namespace Leitstand.Auth;

/// <summary>
/// Verifies a Supabase access token as Supabase recommends for asymmetric signing keys: the project's JWKS
/// (cached for at most 10 minutes, fetched again for an unknown kid, at most once per 30 s), ES256 or RS256
/// only, signature, exp/nbf with a small clock skew, iss = &lt;SupabaseUrl&gt;/auth/v1, aud = authenticated.
/// The legacy HS256 project secret counts only where it is configured. No crypto of our own: the
/// JsonWebTokenHandler checks, the ConfigurationManager caches and refreshes.
/// </summary>
public sealed class SupabaseTokenVerifier
{
    /// <summary>The JWKS is fetched again after this (the library adds at most 5 % jitter: below 10 minutes).</summary>
    public static readonly TimeSpan JwksCacheDuration = TimeSpan.FromMinutes(9);
    /// <summary>A token with an unknown kid fetches the JWKS again at most this often (a flood of bad tokens cannot hammer it).</summary>
    public static readonly TimeSpan UnknownKidRefreshInterval = TimeSpan.FromSeconds(30);

    private static readonly string[] AsymmetricAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256];

    private readonly AuthSettings _settings;
    private readonly ILogger<SupabaseTokenVerifier> _log;
    private readonly JwksRetriever _retriever = new();
    private readonly ConfigurationManager<JsonWebKeySet> _jwks;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SecurityKey? _legacyKey;
    private long _lastUnknownKidRefreshTicks = long.MinValue;

    public SupabaseTokenVerifier(AuthSettings settings, ILogger<SupabaseTokenVerifier> log, HttpClient? http = null)
    {
        _settings = settings;
        _log = log;
        var documents = new HttpDocumentRetriever(http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
        {
            RequireHttps = new Uri(settings.JwksUrl).Scheme == Uri.UriSchemeHttps,
        };
        _jwks = new ConfigurationManager<JsonWebKeySet>(settings.JwksUrl, _retriever, documents)
        {
            AutomaticRefreshInterval = JwksCacheDuration,
            RefreshInterval = UnknownKidRefreshInterval,
        };
        if (settings.LegacyJwtSecret.Length > 0)
            _legacyKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.LegacyJwtSecret)) { KeyId = "legacy-hs256" };
    }

    /// <summary>How often the JWKS was fetched (the tests count it).</summary>
    public int JwksFetches => _retriever.Fetches;

    public async Task<TokenCheck> VerifyAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token)) return new TokenCheck.Invalid("no token");
        JsonWebToken unverified;
        try { unverified = _handler.ReadJsonWebToken(token); }
        catch (ArgumentException) { return new TokenCheck.Invalid("malformed token"); } // SecurityTokenMalformedException too

        var asymmetric = AsymmetricAlgorithms.Contains(unverified.Alg, StringComparer.Ordinal);
        if (!asymmetric && !(_legacyKey is not null && unverified.Alg == SecurityAlgorithms.HmacSha256))
            return new TokenCheck.Invalid($"algorithm '{unverified.Alg}' not accepted");

        IList<SecurityKey> keys;
        try
        {
            var set = await _jwks.GetConfigurationAsync(ct);
            if (asymmetric && !HasKey(set, unverified.Kid)) set = await RefreshForUnknownKidAsync(set, ct);
            keys = set.GetSigningKeys();
        }
        catch (InvalidOperationException ex)
        {
            _log.LogWarning(ex, "JWKS {Url} could not be fetched", _settings.JwksUrl);
            return new TokenCheck.Unavailable();
        }
        if (asymmetric && !keys.Any(k => k.KeyId == unverified.Kid)) return new TokenCheck.Invalid($"unknown kid '{unverified.Kid}'");

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = _settings.Issuer,
            ValidAudience = AuthSettings.Audience,
            IssuerSigningKeys = _legacyKey is null ? keys : [.. keys, _legacyKey],
            ValidAlgorithms = _legacyKey is null ? AsymmetricAlgorithms : [.. AsymmetricAlgorithms, SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(_settings.ClockSkewSeconds),
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,
            ValidateIssuer = true,
            ValidateAudience = true,
        };
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
            return new TokenCheck.Invalid(result.Exception?.GetType().Name ?? "invalid token");

        var jwt = (JsonWebToken)result.SecurityToken;
        if (!jwt.TryGetPayloadValue<string>("sub", out var sub) || !Guid.TryParse(sub, out var userId))
            return new TokenCheck.Invalid("sub is not a user id");
        if (!jwt.TryGetPayloadValue<string>("role", out var role) || role != "authenticated")
            return new TokenCheck.Invalid("role is not authenticated");
        jwt.TryGetPayloadValue<string>("email", out var email);
        return new TokenCheck.Valid(new TeamUser(userId, string.IsNullOrEmpty(email) ? null : email, Base64UrlEncoder.Decode(jwt.EncodedPayload)));
    }

    private static bool HasKey(JsonWebKeySet set, string? kid) => kid is not null && set.Keys.Any(k => k.Kid == kid);

    /// <summary>
    /// Asks the configuration manager for a fresh JWKS (keys rotated at Supabase) and waits for it briefly.
    /// At most once per <see cref="UnknownKidRefreshInterval"/>; otherwise the cached keys decide.
    /// </summary>
    private async Task<JsonWebKeySet> RefreshForUnknownKidAsync(JsonWebKeySet current, CancellationToken ct)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastUnknownKidRefreshTicks);
        if (last != long.MinValue && now - last < (long)UnknownKidRefreshInterval.TotalMilliseconds) return current;
        if (Interlocked.CompareExchange(ref _lastUnknownKidRefreshTicks, now, last) != last) return current;

        var fetchesBefore = _retriever.Fetches;
        _jwks.RequestRefresh();
        // Depending on the library version the refresh runs on the next call or in the background (a thread-pool
        // task that may take a moment to start): wait until the new set is there, the fetch failed, or 5 s passed.
        var deadline = now + 5_000;
        while (true)
        {
            var set = await _jwks.GetConfigurationAsync(ct);
            if (!ReferenceEquals(set, current)) return set;
            var started = _retriever.Fetches > fetchesBefore;
            if (started && !_retriever.Running && _retriever.LastFailed) return set;
            if (Environment.TickCount64 > deadline) return set;
            await Task.Delay(10, ct);
        }
    }

    /// <summary>Reads a JWKS document (the library has retrievers for OpenID and WS-Federation metadata only).</summary>
    private sealed class JwksRetriever : IConfigurationRetriever<JsonWebKeySet>
    {
        private int _fetches;
        private int _running;
        public int Fetches => Volatile.Read(ref _fetches);
        public bool Running => Volatile.Read(ref _running) > 0;
        public bool LastFailed { get; private set; }

        public async Task<JsonWebKeySet> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
        {
            Interlocked.Increment(ref _running);
            try
            {
                Interlocked.Increment(ref _fetches);
                var set = new JsonWebKeySet(await retriever.GetDocumentAsync(address, cancel));
                LastFailed = false;
                return set;
            }
            catch
            {
                LastFailed = true;
                throw;
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }
}

/// <summary>What the verifier found; <see cref="Invalid.Reason"/> is for the log, never shown to the caller.</summary>
public abstract record TokenCheck
{
    public sealed record Valid(TeamUser User) : TokenCheck;
    public sealed record Invalid(string Reason) : TokenCheck;
    /// <summary>The JWKS could not be fetched and none is cached: nobody can be verified right now.</summary>
    public sealed record Unavailable : TokenCheck;
}
