using System.Text.RegularExpressions;

namespace Leitstand.Tests.Infra;

/// <summary>The app settings of infra/bicep/main.bicep, read from the source (the compiled template has them as expressions).</summary>
public static partial class BicepSource
{
    public static string MainBicep() => File.ReadAllText(Path.Combine(BicepCli.Folder, "main.bicep"));

    /// <summary>Name → Bicep expression of every app setting main.bicep sets (conditional ones included).</summary>
    public static IReadOnlyDictionary<string, string> AppSettings()
    {
        var block = Between(MainBicep(), "var appSettings = union(", "// (end of the app settings)");
        return SettingLine().Matches(block).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value.Trim(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The settings main.bicep lists as deliberately left to their defaults.</summary>
    public static IReadOnlySet<string> LeftToDefault()
    {
        var block = Between(MainBicep(), "// Deliberately left to their defaults:", "// (end of the defaults)");
        return SettingName().Matches(block).Select(m => m.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    private static string Between(string text, string start, string end)
    {
        var i = text.IndexOf(start, StringComparison.Ordinal);
        var j = i < 0 ? -1 : text.IndexOf(end, i, StringComparison.Ordinal);
        if (i < 0 || j < 0) throw new InvalidOperationException($"main.bicep has no block from '{start}' to '{end}'.");
        return text[(i + start.Length)..j];
    }

    // "Name: value" on its own line or inside "{ Name: value }"; app setting names have "__" or are the platform's upper-case ones.
    [GeneratedRegex(@"(?<=^|[{\s'])(?<name>[A-Za-z][A-Za-z0-9]*(?:__[A-Za-z0-9]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'?\s*:\s*(?<value>[^\n}]+?)\s*(?=\}|$)", RegexOptions.Multiline)]
    private static partial Regex SettingLine();

    [GeneratedRegex(@"\b[A-Za-z]+(__[A-Za-z0-9]+)+\b")]
    private static partial Regex SettingName();
}
