using System.Text.Json;

namespace Leitstand.Alerts;

/// <summary>
/// The alert contract on the queue (type "alert", version 2, snake_case; written by public.alert_message,
/// documented in docs/queue-messages.md). The consumer needs only the id: the alert row is the truth.
/// </summary>
public sealed record AlertMessage(Guid AlertId, string Kind, string Severity)
{
    public const int Version = 2;

    /// <summary>Reads a queue message; a message that is not an alert of a known version throws (retries, then the poison queue).</summary>
    public static AlertMessage Parse(string message)
    {
        try
        {
            using var doc = JsonDocument.Parse(message);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.GetString() != "alert")
                throw new FormatException("Not an alert message (type must be \"alert\").");
            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != Version)
                throw new FormatException($"Unsupported alert message version (expected {Version}).");
            return new AlertMessage(root.GetProperty("alert_id").GetGuid(), root.GetProperty("kind").GetString() ?? "",
                root.GetProperty("severity").GetString() ?? "");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("Malformed alert message: " + ex.Message, ex);
        }
    }
}
