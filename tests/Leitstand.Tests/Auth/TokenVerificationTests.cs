using System.Text;
using Leitstand.Auth;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;

namespace Leitstand.Tests.Auth;

/// <summary>The token table: which Supabase access tokens the team endpoints accept (SupabaseTokenVerifier against a real JWKS peer).</summary>
public sealed class TokenVerificationTests : IAsyncLifetime
{
    private const string LegacySecret = "super-secret-jwt-token-with-at-least-32-characters-long";
    private TestIssuer _issuer = null!;
    private readonly Guid _user = Guid.NewGuid();

    public async Task InitializeAsync() => _issuer = await TestIssuer.StartAsync();

    public async Task DisposeAsync() => await _issuer.DisposeAsync();

    private SupabaseTokenVerifier Verifier(string legacySecret = "") =>
        new(new AuthSettings { SupabaseUrl = _issuer.SupabaseUrl, LegacyJwtSecret = legacySecret }, NullLogger<SupabaseTokenVerifier>.Instance);

    private Task<TokenCheck> VerifyAsync(string token, string legacySecret = "") => Verifier(legacySecret).VerifyAsync(token, CancellationToken.None);

    [Fact]
    public async Task Es256_token_of_the_project_is_accepted_with_its_user_and_claims()
    {
        var check = await VerifyAsync(_issuer.Token(_user, _issuer.Es256));

        var user = Assert.IsType<TokenCheck.Valid>(check).User;
        Assert.Equal(_user, user.Id);
        Assert.Equal($"user-{_user:N}@example.de", user.Email);
        Assert.Contains("\"role\":\"authenticated\"", user.ClaimsJson);
    }

    [Fact]
    public async Task Rs256_token_of_the_project_is_accepted()
    {
        Assert.IsType<TokenCheck.Valid>(await VerifyAsync(_issuer.Token(_user, _issuer.Rs256)));
    }

    [Fact]
    public async Task Expired_token_is_refused()
    {
        var token = _issuer.Token(_user, change: d => (d.IssuedAt, d.NotBefore, d.Expires) = (DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddMinutes(-5)));

        Assert.IsType<TokenCheck.Invalid>(await VerifyAsync(token));
    }

    [Fact]
    public async Task Token_expired_within_the_clock_skew_is_still_accepted()
    {
        var token = _issuer.Token(_user, change: d => (d.IssuedAt, d.NotBefore, d.Expires) = (DateTime.UtcNow.AddHours(-1), DateTime.UtcNow.AddHours(-1), DateTime.UtcNow.AddSeconds(-10)));

        Assert.IsType<TokenCheck.Valid>(await VerifyAsync(token));
    }

    [Fact]
    public async Task Token_not_yet_valid_is_refused()
    {
        var token = _issuer.Token(_user, change: d => (d.IssuedAt, d.NotBefore, d.Expires) = (DateTime.UtcNow, DateTime.UtcNow.AddMinutes(10), DateTime.UtcNow.AddHours(1)));

        Assert.IsType<TokenCheck.Invalid>(await VerifyAsync(token));
    }

    [Fact]
    public async Task Wrong_audience_is_refused()
    {
        Assert.IsType<TokenCheck.Invalid>(await VerifyAsync(_issuer.Token(_user, change: d => d.Audience = "anon")));
    }

    [Fact]
    public async Task Wrong_issuer_is_refused()
    {
        Assert.IsType<TokenCheck.Invalid>(await VerifyAsync(_issuer.Token(_user, change: d => d.Issuer = "https://other-project.supabase.co/auth/v1")));
    }

    [Fact]
    public async Task Token_of_a_key_the_project_does_not_publish_is_refused()
    {
        Assert.IsType<TokenCheck.Invalid>(await VerifyAsync(_issuer.Token(_user, TestIssuer.SigningKey.NewEs256())));
    }

    [Fact]
    public async Task Tampered_payload_is_refused()
    {
        var parts = _issuer.Token(_user).Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace(_user.ToString(), Guid.NewGuid().ToString());
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";

        Assert.IsType<TokenCheck.Invalid>(await VerifyAsync(tampered));
    }

    [Fact]
    public async Task Unsigned_token_with_alg_none_is_refused()
    {
        var payload = Base64UrlEncoder.Decode(_issuer.Token(_user).Split('.')[1]);
        var unsigned = $"{Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{Base64UrlEncoder.Encode(payload)}.";

        Assert.IsType<TokenCheck.Invalid>(await VerifyAsync(unsigned));
    }

    [Fact]
    public async Task Hs256_token_is_refused_when_no_legacy_secret_is_configured()
    {
        Assert.IsType<TokenCheck.Invalid>(await VerifyAsync(_issuer.Hs256Token(_user, LegacySecret)));
    }

    [Fact]
    public async Task Hs256_token_is_accepted_with_the_configured_legacy_secret_only()
    {
        Assert.IsType<TokenCheck.Valid>(await VerifyAsync(_issuer.Hs256Token(_user, LegacySecret), LegacySecret));
        Assert.IsType<TokenCheck.Invalid>(await VerifyAsync(_issuer.Hs256Token(_user, LegacySecret + "-other"), LegacySecret));
    }

    [Fact]
    public async Task Token_for_another_role_or_without_a_user_id_is_refused()
    {
        Assert.IsType<TokenCheck.Invalid>(await VerifyAsync(_issuer.Token(_user, change: d => d.Claims["role"] = "anon")));
        Assert.IsType<TokenCheck.Invalid>(await VerifyAsync(_issuer.Token(_user, change: d => d.Claims["sub"] = "service")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("kein-token")]
    [InlineData("a.b.c")]
    public async Task Missing_or_malformed_token_is_refused(string token)
    {
        Assert.IsType<TokenCheck.Invalid>(await VerifyAsync(token));
    }

    [Fact]
    public async Task Unreachable_jwks_means_nobody_can_be_verified_right_now()
    {
        var url = _issuer.SupabaseUrl;
        var token = _issuer.Token(_user);
        await _issuer.DisposeAsync();
        _issuer = await TestIssuer.StartAsync();

        var check = await new SupabaseTokenVerifier(new AuthSettings { SupabaseUrl = url }, NullLogger<SupabaseTokenVerifier>.Instance)
            .VerifyAsync(token, CancellationToken.None);

        Assert.IsType<TokenCheck.Unavailable>(check);
    }

    [Fact]
    public void Settings_name_each_bad_value()
    {
        var errors = new AuthSettings { SupabaseUrl = "http://abcd.supabase.co", LegacyJwtSecret = "short", ClockSkewSeconds = 900 }.Validate();

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Auth__SupabaseUrl", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Auth__LegacyJwtSecret", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Auth__ClockSkewSeconds", StringComparison.Ordinal));
        Assert.Contains("Auth__SupabaseUrl is required", Assert.Single(new AuthSettings().Validate()));
        Assert.Empty(new AuthSettings { SupabaseUrl = "https://abcd.supabase.co", LegacyJwtSecret = Encoding.UTF8.GetString(new byte[40].Select(_ => (byte)'k').ToArray()) }.Validate());
    }
}
