using System.Text;
using Leitstand.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Leitstand.Functions;

/// <summary>
/// What every HTTP function shares, in one place: the body read up to a limit (a declared length and a
/// chunked body alike), the one JSON convention (<see cref="JsonConvention"/>: snake_case, German text
/// unescaped), problem+json with German messages per field, and 503 with Retry-After when the database
/// cannot be reached (<see cref="RunAsync"/>). The lead form, the heartbeat, the Supabase webhook, the
/// acknowledge link and the team endpoints (<see cref="TeamApi"/>) answer through it.
/// </summary>
public static class HttpEdge
{
    /// <summary>The body, or null when it is longer than <paramref name="limit"/> bytes (stops reading there).</summary>
    public static async Task<byte[]?> ReadBoundedAsync(HttpRequest req, int limit, CancellationToken ct)
    {
        if (req.ContentLength > limit) return null;
        var buffer = new byte[Math.Min(limit, 8192) + 1];
        using var body = new MemoryStream();
        int read;
        while ((read = await req.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > limit) return null;
            body.Write(buffer, 0, read);
        }
        return body.ToArray();
    }

    /// <summary>
    /// An agent's report (heartbeat, workflow check-in): the body as UTF-8 text, or the 413 answer with
    /// <paramref name="hint"/> when it is longer than <paramref name="limit"/> bytes.
    /// </summary>
    public static async Task<(string? Text, IActionResult? TooLarge)> ReadTextAsync(HttpRequest req, int limit, string hint, CancellationToken ct)
    {
        var bytes = await ReadBoundedAsync(req, limit, ct);
        return bytes is null ? (null, TooLarge(limit, hint)) : (Encoding.UTF8.GetString(bytes), null);
    }

    /// <summary>
    /// The answer to a report its parser refused: 400 titled <paramref name="malformedTitle"/> when the body is no JSON
    /// object at all, else 422 titled with <paramref name="rule"/> (what such a report may carry); errors per field.
    /// </summary>
    public static IActionResult Refused(bool malformed, string malformedTitle, string rule, IReadOnlyDictionary<string, string[]> errors) =>
        malformed
            ? Problem(StatusCodes.Status400BadRequest, malformedTitle, errors)
            : Problem(StatusCodes.Status422UnprocessableEntity, rule, errors);

    /// <summary>401 for an agent key the database does not know (or that was revoked).</summary>
    public static IActionResult UnknownAgentKey() =>
        Problem(StatusCodes.Status401Unauthorized, "Unbekannter oder widerrufener Agent-Schlüssel.");

    /// <summary>503 for an agent's report while the database is out of reach: nothing was stored, the agent sends it again.</summary>
    public static IActionResult SendAgainLater() =>
        DatabaseDown("Leitstand ist gerade nicht erreichbar. Bitte in 30 Sekunden erneut senden.");

    public static IActionResult Json(int status, object value) => new JsonBody(status, value, "application/json", noStore: true);

    /// <summary>
    /// The agent key of a machine request (heartbeat, workflow check-in, key check): <c>X-Agent-Key</c>, else
    /// <c>Authorization: Bearer</c>; null when missing or longer than any key can be (the caller answers 401).
    /// </summary>
    public static string? AgentKey(HttpRequest req)
    {
        var header = req.Headers["X-Agent-Key"].ToString();
        if (header.Length > 0) return header.Length <= 100 ? header : null;
        var authorization = req.Headers[Microsoft.Net.Http.Headers.HeaderNames.Authorization].ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length <= 107
            ? authorization["Bearer ".Length..].Trim()
            : null;
    }

    /// <summary>problem+json: title, status, errors per field (German), and any extra fields.</summary>
    public static IActionResult Problem(int status, string title, IReadOnlyDictionary<string, string[]>? errors = null,
        IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var problem = new Dictionary<string, object?>
        {
            ["title"] = title,
            ["status"] = status,
            ["errors"] = errors ?? new Dictionary<string, string[]>(),
        };
        if (extensions is not null)
            foreach (var (name, value) in extensions) problem[name] = value;
        return new JsonBody(status, problem, "application/problem+json", noStore: true);
    }

    public static IActionResult TooLarge(int limit, string hint) => Problem(StatusCodes.Status413PayloadTooLarge,
        limit >= 1024 ? $"Die Anfrage ist zu groß (höchstens {limit / 1024} KB)." : $"Die Anfrage ist zu groß (höchstens {limit} Bytes).",
        new Dictionary<string, string[]> { ["body"] = [hint] });

    /// <summary>The answer when <see cref="RunAsync"/> is given no other.</summary>
    public const string DatabaseDownTitle =
        "Der Leitstand erreicht die Datenbank gerade nicht. Es wurde nichts geändert; bitte in 30 Sekunden erneut versuchen.";

    /// <summary>
    /// Runs an endpoint's work; when the database cannot be reached (<see cref="DatabaseOutage"/>, the one rule),
    /// the answer is <paramref name="unavailable"/> or else 503 problem+json with Retry-After 30 and
    /// <see cref="DatabaseDownTitle"/>, never a 500. Every HTTP function runs its database work through here
    /// (the team endpoints through <see cref="TeamApi"/>).
    /// </summary>
    public static async Task<IActionResult> RunAsync(HttpRequest req, Func<Task<IActionResult>> work, Func<IActionResult>? unavailable = null)
    {
        try
        {
            return await work();
        }
        catch (Exception ex) when (DatabaseOutage.Is(ex, req.HttpContext.RequestAborted))
        {
            req.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Leitstand.HttpEdge")
                .LogWarning("Database unreachable, {Method} {Path} answered 503: {Error}", req.Method, req.Path.Value, ex.Message);
            return unavailable?.Invoke() ?? DatabaseDown(DatabaseDownTitle);
        }
    }

    /// <summary>503 problem+json with Retry-After: nothing was changed, try again.</summary>
    public static IActionResult DatabaseDown(string title, int retryAfterSeconds = 30) =>
        WithRetryAfter(Problem(StatusCodes.Status503ServiceUnavailable, title), retryAfterSeconds);

    public static IActionResult WithRetryAfter(IActionResult inner, int seconds) =>
        new HeaderAdded(inner, "Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static IActionResult WithHeader(IActionResult inner, string name, string value) => new HeaderAdded(inner, name, value);

    private sealed class JsonBody(int status, object value, string contentType, bool noStore) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.StatusCode = status;
            if (noStore) response.Headers.CacheControl = "no-store";
            await response.WriteAsJsonAsync(value, value.GetType(), JsonConvention.Default, contentType, context.HttpContext.RequestAborted);
        }
    }

    private sealed class HeaderAdded(IActionResult inner, string name, string value) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            context.HttpContext.Response.Headers[name] = value;
            return inner.ExecuteResultAsync(context);
        }
    }
}
