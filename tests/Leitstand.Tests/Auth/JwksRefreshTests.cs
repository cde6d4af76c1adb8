using Leitstand.Auth;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;

namespace Leitstand.Tests.Auth;

/// <summary>The JWKS cache: an unknown kid fetches the keys again (rotation at Supabase), but at most every 30 s.</summary>
public sealed class JwksRefreshTests : IAsyncLifetime
{
    private TestIssuer _issuer = null!;
    private SupabaseTokenVerifier _verifier = null!;
    private readonly Guid _user = Guid.NewGuid();

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _verifier = new SupabaseTokenVerifier(new AuthSettings { SupabaseUrl = _issuer.SupabaseUrl }, NullLogger<SupabaseTokenVerifier>.Instance);
    }

    public async Task DisposeAsync() => await _issuer.DisposeAsync();

    private Task<TokenCheck> VerifyAsync(string token) => _verifier.VerifyAsync(token, CancellationToken.None);

    [Fact]
    public async Task Keys_are_fetched_once_and_then_served_from_the_cache()
    {
        for (var i = 0; i < 5; i++) Assert.IsType<TokenCheck.Valid>(await VerifyAsync(_issuer.Token(_user)));

        Assert.Equal(1, _issuer.JwksRequests);
        Assert.True(SupabaseTokenVerifier.JwksCacheDuration * 1.05 < TimeSpan.FromMinutes(10), "cached for at most 10 minutes, jitter included");
    }

    [Fact]
    public async Task Key_rotated_in_the_jwks_is_picked_up_by_refreshing_on_its_unknown_kid()
    {
        Assert.IsType<TokenCheck.Valid>(await VerifyAsync(_issuer.Token(_user)));
        var rotated = TestIssuer.SigningKey.NewEs256();
        _issuer.Publish(rotated, _issuer.Es256);

        var check = await VerifyAsync(_issuer.Token(_user, rotated));

        Assert.True(check is TokenCheck.Valid, $"{check} after {_issuer.JwksRequests} fetches");
        Assert.Equal(2, _issuer.JwksRequests);
    }

    [Fact]
    public async Task Unknown_kid_refreshes_the_keys_once_and_is_then_refused()
    {
        Assert.IsType<TokenCheck.Valid>(await VerifyAsync(_issuer.Token(_user)));

        var check = await VerifyAsync(_issuer.Token(_user, TestIssuer.SigningKey.NewEs256()));

        Assert.IsType<TokenCheck.Invalid>(check);
        Assert.Equal(2, _issuer.JwksRequests);
    }

    [Fact]
    public async Task Flood_of_unknown_kids_fetches_the_jwks_at_most_once_more()
    {
        Assert.IsType<TokenCheck.Valid>(await VerifyAsync(_issuer.Token(_user)));
        var strangers = Enumerable.Range(0, 50).Select(_ => _issuer.Token(_user, TestIssuer.SigningKey.NewEs256())).ToList();

        var checks = await Task.WhenAll(strangers.Select(VerifyAsync));

        Assert.All(checks, c => Assert.IsType<TokenCheck.Invalid>(c));
        Assert.InRange(_issuer.JwksRequests, 1, 2);
        // A key rotated right after the flood waits for the next allowed refresh (30 s) or the cache's expiry.
        var rotated = TestIssuer.SigningKey.NewEs256();
        _issuer.Publish(rotated, _issuer.Es256);
        Assert.IsType<TokenCheck.Invalid>(await VerifyAsync(_issuer.Token(_user, rotated)));
        Assert.InRange(_issuer.JwksRequests, 1, 2);
        Assert.IsType<TokenCheck.Valid>(await VerifyAsync(_issuer.Token(_user)));
    }
}
