using System.Text.Json;
using Azure.Storage.Queues;

namespace Leitstand.LocalHost.Functions;

/// <summary>The parts of functions/host.json that the local host honours.</summary>
public sealed record HostJson(string RoutePrefix, int QueueMaxDequeueCount, TimeSpan QueueVisibilityTimeout, QueueMessageEncoding QueueMessageEncoding)
{
    public static HostJson Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var extensions = doc.RootElement.TryGetProperty("extensions", out var e) ? e : default;
        string? Get(string section, string name) =>
            extensions.ValueKind == JsonValueKind.Object && extensions.TryGetProperty(section, out var s) && s.TryGetProperty(name, out var v)
                ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()
                : null;
        return new HostJson(
            Get("http", "routePrefix") ?? "api",
            int.TryParse(Get("queues", "maxDequeueCount"), out var max) ? max : 5,
            TimeSpan.TryParse(Get("queues", "visibilityTimeout"), out var visibility) ? visibility : TimeSpan.Zero,
            string.Equals(Get("queues", "messageEncoding"), "none", StringComparison.OrdinalIgnoreCase) ? QueueMessageEncoding.None : QueueMessageEncoding.Base64);
    }
}
