using System.Text.Json;

namespace Leitstand.LocalHost.Functions;

/// <summary>
/// The "Values" of local.settings.sample.json, overridden by local.settings.json if present, with the
/// Functions convention "A__B" turned into the configuration key "A:B".
/// </summary>
public static class LocalSettings
{
    public static Dictionary<string, string?> Load(string repoRoot)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in new[] { "local.settings.sample.json", "local.settings.json", Path.Combine("functions", "local.settings.json") })
        {
            var path = Path.Combine(repoRoot, file);
            if (!File.Exists(path)) continue;
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (!doc.RootElement.TryGetProperty("Values", out var section)) continue;
            foreach (var property in section.EnumerateObject())
                values[property.Name.Replace("__", ":", StringComparison.Ordinal)] =
                    property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
        }
        return values;
    }

    /// <summary>A value of the "Host" section (as Core Tools reads it, e.g. "CORS"); the last file that has it wins.</summary>
    public static string? LoadHostValue(string repoRoot, string name)
    {
        string? value = null;
        foreach (var file in new[] { "local.settings.sample.json", "local.settings.json", Path.Combine("functions", "local.settings.json") })
        {
            var path = Path.Combine(repoRoot, file);
            if (!File.Exists(path)) continue;
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.TryGetProperty("Host", out var host) && host.TryGetProperty(name, out var v))
                value = v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText();
        }
        return value;
    }
}
