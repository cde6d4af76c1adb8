using System.Net;
using System.Text;
using System.Text.Json;
using Leitstand.Leads;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Leitstand.Functions.Leads;

/// <summary>HTTP details of the lead form: CORS, body limits and formats, and the answers for browsers and JSON callers.</summary>
public sealed class LeadHttp(LeadCaptureSettings settings)
{
    private const string FormContentType = "application/x-www-form-urlencoded";
    private const string JsonContentType = "application/json";

    public sealed record ReadResult(LeadRequest? Request, IActionResult? Error);

    /// <summary>Answers preflights and refuses browsers from origins that are not configured; null to go on.</summary>
    public IActionResult? RejectOrigin(HttpRequest req)
    {
        var origin = req.Headers.Origin.ToString();
        var allowed = origin.Length > 0 && settings.AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
        if (allowed)
        {
            req.HttpContext.Response.Headers.AccessControlAllowOrigin = origin;
            req.HttpContext.Response.Headers.Vary = "Origin";
        }

        if (HttpMethods.IsOptions(req.Method))
        {
            if (!allowed) return Problem(StatusCodes.Status403Forbidden, "Diese Herkunft darf das Formular nicht senden.", null);
            req.HttpContext.Response.Headers.AccessControlAllowMethods = "POST, OPTIONS";
            req.HttpContext.Response.Headers.AccessControlAllowHeaders = "Content-Type";
            req.HttpContext.Response.Headers.AccessControlMaxAge = "86400";
            return new StatusCodeResult(StatusCodes.Status204NoContent);
        }

        // Requests without Origin (server to server, curl) are fine; a browser on a foreign site is not.
        if (origin.Length > 0 && !allowed && !IsSameOrigin(req, origin))
            return Problem(StatusCodes.Status403Forbidden, "Diese Herkunft darf das Formular nicht senden.", IsForm(req) ? true : null);
        return null;
    }

    public async Task<ReadResult> ReadAsync(HttpRequest req, CancellationToken ct)
    {
        var isForm = IsForm(req);
        var isJson = MediaType(req) is { } media && (media.Equals(JsonContentType, StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        if (!isForm && !isJson)
            return new(null, Problem(StatusCodes.Status415UnsupportedMediaType,
                "Nicht unterstützter Inhaltstyp. Erlaubt sind application/x-www-form-urlencoded und application/json.", null));

        var body = await HttpEdge.ReadBoundedAsync(req, settings.MaxBodyBytes, ct);
        if (body is null)
            return new(null, TooLarge(isForm));

        var text = Encoding.UTF8.GetString(body);
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        var errors = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (isForm)
        {
            foreach (var (key, values) in QueryHelpers.ParseQuery(text))
                fields[key] = values.Count == 0 ? null : values[^1];
        }
        else
        {
            ReadJson(text, fields, errors);
        }

        return new(new LeadRequest(fields, errors, isForm, ClientAddress(req), req.Headers.Referer.ToString() is { Length: > 0 } r ? r : null), null);
    }

    public IActionResult Map(SubmitLeadResult result, bool isFormPost) => result switch
    {
        SubmitLeadResult.Accepted when isFormPost => SeeOther(),
        SubmitLeadResult.Accepted a => HttpEdge.Json(StatusCodes.Status201Created, new { id = a.LeadId, status = "accepted" }),
        // Bots get the same answer as people, so they learn nothing.
        SubmitLeadResult.Discarded when isFormPost => SeeOther(),
        SubmitLeadResult.Discarded => HttpEdge.Json(StatusCodes.Status201Created, new { id = Guid.CreateVersion7(), status = "accepted" }),
        SubmitLeadResult.Invalid i => Problem(StatusCodes.Status400BadRequest, "Bitte prüfe deine Angaben.", isFormPost ? true : null, i.Errors),
        SubmitLeadResult.RateLimited r => WithRetryAfter(Problem(StatusCodes.Status429TooManyRequests,
            $"Zu viele Anfragen in kurzer Zeit. Bitte versuche es in {r.RetryAfterSeconds} Sekunden erneut.", isFormPost ? true : null), r.RetryAfterSeconds),
        _ => throw new InvalidOperationException($"Unknown result {result.GetType().Name}"),
    };

    public IActionResult Unavailable(bool isFormPost) => WithRetryAfter(Problem(StatusCodes.Status503ServiceUnavailable,
        "Wir können deine Anfrage gerade nicht speichern. Bitte versuche es in einer Minute noch einmal.", isFormPost ? true : null), 60);

    private IActionResult SeeOther() => new StatusCodeWithLocation(StatusCodes.Status303SeeOther, settings.ThankYouUrl);

    private IActionResult TooLarge(bool isForm) => Problem(StatusCodes.Status413PayloadTooLarge,
        $"Die Anfrage ist zu groß (höchstens {settings.MaxBodyBytes / 1024} KB). Bitte kürze deine Nachricht.", isForm ? true : null);

    /// <summary>JSON problem details for API callers; a small German HTML page for plain form posts.</summary>
    private IActionResult Problem(int status, string title, bool? html, IReadOnlyDictionary<string, IReadOnlyList<string>>? errors = null)
    {
        if (html == true)
            return new ContentResult { StatusCode = status, ContentType = "text/html; charset=utf-8", Content = LeadFormPages.Error(title, errors, settings.FormUrl) };
        var fields = errors?.ToDictionary(e => e.Key, e => e.Value.ToArray()) ?? new Dictionary<string, string[]> { [LeadFields.Body] = [title] };
        return HttpEdge.Problem(status, title, fields);
    }

    private static IActionResult WithRetryAfter(IActionResult inner, int seconds) => HttpEdge.WithRetryAfter(inner, seconds);

    private static void ReadJson(string text, Dictionary<string, string?> fields, Dictionary<string, IReadOnlyList<string>> errors)
    {
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 4 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors[LeadFields.Body] = ["Erwartet wird ein JSON-Objekt mit den Formularfeldern."];
                return;
            }
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String: fields[property.Name] = property.Value.GetString(); break;
                    case JsonValueKind.True: fields[property.Name] = "true"; break;
                    case JsonValueKind.False: fields[property.Name] = "false"; break;
                    case JsonValueKind.Number: fields[property.Name] = property.Value.GetRawText(); break;
                    case JsonValueKind.Null: fields[property.Name] = null; break;
                    default: errors[property.Name] = ["Ungültiger Wert: erwartet wird Text."]; break;
                }
            }
        }
        catch (JsonException)
        {
            errors[LeadFields.Body] = ["Der Inhalt ist kein gültiges JSON."];
        }
    }

    private static string? MediaType(HttpRequest req) =>
        MediaTypeHeaderValue.TryParse(req.ContentType, out var parsed) ? parsed.MediaType.Value : null;

    private static bool IsForm(HttpRequest req) => string.Equals(MediaType(req), FormContentType, StringComparison.OrdinalIgnoreCase);

    private static bool IsSameOrigin(HttpRequest req, string origin) =>
        string.Equals(origin, $"{req.Scheme}://{req.Host}", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The client's address: the last X-Forwarded-For entry (added by the Azure front end; earlier
    /// entries are the client's own claims) or the connection's address. Used only hashed.
    /// </summary>
    public static string? ClientAddress(HttpRequest req)
    {
        var forwarded = req.Headers["X-Forwarded-For"].ToString();
        if (forwarded.Length > 0)
        {
            var last = forwarded.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
            if (last is not null)
            {
                if (IPEndPoint.TryParse(last, out var endpoint)) return endpoint.Address.ToString();
                return last;
            }
        }
        return req.HttpContext.Connection.RemoteIpAddress?.ToString();
    }

    private sealed class StatusCodeWithLocation(int status, string location) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            context.HttpContext.Response.StatusCode = status;
            context.HttpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
