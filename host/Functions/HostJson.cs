using System.Text.Json;
using Azure.Storage.Queues;

namespace Leitstand.LocalHost.Functions;

/// <summary>
/// The parts of functions/host.json that the local host honours, with the Functions host's defaults
/// (extensions.queues: batchSize 16, newBatchThreshold batchSize/2, maxPollingInterval 1 min,
/// visibilityTimeout 0, maxDequeueCount 5, messageEncoding base64).
/// </summary>
public sealed record HostJson(string RoutePrefix, int QueueMaxDequeueCount, TimeSpan QueueVisibilityTimeout, QueueMessageEncoding QueueMessageEncoding)
{
    /// <summary>Messages fetched per poll and processed concurrently (Azure: 1 to 32).</summary>
    public int QueueBatchSize { get; init; } = 16;
    /// <summary>host.json newBatchThreshold, or null for Azure's default (batchSize / 2).</summary>
    public int? QueueNewBatchThresholdSetting { get; init; }
    /// <summary>A new batch is fetched when no more than this many messages are still in flight.</summary>
    public int QueueNewBatchThreshold => QueueNewBatchThresholdSetting ?? QueueBatchSize / 2;
    /// <summary>Longest wait between polls of an empty queue (the back-off doubles from 100 ms up to it).</summary>
    public TimeSpan QueueMaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    public static HostJson Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var extensions = doc.RootElement.TryGetProperty("extensions", out var e) ? e : default;
        string? Get(string section, string name) =>
            extensions.ValueKind == JsonValueKind.Object && extensions.TryGetProperty(section, out var s) && s.TryGetProperty(name, out var v)
                ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()
                : null;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        return new HostJson(
            Get("http", "routePrefix") ?? "api",
            int.TryParse(Get("queues", "maxDequeueCount"), culture, out var max) ? max : 5,
            TimeSpan.TryParse(Get("queues", "visibilityTimeout"), culture, out var visibility) ? visibility : TimeSpan.Zero,
            string.Equals(Get("queues", "messageEncoding"), "none", StringComparison.OrdinalIgnoreCase) ? QueueMessageEncoding.None : QueueMessageEncoding.Base64)
        {
            QueueBatchSize = int.TryParse(Get("queues", "batchSize"), culture, out var batch) ? Math.Clamp(batch, 1, 32) : 16,
            QueueNewBatchThresholdSetting = int.TryParse(Get("queues", "newBatchThreshold"), culture, out var threshold) ? Math.Max(0, threshold) : null,
            QueueMaxPollingInterval = TimeSpan.TryParse(Get("queues", "maxPollingInterval"), culture, out var polling) && polling > TimeSpan.Zero
                ? polling : TimeSpan.FromMinutes(1),
        };
    }
}
