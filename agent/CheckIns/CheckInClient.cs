using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Leitstand.Agent.Http;
using Microsoft.Extensions.Logging;
using Polly.Timeout;

namespace Leitstand.Agent.CheckIns;

/// <summary>One check-in as sent: the run's state, its id, duration and a short code, and the rhythm that registers an unknown workflow.</summary>
internal sealed record CheckIn(string Status, Guid? CheckInId = null, double? DurationSeconds = null, string? ErrorCode = null, string? Cron = null, string? Every = null);

/// <summary>
/// Sends one workflow check-in (<c>POST /api/workflows/{workflow}/checkins</c>, the key as bearer) through
/// <see cref="LeitstandHttp"/> with short, bounded attempts: a check-in never holds up the run it reports.
/// </summary>
internal sealed partial class CheckInClient(Uri baseAddress, string key, ILogger log) : IDisposable
{
    /// <summary>At most three attempts of 5 s each, a Retry-After up to 5 s: about 20 s in the worst case.</summary>
    public static readonly LeitstandHttpOptions Options = new()
    {
        Retries = 2,
        FirstRetryDelay = TimeSpan.FromMilliseconds(500),
        AttemptTimeout = TimeSpan.FromSeconds(5),
        LongestRetryAfter = TimeSpan.FromSeconds(5),
    };

    private readonly LeitstandHttp _http = new(log, "Check-in", Options);

    public static bool IsWorkflowKey(string text) => WorkflowKey().IsMatch(text);
    public static bool IsErrorCode(string text) => text.Length <= 40 && ErrorCodePattern().IsMatch(text);

    /// <summary>Never throws but for <paramref name="ct"/>.</summary>
    public async Task<CheckInOutcome> SendAsync(string workflow, CheckIn checkIn, CancellationToken ct)
    {
        var path = baseAddress.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/api/heartbeat", StringComparison.Ordinal)) path = path[..^"/api/heartbeat".Length];
        var endpoint = new UriBuilder(baseAddress) { Path = $"{path}/api/workflows/{workflow}/checkins" }.Uri;
        try
        {
            using var response = await _http.SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(Body(checkIn), Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                return request;
            }, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                using var doc = JsonDocument.Parse(text);
                Guid? id = doc.RootElement.TryGetProperty("check_in_id", out var v) && v.TryGetGuid(out var g) ? g : null;
                var paused = doc.RootElement.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == "paused";
                return new CheckInOutcome.Accepted(id, paused);
            }
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Gone) return new CheckInOutcome.Refused((int)response.StatusCode);
            if (LeitstandHttp.IsBusy(response)) return new CheckInOutcome.Unreachable(((int)response.StatusCode).ToString());
            return new CheckInOutcome.Rejected((int)response.StatusCode, Messages(text));
        }
        catch (HttpRequestException e) { return new CheckInOutcome.Unreachable(e.HttpRequestError.ToString()); }
        catch (TimeoutRejectedException) { return new CheckInOutcome.Unreachable("Timeout"); }
        catch (JsonException) { return new CheckInOutcome.Rejected(202, []); }
    }

    internal static string Body(CheckIn c)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("status", c.Status);
            if (c.CheckInId is { } id) w.WriteString("check_in_id", id);
            if (c.DurationSeconds is { } d) w.WriteNumber("duration_s", Math.Round(d, 3));
            if (c.ErrorCode is not null) w.WriteString("error_code", c.ErrorCode);
            if (c.Cron is not null || c.Every is not null)
            {
                w.WriteStartObject("schedule");
                if (c.Cron is not null)
                {
                    w.WriteString("cron", c.Cron);
                    w.WriteString("timezone", "Europe/Berlin");
                }
                else w.WriteString("interval", c.Every);
                w.WriteEndObject();
            }
            w.WriteNumber("version", 1);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The server's German messages per field (<c>errors</c>), as "field: message" lines.</summary>
    private static IReadOnlyList<string> Messages(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object) return [];
            return [.. errors.EnumerateObject().SelectMany(p => p.Value.ValueKind == JsonValueKind.Array
                ? p.Value.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => $"{p.Name}: {m.GetString()}")
                : [])];
        }
        catch (JsonException) { return []; }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex WorkflowKey();

    [GeneratedRegex("^[A-Za-z0-9_.:-]+$")]
    private static partial Regex ErrorCodePattern();

    public void Dispose() => _http.Dispose();
}

internal abstract record CheckInOutcome
{
    public sealed record Accepted(Guid? CheckInId, bool Paused) : CheckInOutcome;
    /// <summary>401 (unknown or revoked key) or 410.</summary>
    public sealed record Refused(int Status) : CheckInOutcome;
    /// <summary>Not reached, timed out, 429 or 5xx after the bounded attempts.</summary>
    public sealed record Unreachable(string Reason) : CheckInOutcome;
    /// <summary>400/422 and the like, with the server's German messages.</summary>
    public sealed record Rejected(int Status, IReadOnlyList<string> Messages) : CheckInOutcome;
}
