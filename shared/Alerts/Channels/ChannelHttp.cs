using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Leitstand.Alerts.Channels;

/// <summary>What the HTTP channels share: posting JSON and reading the status code as an outcome.</summary>
public static class ChannelHttp
{
    /// <summary>Umlauts stay readable in payloads (the bodies go to APIs, never into an HTML page).</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    public static string Serialize(JsonNode node) => node.ToJsonString(Json);

    /// <summary>
    /// 2xx delivered; 408, 429 and 5xx transient (with the peer's Retry-After); any other status permanent.
    /// The error names the status and the channel only: webhook URLs are secrets and never appear.
    /// </summary>
    public static SendOutcome Outcome(HttpResponseMessage response, string key, TimeProvider time)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300) return SendOutcome.Ok;
        var error = $"HTTP {status} from {key}";
        return IsTransient(response.StatusCode) ? new SendOutcome.Transient(error, RetryAfter(response, time)) : new SendOutcome.Permanent(error);
    }

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The Retry-After header as a delay (delta-seconds or an HTTP date), null when absent or past.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta >= TimeSpan.Zero ? delta : null;
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }
}
