using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Leitstand.Functions;

/// <summary>
/// The team endpoints' side of <see cref="HttpEdge"/>: a bounded JSON body read into a request record (an
/// unknown field is an error), the answers, and the database's own refusals (stage rules) as 409.
/// </summary>
public static class TeamApi
{
    public const int MaxBodyBytes = 16 * 1024;

    public static JsonSerializerOptions Json => HttpEdge.StrictJson;

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
            var value = JsonSerializer.Deserialize<T>(body, HttpEdge.StrictJson);
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
    public static IActionResult Json200(object value) => HttpEdge.Json(StatusCodes.Status200OK, value);

    public static IActionResult Created(object value) => HttpEdge.Json(StatusCodes.Status201Created, value);

    /// <summary>problem+json; <paramref name="extensions"/> are further top-level members (RFC 9457), e.g. the id of what is in the way.</summary>
    public static IActionResult Problem(int status, string title, IReadOnlyDictionary<string, string[]>? errors = null,
        IReadOnlyDictionary<string, object?>? extensions = null) => HttpEdge.Problem(status, title, errors, extensions);

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
        catch (NpgsqlException ex) when (HttpEdge.IsDatabaseDown(ex))
        {
            return HttpEdge.DatabaseDown("Der Leitstand erreicht die Datenbank gerade nicht. Es wurde nichts geändert; bitte in 30 Sekunden erneut versuchen.");
        }
    }
}
