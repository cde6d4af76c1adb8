using System.Text.Json;

namespace Leitstand.Alerts;

/// <summary>
/// The alert message on the queue (type "alerts", version 2, snake_case; one message per producer call
/// listing its alerts, written by public.enqueue_alerts, documented in docs/queue-messages.md). The
/// consumer needs only the ids: the alert rows are the truth.
/// </summary>
public sealed record AlertMessage(IReadOnlyList<Guid> AlertIds)
{
    public const int Version = 2;

    /// <summary>Reads a queue message; one that is not an alert message of a known version throws (retries, then the poison queue).</summary>
    public static AlertMessage Parse(string message)
    {
        try
        {
            using var doc = JsonDocument.Parse(message);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.GetString() != "alerts")
                throw new FormatException("Not an alert message (type must be \"alerts\").");
            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != Version)
                throw new FormatException($"Unsupported alert message version (expected {Version}).");
            var ids = root.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("alert_id").GetGuid()).ToList();
            return ids.Count > 0 ? new AlertMessage(ids) : throw new FormatException("Alert message without alerts.");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("Malformed alert message: " + ex.Message, ex);
        }
    }
}
