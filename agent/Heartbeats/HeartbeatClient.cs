using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Leitstand.Agent.Http;
using Leitstand.Agent.Supervision;
using Microsoft.Extensions.Logging;
using Polly.Timeout;

namespace Leitstand.Agent.Heartbeats;

/// <summary>
/// Sends one heartbeat (<c>POST /api/heartbeat</c>, the key as bearer) through <see cref="LeitstandHttp"/>: bounded
/// retries with jitter, a timeout per attempt, 429 and 503 honoured with their Retry-After. Each attempt carries the state as it is
/// then, so the first attempt that gets through reports the current restart count and last error.
/// </summary>
internal sealed class HeartbeatClient : IDisposable
{
    private readonly LeitstandHttp _http;
    private readonly Uri _endpoint;
    private readonly string _key;
    private readonly string _version;
    // The server's bounds (HeartbeatParser): a value beyond them would make it refuse the whole heartbeat.
    private const long MaxRestarts = 1_000_000_000;
    private const long MaxMemoryBytes = 1L << 40;

    public HeartbeatClient(Uri endpoint, string key, string version, ILogger log, LeitstandHttpOptions? options = null)
    {
        _endpoint = endpoint;
        _key = key;
        _version = version;
        _http = new LeitstandHttp(log, "Heartbeat", options);
    }

    /// <summary>Never throws but for <paramref name="ct"/>: the outcome says what happened.</summary>
    public async Task<HeartbeatOutcome> SendAsync(Func<AgentState.Snapshot> current, CancellationToken ct)
    {
        AgentState.Snapshot? sent = null;
        try
        {
            using var response = await _http.SendAsync(() =>
            {
                sent = current();
                var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new StringContent(Body(sent), Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _key);
                return request;
            }, ct);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
                return new HeartbeatOutcome.Accepted(sent!, Commands(await response.Content.ReadAsStringAsync(ct)));
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Gone)
                return new HeartbeatOutcome.Refused(status);
            if (LeitstandHttp.IsBusy(response))
                return new HeartbeatOutcome.Unreachable(status.ToString(), LeitstandHttp.RetryAfter(response));
            return new HeartbeatOutcome.Rejected(status);
        }
        catch (HttpRequestException e) { return new HeartbeatOutcome.Unreachable(e.HttpRequestError.ToString(), null); }
        catch (TimeoutRejectedException) { return new HeartbeatOutcome.Unreachable("Timeout", null); }
        catch (JsonException) { return new HeartbeatOutcome.Rejected(200); }
    }

    /// <summary>The allowlisted operational fields; nothing else.</summary>
    internal string Body(AgentState.Snapshot s)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("status", s.Status);
            w.WriteString("agent_version", _version);
            w.WriteNumber("uptime_seconds", s.UptimeSeconds);
            if (s.ErrorClass is not null) w.WriteString("error_class", s.ErrorClass);
            if (s.ErrorCode is not null) w.WriteString("error_code", s.ErrorCode);
            w.WriteNumber("failed_runs", s.FailedRuns);
            // The supervised process: restarts since this client started, resident memory and CPU time while it runs.
            w.WriteNumber("restarts", Math.Min(s.Restarts, MaxRestarts));
            if (s.MemoryBytes is { } memory) w.WriteNumber("memory_bytes", Math.Clamp(memory, 0, MaxMemoryBytes));
            if (s.CpuTime is { } cpu) w.WriteNumber("cpu_seconds", Math.Round(Math.Max(0, cpu.TotalSeconds), 3));
            if (s.Acks.Length > 0)
            {
                w.WriteStartArray("ack_commands");
                foreach (var id in s.Acks) w.WriteStringValue(id);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static IReadOnlyList<(Guid Id, string Kind)> Commands(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return [];
        using var doc = JsonDocument.Parse(body);
        if (!doc.RootElement.TryGetProperty("commands", out var commands) || commands.ValueKind != JsonValueKind.Array) return [];
        return [.. commands.EnumerateArray()
            .Where(c => c.TryGetProperty("id", out var id) && id.TryGetGuid(out _) && c.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String)
            .Select(c => (c.GetProperty("id").GetGuid(), c.GetProperty("kind").GetString()!))];
    }

    public void Dispose() => _http.Dispose();
}

internal abstract record HeartbeatOutcome
{
    public sealed record Accepted(AgentState.Snapshot Sent, IReadOnlyList<(Guid Id, string Kind)> Commands) : HeartbeatOutcome;
    /// <summary>401 (unknown or revoked key) or 410.</summary>
    public sealed record Refused(int Status) : HeartbeatOutcome;
    /// <summary>Not reached, timed out, 429 or 5xx after the retries.</summary>
    public sealed record Unreachable(string Reason, TimeSpan? RetryAfter) : HeartbeatOutcome;
    /// <summary>Any other answer (422: a field the server refuses).</summary>
    public sealed record Rejected(int Status) : HeartbeatOutcome;
}
