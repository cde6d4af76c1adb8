using System.Text.Json;
using Leitstand.LocalHost.Stack;
using Leitstand.Monitoring;
using Leitstand.Pipeline;
using Leitstand.Retention;

namespace Leitstand.Tests.Retention;

/// <summary>
/// What the privacy page and docs/datenschutz.md promise about retention is what the code does: web/landing/retention.json
/// holds the periods, its values are the settings' defaults, and the page (source and build) and the document state
/// each period in the same words from the same values.
/// </summary>
public sealed class RetentionPromisesTests
{
    private sealed record Period(string Key, string Setting, int Value, string Unit, string Label, string After);

    private static IReadOnlyList<Period> Periods()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Landing, "retention.json")));
        return [.. doc.RootElement.GetProperty("periods").EnumerateArray().Select(p => new Period(
            p.GetProperty("key").GetString()!, p.GetProperty("setting").GetString()!, p.GetProperty("value").GetInt32(),
            p.GetProperty("unit").GetString()!, p.GetProperty("label").GetString()!, p.GetProperty("after").GetString()!))];
    }

    /// <summary>"12 Monate nach dem letzten Kontakt", as web/landing/build.mjs writes it.</summary>
    private static string Text(Period p) =>
        $"{p.Value} {(p.Unit == "months" ? (p.Value == 1 ? "Monat" : "Monate") : (p.Value == 1 ? "Tag" : "Tage"))} {p.After}";

    /// <summary>As build.mjs escapes text for HTML (only &amp; &lt; &gt; &quot;; umlauts stay).</summary>
    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    /// <summary>Every default the page states, by app setting name.</summary>
    private static Dictionary<string, int> Defaults()
    {
        var retention = new RetentionSettings();
        var monitoring = new MonitoringSettings();
        return new()
        {
            ["Retention__OpenLeadMonths"] = retention.OpenLeadMonths,
            ["Retention__UncontactedProspectMonths"] = retention.UncontactedProspectMonths,
            ["Retention__CustomerMonths"] = retention.CustomerMonths,
            ["Retention__IncidentMonths"] = retention.IncidentMonths,
            ["Retention__OutboxDays"] = retention.OutboxDays,
            ["Retention__AlertDays"] = retention.AlertDays,
            ["Retention__RateLimitDays"] = retention.RateLimitDays,
            ["Pipeline__LostRetentionDays"] = new PipelineSettings().LostRetentionDays,
            ["Monitoring__HeartbeatRetentionDays"] = monitoring.HeartbeatRetentionDays,
            ["Monitoring__FlipRetentionDays"] = monitoring.FlipRetentionDays,
        };
    }

    [Fact]
    public void Every_period_of_retention_json_is_the_default_of_its_setting_and_every_retention_setting_is_stated()
    {
        var periods = Periods();
        var defaults = Defaults();
        foreach (var p in periods)
        {
            Assert.True(defaults.TryGetValue(p.Setting, out var value), $"retention.json names {p.Setting}, which is not a retention setting.");
            Assert.True(value == p.Value, $"retention.json says {p.Setting} = {p.Value}, the code's default is {value}.");
            Assert.True(p.Unit == (p.Setting.EndsWith("Months", StringComparison.Ordinal) ? "months" : "days"), $"{p.Setting}: unit {p.Unit}.");
        }
        Assert.Equal(defaults.Keys.Order(), periods.Select(p => p.Setting).Order());
    }

    [Fact]
    public void The_privacy_page_and_the_document_state_every_period_from_the_same_values()
    {
        var page = File.ReadAllText(Path.Combine(RepoPaths.Landing, "datenschutz.html"));
        var document = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "datenschutz.md"));
        foreach (var p in Periods())
        {
            var item = $"<li><strong>{Escape(p.Label)}:</strong> {Escape(Text(p))}</li>";
            Assert.True(page.Contains(item, StringComparison.Ordinal), $"datenschutz.html lacks „{item}“ (node web/landing/build.mjs --sync).");
            var row = $"| {p.Label} | {Text(p)} | `{p.Setting}` |";
            Assert.True(document.Contains(row, StringComparison.Ordinal), $"docs/datenschutz.md lacks „{row}“ (node web/landing/build.mjs --sync).");
        }
        // no other period in the list than these
        var list = page[page.IndexOf("<ul data-retention>", StringComparison.Ordinal)..];
        list = list[..list.IndexOf("</ul>", StringComparison.Ordinal)];
        Assert.Equal(Periods().Count, list.Split("<li>").Length - 1);
    }
}
