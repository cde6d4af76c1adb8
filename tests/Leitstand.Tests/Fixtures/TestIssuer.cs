using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Leitstand.LocalHost.Stack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Leitstand.Tests.Fixtures;

/// <summary>
/// A stand-in for a Supabase project's Auth (Kestrel on a free 127.0.0.1 port): publishes a JWKS at
/// <c>/auth/v1/.well-known/jwks.json</c> (which keys, the test decides; every fetch is counted) and mints access
/// tokens shaped like Supabase's, signed with any key a test likes.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    private static readonly Lazy<Task<TestIssuer>> SharedIssuer = new(() => StartAsync());

    private readonly WebApplication _app;
    private volatile SigningKey[] _published;
    private int _jwksRequests;

    private TestIssuer(WebApplication app, SigningKey[] published)
    {
        _app = app;
        _published = published;
    }

    /// <summary>One issuer for the hosts of the whole test run (RunningHost points Auth__SupabaseUrl at it).</summary>
    public static Task<TestIssuer> Shared => SharedIssuer.Value;

    /// <summary>What Auth__SupabaseUrl is set to, e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string SupabaseUrl { get; private set; } = "";
    public string Issuer => SupabaseUrl + "/auth/v1";

    /// <summary>Published from the start.</summary>
    public SigningKey Es256 { get; private init; } = null!;
    public SigningKey Rs256 { get; private init; } = null!;

    public int JwksRequests => Volatile.Read(ref _jwksRequests);

    /// <summary>Replaces the published keys (a key rotation at Supabase).</summary>
    public void Publish(params SigningKey[] keys) => _published = keys;

    public static async Task<TestIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var es = SigningKey.NewEs256();
        var rs = SigningKey.NewRs256();
        var issuer = new TestIssuer(app, [es, rs]) { Es256 = es, Rs256 = rs };
        app.MapGet("/auth/v1/.well-known/jwks.json", () =>
        {
            Interlocked.Increment(ref issuer._jwksRequests);
            return Results.Text(JsonSerializer.Serialize(new { keys = issuer._published.Select(k => k.PublicJwk).ToArray() }), "application/json");
        });
        await app.StartAsync();
        issuer.SupabaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return issuer;
    }

    /// <summary>An access token as Supabase issues it for <paramref name="userId"/>; <paramref name="change"/> bends it for a test.</summary>
    public string Token(Guid userId, SigningKey? key = null, Action<SecurityTokenDescriptor>? change = null)
    {
        var descriptor = LocalSignIn.SupabaseAccessToken(Issuer, userId, $"user-{userId:N}@example.de", DateTime.UtcNow.AddHours(1),
            (key ?? Es256).Credentials);
        change?.Invoke(descriptor);
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>A token signed with HS256 and <paramref name="secret"/> (Supabase's legacy JWT secret).</summary>
    public string Hs256Token(Guid userId, string secret) => Token(userId, change: d =>
        d.SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A signing key with its public JWK as a JWKS lists it.</summary>
    public sealed record SigningKey(SigningCredentials Credentials, object PublicJwk)
    {
        public string KeyId => Credentials.Key.KeyId;

        public static SigningKey NewEs256()
        {
            var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var kid = "es-" + Guid.NewGuid().ToString("N")[..8];
            var p = ec.ExportParameters(false);
            return new(new SigningCredentials(new ECDsaSecurityKey(ec) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256),
                new { kty = "EC", crv = "P-256", x = Base64UrlEncoder.Encode(p.Q.X!), y = Base64UrlEncoder.Encode(p.Q.Y!), kid, alg = "ES256", use = "sig" });
        }

        public static SigningKey NewRs256()
        {
            var rsa = RSA.Create(2048);
            var kid = "rs-" + Guid.NewGuid().ToString("N")[..8];
            var p = rsa.ExportParameters(false);
            return new(new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256),
                new { kty = "RSA", n = Base64UrlEncoder.Encode(p.Modulus!), e = Base64UrlEncoder.Encode(p.Exponent!), kid, alg = "RS256", use = "sig" });
        }
    }
}
