using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Leitstand.Functions;

/// <summary>
/// The HTTP plumbing of the team endpoints, in one place: a bounded JSON body (a chunked body is bounded
/// too), snake_case JSON in both directions, problem+json with German messages per field, 503 with
/// Retry-After when the database is down, and the database's own refusals (stage rules) as 409.
/// Until team sign-in exists these endpoints are guarded by the function key in Azure.
/// </summary>
public static class TeamApi
{
    public const int MaxBodyBytes = 16 * 1024;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // German text stays readable (ä, „…“); the answer is JSON, never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public sealed record Read<T>(T? Value, IActionResult? Error) where T : class;

    /// <summary>Reads a JSON object of at most <see cref="MaxBodyBytes"/>; an empty body gives <paramref name="empty"/>.</summary>
    public static async Task<Read<T>> ReadJsonAsync<T>(HttpRequest req, CancellationToken ct, T? empty = null) where T : class
    {
        if (req.ContentLength > MaxBodyBytes) return new(null, TooLarge());
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await req.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return new(null, TooLarge());
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
            return empty is not null ? new(empty, null) : new(null, Problem(StatusCodes.Status400BadRequest, "Der Inhalt fehlt.",
                new Dictionary<string, string[]> { ["body"] = ["Erwartet wird ein JSON-Objekt."] }));
        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.ToArray(), Json);
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

    /// <summary>A JSON answer in snake_case.</summary>
    public static IActionResult Json200(object value) => new JsonBody(StatusCodes.Status200OK, value, "application/json");

    public static IActionResult Created(object value) => new JsonBody(StatusCodes.Status201Created, value, "application/json");

    /// <summary>problem+json; <paramref name="extensions"/> are further top-level members (RFC 9457), e.g. the id of what is in the way.</summary>
    public static IActionResult Problem(int status, string title, IReadOnlyDictionary<string, string[]>? errors = null,
        IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["title"] = title,
            ["status"] = status,
            ["errors"] = errors ?? new Dictionary<string, string[]>(),
        };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>()) body.TryAdd(key, value);
        return new JsonBody(status, body, "application/problem+json");
    }

    public static IActionResult Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        Problem(StatusCodes.Status400BadRequest, "Bitte prüfe die Angaben.", errors);

    public static IActionResult InvalidId(string field) =>
        Invalid(new Dictionary<string, string[]> { [field] = ["Erwartet wird eine UUID."] });

    public static IActionResult NotFound(string title) => Problem(StatusCodes.Status404NotFound, title);

    /// <summary>
    /// Runs the endpoint's work: a database that cannot be reached is a 503 with Retry-After (nothing was
    /// changed), a refusal by the database's rules a 409 with its German message, a bad parameter a 400.
    /// </summary>
    public static async Task<IActionResult> RunAsync(Func<Task<IActionResult>> work)
    {
        try
        {
            return await work();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation)
        {
            var errors = new Dictionary<string, string[]> { ["stage"] = [string.Join(" ", new[] { ex.MessageText, ex.Detail }.Where(t => !string.IsNullOrEmpty(t)))] };
            return Problem(StatusCodes.Status409Conflict, ex.MessageText, errors);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidParameterValue)
        {
            return Invalid(new Dictionary<string, string[]> { ["body"] = [ex.MessageText] });
        }
        catch (NpgsqlException ex) when (ex is not PostgresException && (ex.IsTransient || ex.InnerException is System.Net.Sockets.SocketException or TimeoutException))
        {
            return new RetryAfter(Problem(StatusCodes.Status503ServiceUnavailable,
                "Der Leitstand erreicht die Datenbank gerade nicht. Es wurde nichts geändert; bitte in 30 Sekunden erneut versuchen."), 30);
        }
    }

    private static IActionResult TooLarge() => Problem(StatusCodes.Status413PayloadTooLarge,
        $"Die Anfrage ist zu groß (höchstens {MaxBodyBytes / 1024} KB).", new Dictionary<string, string[]> { ["body"] = ["Bitte kürzer fassen."] });

    private sealed class JsonBody(int status, object value, string contentType) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.StatusCode = status;
            response.Headers.CacheControl = "no-store";
            await response.WriteAsJsonAsync(value, value.GetType(), Json, contentType, context.HttpContext.RequestAborted);
        }
    }

    private sealed class RetryAfter(IActionResult inner, int seconds) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteResultAsync(context);
        }
    }
}
