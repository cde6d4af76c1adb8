using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Leitstand.Functions;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Infra;

namespace Leitstand.Tests.Settings;

/// <summary>
/// Settings cannot drift: every setting the code binds (the sections of AppSettings, by reflection, and every direct
/// read found in the source) is in local.settings.sample.json, in the README's table, and set by infra/bicep/main.bicep
/// as the table's "Azure" column says (or listed there as left to its default); and nothing stale is left in any of them.
/// </summary>
public sealed partial class SettingsDriftTests
{
    private static readonly StringComparer Keys = StringComparer.OrdinalIgnoreCase;

    /// <summary>Settings the platform reads, not the code (allowed in the sample or the Bicep).</summary>
    private static readonly HashSet<string> PlatformSample = new(Keys) { "FUNCTIONS_WORKER_RUNTIME" };
    private static readonly HashSet<string> PlatformBicep = new(Keys)
    {
        "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "AzureWebJobsStorage__blobServiceUri",
    };

    /// <summary>A bound setting: its app setting name ("Leads__AllowedOrigins" for an array, listed as "…__N"), its default, whether it is an array.</summary>
    private sealed record Setting(string Name, object? Default, bool IsArray);

    /// <summary>Every setting of every section AppSettings binds.</summary>
    private static IReadOnlyList<Setting> BoundSettings()
    {
        var settings = new List<Setting>();
        void Walk(string prefix, Type type, object? defaults, bool sectionValue)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                var value = defaults is null ? null : property.GetValue(defaults);
                var name = $"{prefix}__{property.Name}";
                // StorageSettings.ConnectionString is the value of "AzureWebJobsStorage" itself (AppSettings binds it so).
                if (sectionValue && property.Name == nameof(StorageSettings.ConnectionString)) name = prefix;
                var t = property.PropertyType;
                if (t == typeof(string) || t.IsPrimitive || t == typeof(decimal)) settings.Add(new Setting(name, value, false));
                else if (t.IsArray) settings.Add(new Setting(name, value, true));
                else if (t.IsClass) Walk(name, t, value, false);
                else throw new InvalidOperationException($"{name}: type {t} is not handled by this test.");
            }
        }
        foreach (var (section, type) in AppSettings.Sections)
            Walk(section, type, Activator.CreateInstance(type), type == typeof(StorageSettings));
        return settings;
    }

    private static IEnumerable<string> SourceFiles(params string[] folders) =>
        folders.SelectMany(f => Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, f), "*.cs", SearchOption.AllDirectories))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    /// <summary>Literal keys read from configuration in the source: indexers, GetValue, GetSection, environment variables, %Setting% in triggers.</summary>
    private static IReadOnlyList<(string File, string Key, string Kind)> DirectReads(params string[] folders) =>
        [.. SourceFiles(folders).SelectMany(file =>
        {
            var text = File.ReadAllText(file);
            var relative = Path.GetRelativePath(RepoPaths.Root, file);
            return ConfigurationIndexer().Matches(text).Select(m => (relative, m.Groups["key"].Value, "indexer"))
                .Concat(GetValueCall().Matches(text).Select(m => (relative, m.Groups["key"].Value, "GetValue")))
                .Concat(GetSectionCall().Matches(text).Select(m => (relative, m.Groups["key"].Value, "GetSection")))
                .Concat(EnvironmentRead().Matches(text).Select(m => (relative, m.Groups["key"].Value, "environment")))
                .Concat(TriggerSetting().Matches(text).Select(m => (relative, m.Groups["key"].Value, "%setting%")));
        })];

    private static string Name(string configurationKey) => AppSettings.SettingName(configurationKey);

    private static Dictionary<string, string?> Sample()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        return doc.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText(), Keys);
    }

    /// <summary>The README's settings table: setting name → its "Azure" column.</summary>
    private static Dictionary<string, string> ReadmeTable()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("## Einstellungen", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        var table = new Dictionary<string, string>(Keys);
        foreach (var line in section.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var cells = line.Trim().Trim('|').Split(" | ");
            foreach (Match name in Backticked().Matches(cells[0]))
                Assert.True(table.TryAdd(name.Groups[1].Value, cells[^1].Trim()), $"README lists {name.Groups[1].Value} twice.");
        }
        return table;
    }

    private static string ReadmeLocalOnly()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var i = readme.IndexOf("Nur lokal, nie in der Function App:", StringComparison.Ordinal);
        Assert.True(i >= 0, "README, Einstellungen: the paragraph \"Nur lokal, nie in der Function App:\" is missing.");
        return readme[i..readme.IndexOf("\n\n", i, StringComparison.Ordinal)];
    }

    [Fact]
    public void Every_bound_setting_is_in_the_sample_the_readme_and_the_bicep_as_its_table_row_says()
    {
        var sample = Sample();
        var readme = ReadmeTable();
        var bicep = BicepSource.AppSettings();
        var defaults = BicepSource.LeftToDefault();
        var problems = new List<string>();

        foreach (var setting in BoundSettings())
        {
            var listed = setting.IsArray ? setting.Name + "__N" : setting.Name;
            bool InSample() => setting.IsArray ? sample.Keys.Any(k => ArrayElement(setting.Name).IsMatch(k)) : sample.ContainsKey(setting.Name);
            var setByBicep = setting.IsArray ? bicep.Where(b => ArrayElement(setting.Name).IsMatch(b.Key)).Select(b => b.Value).FirstOrDefault()
                : bicep.GetValueOrDefault(setting.Name);

            if (!readme.TryGetValue(listed, out var azure)) { problems.Add($"{listed} is not in the README's table (Einstellungen)."); continue; }
            if (azure != "nur Azure" && !InSample()) problems.Add($"{listed} is not in local.settings.sample.json.");
            switch (azure)
            {
                case "Key Vault":
                    if (setByBicep is null || !setByBicep.StartsWith("secret(", StringComparison.Ordinal)) problems.Add($"{listed}: the README says Key Vault, main.bicep does not set it to secret(…).");
                    break;
                case "Bicep" or "nur Azure":
                    if (setByBicep is null) problems.Add($"{listed}: the README says {azure}, main.bicep does not set it.");
                    else if (setByBicep.StartsWith("secret(", StringComparison.Ordinal)) problems.Add($"{listed}: main.bicep takes it from Key Vault, the README says {azure}.");
                    break;
                case "Standard":
                    if (setByBicep is not null || !defaults.Contains(setting.Name)) problems.Add($"{listed}: the README says Standard, main.bicep must not set it and must list it as left to its default.");
                    else if (!setting.IsArray && sample.TryGetValue(setting.Name, out var value) && !SameValue(setting.Default, value))
                        problems.Add($"{listed}: local.settings.sample.json has '{value}', the code's default is '{setting.Default}'.");
                    break;
                case "nur lokal":
                    if (setByBicep is not null || defaults.Contains(setting.Name)) problems.Add($"{listed}: the README says nur lokal, main.bicep sets or lists it.");
                    break;
                default:
                    problems.Add($"{listed}: unknown Azure column '{azure}' in the README (Bicep, Key Vault, Standard, nur lokal, nur Azure).");
                    break;
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Nothing_stale_is_left_in_the_sample_the_readme_or_the_bicep()
    {
        var bound = BoundSettings();
        bool Known(string key) => bound.Any(s => Keys.Equals(s.Name, key) || (s.IsArray && (ArrayElement(s.Name).IsMatch(key) || Keys.Equals(s.Name + "__N", key))));
        var problems = new List<string>();

        problems.AddRange(Sample().Keys.Where(k => !Known(k) && !PlatformSample.Contains(k)).Select(k => $"local.settings.sample.json has {k}, which the code does not read."));
        problems.AddRange(ReadmeTable().Keys.Where(k => !Known(k)).Select(k => $"The README's table has {k}, which the code does not read."));
        problems.AddRange(BicepSource.AppSettings().Keys.Where(k => !Known(k) && !PlatformBicep.Contains(k)).Select(k => $"main.bicep sets {k}, which the code does not read."));
        problems.AddRange(BicepSource.LeftToDefault().Where(k => !Known(k)).Select(k => $"main.bicep lists {k} as left to its default, which the code does not read."));

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_direct_read_of_the_app_is_a_bound_setting()
    {
        var bound = BoundSettings().Select(s => s.Name).ToHashSet(Keys);
        var sections = AppSettings.Sections.Select(s => s.Section).ToHashSet(Keys);
        var reads = DirectReads("functions", "shared");

        // The queue triggers name their queue by setting (%Alerts:Queue%); without them this test would look at nothing.
        Assert.Contains(reads, r => r.Kind == "%setting%");
        var problems = reads.Where(r => r.Kind == "GetSection" ? !sections.Contains(r.Key) : !bound.Contains(Name(r.Key)))
            .Select(r => $"{r.File} reads {r.Key} ({r.Kind}), which is not a setting of a section in AppSettings.Sections (bound and validated at start).")
            .ToList();

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void What_only_the_local_host_reads_is_listed_as_local_only()
    {
        var bound = BoundSettings().Select(s => s.Name).ToHashSet(Keys);
        var localOnly = ReadmeLocalOnly();
        var reads = DirectReads("host");

        Assert.Contains(reads, r => r.Kind == "environment");
        var sections = AppSettings.Sections.Select(s => s.Section).ToHashSet(Keys);
        var problems = reads.Where(r => r.Kind != "%setting%")
            .Where(r => r.Kind == "GetSection" ? !sections.Contains(r.Key) : !bound.Contains(Name(r.Key)) && !localOnly.Contains($"`{Name(r.Key)}`", StringComparison.Ordinal))
            .Select(r => $"{r.File} reads {r.Key}: neither an app setting nor listed in the README as \"Nur lokal\".")
            .Distinct().ToList();

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static bool SameValue(object? codeDefault, string? sampleValue) => codeDefault switch
    {
        null => string.IsNullOrEmpty(sampleValue),
        bool b => bool.TryParse(sampleValue, out var v) && v == b,
        int i => int.TryParse(sampleValue, System.Globalization.CultureInfo.InvariantCulture, out var v) && v == i,
        double d => double.TryParse(sampleValue, System.Globalization.CultureInfo.InvariantCulture, out var v) && v == d,
        _ => string.Equals(codeDefault.ToString(), sampleValue, StringComparison.Ordinal),
    };

    private static Regex ArrayElement(string name) => new($"^{Regex.Escape(name)}__[0-9]+$", RegexOptions.IgnoreCase);

    [GeneratedRegex("`([A-Za-z][A-Za-z0-9]*(?:__[A-Za-z0-9<>]+)+|AzureWebJobsStorage)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"\w+\[""(?<key>[A-Za-z][A-Za-z0-9]*(?::[A-Za-z0-9]+)+|AzureWebJobsStorage)""\]")]
    private static partial Regex ConfigurationIndexer();

    [GeneratedRegex(@"\.GetValue<[^>]+>\(""(?<key>[^""]+)""")]
    private static partial Regex GetValueCall();

    [GeneratedRegex(@"\.GetSection\(""(?<key>[^""]+)""\)")]
    private static partial Regex GetSectionCall();

    [GeneratedRegex(@"GetEnvironmentVariable\(""(?<key>[^""]+)""\)")]
    private static partial Regex EnvironmentRead();

    [GeneratedRegex(@"""%(?<key>[A-Za-z][A-Za-z0-9:_]*)%""")]
    private static partial Regex TriggerSetting();
}
