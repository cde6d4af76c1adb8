using System.Text.Json;
using Leitstand.Auth;
using Leitstand.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Leitstand.Functions;

/// <summary>
/// The team endpoints' side of <see cref="HttpEdge"/>: a bounded JSON body read into a request record (an
/// unknown field is an error), the answers, the database's own refusals (stage rules) as 409, and the team
/// sign-in (<see cref="RunAsTeamAsync"/>): a verified Supabase access token of a team member. The token is the
/// only guard: team endpoints are AuthorizationLevel.Anonymous, since the status center is a public static page
/// that cannot keep a function key secret (docs/auth.md).
/// </summary>
public static class TeamApi
{
    public const int MaxBodyBytes = 16 * 1024;

    public sealed record Read<T>(T? Value, IActionResult? Error) where T : class;

    /// <summary>Reads a JSON object of at most <see cref="MaxBodyBytes"/>; an empty body gives <paramref name="empty"/>.</summary>
    public static async Task<Read<T>> ReadJsonAsync<T>(HttpRequest req, CancellationToken ct, T? empty = null) where T : class
    {
        var body = await HttpEdge.ReadBoundedAsync(req, MaxBodyBytes, ct);
        if (body is null) return new(null, HttpEdge.TooLarge(MaxBodyBytes, "Bitte kürzer fassen."));
        if (body.Length == 0)
            return empty is not null ? new(empty, null) : new(null, Problem(StatusCodes.Status400BadRequest, "Der Inhalt fehlt.",
                new Dictionary<string, string[]> { ["body"] = ["Erwartet wird ein JSON-Objekt."] }));
        try
        {
            var value = JsonSerializer.Deserialize<T>(body, JsonConvention.Strict);
            return value is null
                ? new(null, Problem(StatusCodes.Status400BadRequest, "Der Inhalt fehlt.", new Dictionary<string, string[]> { ["body"] = ["Erwartet wird ein JSON-Objekt."] }))
                : new(value, null);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body";
            var message = ex.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? "Dieses Feld gibt es nicht."
                : "Ungültiger Wert (falscher Typ oder kein gültiges JSON).";
            return new(null, Problem(StatusCodes.Status400BadRequest, "Bitte prüfe die Angaben.", new Dictionary<string, string[]> { [field] = [message] }));
        }
    }

    /// <summary>
    /// Reads a JSON document of at most <see cref="MaxBodyBytes"/> as it is, for a use case that checks its own fields
    /// (a PATCH: a field left out is not a field set to null); no JSON at all is a 400.
    /// </summary>
    public static async Task<(JsonElement Json, IActionResult? Error)> ReadJsonDocumentAsync(HttpRequest req, CancellationToken ct)
    {
        var body = await HttpEdge.ReadBoundedAsync(req, MaxBodyBytes, ct);
        if (body is null) return (default, HttpEdge.TooLarge(MaxBodyBytes, "Bitte kürzer fassen."));
        try
        {
            using var document = JsonDocument.Parse(body);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException)
        {
            return (default, Invalid(new Dictionary<string, string[]> { ["body"] = ["Erwartet wird ein JSON-Objekt (kein gültiges JSON)."] }));
        }
    }

    /// <summary>A JSON answer in snake_case.</summary>
    public static IActionResult Json200(object value) => HttpEdge.Json(StatusCodes.Status200OK, value);

    public static IActionResult Created(object value) => HttpEdge.Json(StatusCodes.Status201Created, value);

    public static IActionResult Accepted(object value) => HttpEdge.Json(StatusCodes.Status202Accepted, value);

    /// <summary>problem+json; <paramref name="extensions"/> are further top-level members (RFC 9457), e.g. the id of what is in the way.</summary>
    public static IActionResult Problem(int status, string title, IReadOnlyDictionary<string, string[]>? errors = null,
        IReadOnlyDictionary<string, object?>? extensions = null) => HttpEdge.Problem(status, title, errors, extensions);

    public static IActionResult Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        Problem(StatusCodes.Status400BadRequest, "Bitte prüfe die Angaben.", errors);

    /// <summary>422: the request is well-formed, but a field's value cannot be taken; the German message at each field.</summary>
    public static IActionResult Unprocessable(IReadOnlyDictionary<string, string[]> errors,
        IReadOnlyDictionary<string, object?>? extensions = null) =>
        Problem(StatusCodes.Status422UnprocessableEntity, "Bitte prüfe die Angaben.", errors, extensions);

    public static IActionResult InvalidId(string field) =>
        Invalid(new Dictionary<string, string[]> { [field] = ["Erwartet wird eine UUID."] });

    public static IActionResult NotFound(string title) => Problem(StatusCodes.Status404NotFound, title);

    /// <summary>
    /// Runs the endpoint's work: a database that cannot be reached is a 503 with Retry-After (nothing was
    /// changed; <see cref="HttpEdge.RunAsync"/>), a refusal by the database's rules a 409 with its German
    /// message, a bad parameter a 400.
    /// </summary>
    public static Task<IActionResult> RunAsync(HttpRequest req, Func<Task<IActionResult>> work) => HttpEdge.RunAsync(req, async () =>
    {
        try
        {
            return await work();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation)
        {
            // The message only: Npgsql redacts DETAIL (it may carry data) unless the connection string says otherwise,
            // and its English placeholder has no place in a German answer.
            var errors = new Dictionary<string, string[]> { ["stage"] = [ex.MessageText] };
            return Problem(StatusCodes.Status409Conflict, ex.MessageText, errors);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidParameterValue)
        {
            return Invalid(new Dictionary<string, string[]> { ["body"] = [ex.MessageText] });
        }
    });

    /// <summary>
    /// Runs team work for a signed-in team member: <c>Authorization: Bearer &lt;Supabase access token&gt;</c>,
    /// verified (<see cref="SupabaseTokenVerifier"/>), and a member by public.is_team_member() under the user's
    /// claims, the rule the RLS policies use. Missing, invalid or expired token → 401 with WWW-Authenticate;
    /// not a member → 403; then <paramref name="work"/> as in <see cref="RunAsync"/>.
    /// </summary>
    public static Task<IActionResult> RunAsTeamAsync(HttpRequest req, Func<TeamUser, Task<IActionResult>> work) =>
        RunAsync(req, async () =>
        {
            var services = req.HttpContext.RequestServices;
            var ct = req.HttpContext.RequestAborted;
            var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Leitstand.TeamSignIn");
            var token = BearerToken(req);
            if (token is null)
                return Unauthorized("Bitte anmelden: Der Header „Authorization: Bearer <Zugriffstoken>“ fehlt.", null);
            switch (await services.GetRequiredService<SupabaseTokenVerifier>().VerifyAsync(token, ct))
            {
                case TokenCheck.Invalid invalid:
                    log.LogInformation("Team request refused: {Reason}", invalid.Reason);
                    return Unauthorized("Die Anmeldung ist ungültig oder abgelaufen. Bitte neu anmelden.", "invalid_token");
                case TokenCheck.Unavailable:
                    return HttpEdge.WithRetryAfter(Problem(StatusCodes.Status503ServiceUnavailable,
                        "Die Anmeldung kann gerade nicht geprüft werden. Bitte in 30 Sekunden erneut versuchen."), 30);
                case TokenCheck.Valid { User: var user }:
                    if (!await services.GetRequiredService<TeamDatabase>().IsTeamMemberAsync(user, ct))
                    {
                        log.LogInformation("Team request refused: user {UserId} is not a team member", user.Id);
                        return Problem(StatusCodes.Status403Forbidden, "Du bist angemeldet, gehörst aber nicht zum Team. Bitte lass dich freischalten.");
                    }
                    return await work(user);
                default:
                    throw new InvalidOperationException("Unexpected token check.");
            }
        });

    private static string? BearerToken(HttpRequest req)
    {
        var header = req.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header[7..].Trim() is { Length: > 0 } token ? token : null;
    }

    private static IActionResult Unauthorized(string title, string? error) =>
        HttpEdge.WithHeader(Problem(StatusCodes.Status401Unauthorized, title), "WWW-Authenticate",
            error is null ? "Bearer" : $"Bearer error=\"{error}\"");
}
