using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
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
/// A stand-in for a Supabase project's Auth server (GoTrue) for the status center's production build: the
/// endpoints supabase-js calls (<c>POST /auth/v1/token?grant_type=password|refresh_token</c>, <c>POST /auth/v1/otp</c>,
/// <c>GET /auth/v1/verify</c> behind the magic link, <c>GET /auth/v1/user</c>, <c>POST /auth/v1/logout</c>), CORS for
/// the page's origin as Supabase answers it, and the JWKS, so the functions verify its ES256 tokens as Supabase's
/// (Auth__SupabaseUrl = <see cref="Url"/>). Kestrel on a free 127.0.0.1 port; every call is recorded.
/// </summary>
public sealed class FakeGoTrue : IAsyncDisposable
{
    public const string AnonKey = "test-anon-key-not-a-secret";

    private readonly WebApplication _app;
    private readonly TestIssuer.SigningKey _key = TestIssuer.SigningKey.NewEs256();
    private readonly ConcurrentDictionary<string, (Guid Id, string Password)> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _refreshTokens = new();   // refresh token → e-mail
    private readonly ConcurrentDictionary<string, string> _linkTokens = new();      // magic link token → e-mail

    private FakeGoTrue(WebApplication app) => _app = app;

    /// <summary>http://127.0.0.1:&lt;port&gt; (what VITE_SUPABASE_URL and Auth__SupabaseUrl are set to).</summary>
    public string Url { get; private set; } = "";
    /// <summary>Lifetime of the tokens a password or magic-link sign-in issues (refreshed ones: one hour).</summary>
    public TimeSpan FirstTokenLifetime { get; set; } = TimeSpan.FromHours(1);
    /// <summary>"METHOD /path?grant_type" of every call, in order (no bodies).</summary>
    public ConcurrentQueue<string> Calls { get; } = new();
    /// <summary>The magic links "sent", newest last: (e-mail, link).</summary>
    public ConcurrentQueue<(string Email, string Link)> Mails { get; } = new();
    /// <summary>Every access token issued, in order.</summary>
    public ConcurrentQueue<string> IssuedTokens { get; } = new();

    public static async Task<FakeGoTrue> StartAsync(string pageOrigin)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins(pageOrigin).AllowAnyHeader().AllowAnyMethod().WithExposedHeaders("X-Supabase-Api-Version")));
        var app = builder.Build();
        var fake = new FakeGoTrue(app);
        app.UseCors();
        app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsOptions(context.Request.Method))
                fake.Calls.Enqueue($"{context.Request.Method} {context.Request.Path}{(context.Request.Query.TryGetValue("grant_type", out var g) ? "?" + g : "")}");
            context.Response.Headers["X-Supabase-Api-Version"] = "2024-01-01";
            if (context.Request.Path.StartsWithSegments("/auth/v1/.well-known") || context.Request.Path.StartsWithSegments("/auth/v1/verify")
                || context.Request.Headers["apikey"] == AnonKey)
                await next(context);
            else
                await Error(context, 401, "no_api_key", "No API key found in request");
        });
        app.MapGet("/auth/v1/.well-known/jwks.json", () => Results.Text(JsonSerializer.Serialize(new { keys = new[] { fake._key.PublicJwk } }), "application/json"));
        app.MapPost("/auth/v1/token", fake.TokenAsync);
        app.MapPost("/auth/v1/otp", fake.OtpAsync);
        app.MapGet("/auth/v1/verify", fake.Verify);
        app.MapGet("/auth/v1/user", fake.User);
        app.MapPost("/auth/v1/logout", (HttpContext c) => Results.NoContent());
        await app.StartAsync();
        fake.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return fake;
    }

    /// <summary>A user that may sign in (the id must be a team member's for the team API to answer).</summary>
    public void AddUser(Guid id, string email, string password) => _users[email] = (id, password);

    private async Task TokenAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body) ?? new JsonObject();
        switch (context.Request.Query["grant_type"].ToString())
        {
            case "password":
                var email = body["email"]?.GetValue<string>() ?? "";
                if (!_users.TryGetValue(email, out var user) || user.Password != body["password"]?.GetValue<string>())
                {
                    await Error(context, 400, "invalid_credentials", "Invalid login credentials");
                    return;
                }
                await context.Response.WriteAsJsonAsync(Session(email, FirstTokenLifetime));
                return;
            case "refresh_token":
                if (body["refresh_token"]?.GetValue<string>() is not { } refresh || !_refreshTokens.TryRemove(refresh, out var owner))
                {
                    await Error(context, 400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
                    return;
                }
                await context.Response.WriteAsJsonAsync(Session(owner, TimeSpan.FromHours(1)));
                return;
            default:
                await Error(context, 400, "validation_failed", "unsupported_grant_type");
                return;
        }
    }

    private async Task OtpAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body) ?? new JsonObject();
        var email = body["email"]?.GetValue<string>() ?? "";
        if (!_users.ContainsKey(email))
        {
            // GoTrue with create_user = false: no link for a stranger.
            await Error(context, 422, "otp_disabled", "Signups not allowed for otp");
            return;
        }
        var token = Guid.NewGuid().ToString("N");
        _linkTokens[token] = email;
        var redirect = context.Request.Query["redirect_to"].ToString();
        Mails.Enqueue((email, $"{Url}/auth/v1/verify?token={token}&type=magiclink&redirect_to={Uri.EscapeDataString(redirect)}"));
        await context.Response.WriteAsJsonAsync(new { });
    }

    private IResult Verify(HttpContext context)
    {
        var redirect = context.Request.Query["redirect_to"].ToString();
        if (!_linkTokens.TryRemove(context.Request.Query["token"].ToString(), out var email))
            return Results.Redirect($"{redirect}#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired");
        var s = Session(email, FirstTokenLifetime);
        return Results.Redirect($"{redirect}#access_token={s["access_token"]}&expires_at={s["expires_at"]}&expires_in={s["expires_in"]}"
            + $"&refresh_token={s["refresh_token"]}&token_type=bearer&type=magiclink");
    }

    private IResult User(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : "";
        var result = new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Url + "/auth/v1",
            ValidAudience = "authenticated",
            IssuerSigningKey = _key.Credentials.Key,
        }).GetAwaiter().GetResult();
        if (!result.IsValid) return Results.Json(new { code = "bad_jwt", msg = "invalid JWT" }, statusCode: 403);
        var email = (string)result.Claims["email"];
        return Results.Json(UserJson(_users[email].Id, email));
    }

    private Dictionary<string, object> Session(string email, TimeSpan lifetime)
    {
        var id = _users[email].Id;
        var expires = DateTime.UtcNow + lifetime;
        var access = new JsonWebTokenHandler().CreateToken(LocalSignIn.SupabaseAccessToken(Url + "/auth/v1", id, email, expires, _key.Credentials));
        var refresh = Guid.NewGuid().ToString("N");
        _refreshTokens[refresh] = email;
        IssuedTokens.Enqueue(access);
        return new()
        {
            ["access_token"] = access,
            ["token_type"] = "bearer",
            ["expires_in"] = (int)lifetime.TotalSeconds,
            ["expires_at"] = new DateTimeOffset(expires).ToUnixTimeSeconds(),
            ["refresh_token"] = refresh,
            ["user"] = UserJson(id, email),
        };
    }

    private static object UserJson(Guid id, string email) => new Dictionary<string, object>
    {
        ["id"] = id,
        ["aud"] = "authenticated",
        ["role"] = "authenticated",
        ["email"] = email,
        ["email_confirmed_at"] = "2026-11-01T00:00:00Z",
        ["app_metadata"] = new Dictionary<string, object> { ["provider"] = "email", ["providers"] = new[] { "email" } },
        ["user_metadata"] = new Dictionary<string, object>(),
        ["identities"] = Array.Empty<object>(),
        ["created_at"] = "2026-11-01T00:00:00Z",
        ["updated_at"] = "2026-11-01T00:00:00Z",
        ["is_anonymous"] = false,
    };

    private static Task Error(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { code = status, error_code = code, msg = message });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
