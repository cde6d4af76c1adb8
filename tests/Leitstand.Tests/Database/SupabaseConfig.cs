using Leitstand.LocalHost.Stack;

namespace Leitstand.Tests.Database;

/// <summary>supabase/config.toml as the tests read it: "section.key" → raw value, and the schema files it lists.</summary>
internal static class SupabaseConfig
{
    public static string File => Path.Combine(RepoPaths.Supabase, "config.toml");

    public static Dictionary<string, string> Read() => Toml(System.IO.File.ReadAllText(File));

    /// <summary>[db.migrations] schema_paths, as full paths, in their order (the order the schema build applies them).</summary>
    public static IReadOnlyList<string> SchemaPaths() =>
        Read().TryGetValue("db.migrations.schema_paths", out var value)
            ? Array(value).Select(p => Path.GetFullPath(Path.Combine(RepoPaths.Supabase, p))).ToList()
            : [];

    /// <summary>The items of a TOML array of strings: ["a", "b",] → a, b.</summary>
    public static IReadOnlyList<string> Array(string value)
    {
        Assert.True(value.StartsWith('[') && value.EndsWith(']'), $"config.toml: {value} is not an array.");
        return value[1..^1].Split(',').Select(v => v.Trim()).Where(v => v.Length > 0)
            .Select(v => { Assert.True(v.Length >= 2 && v[0] == '"' && v[^1] == '"', $"config.toml: {v} is not a string."); return v[1..^1]; })
            .ToList();
    }

    /// <summary>
    /// "section.key" → raw value, for the flat TOML the CLI template uses (tables, key = value, comments; an array may
    /// span lines, one item per line).
    /// </summary>
    public static Dictionary<string, string> Toml(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var section = "";
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith('[')) { section = line.Trim('[', ']'); continue; }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(eq > 0, $"config.toml: '{line}' is neither a table nor key = value.");
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (value.StartsWith('[') && !value.EndsWith(']'))
            {
                while (!value.EndsWith(']'))
                {
                    Assert.True(++i < lines.Length, $"config.toml: the array {key} is not closed.");
                    var item = lines[i].Trim();
                    if (item.Length > 0 && !item.StartsWith('#')) value += " " + item;
                }
            }
            Assert.True(values.TryAdd(section.Length == 0 ? key : $"{section}.{key}", value), $"config.toml: {section}.{key} twice.");
        }
        return values;
    }
}
