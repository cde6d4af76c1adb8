using System.Text.Json;
using Leitstand.Platform;

namespace Leitstand.Fulfilment;

/// <summary>
/// A version of the onboarding questionnaire as the data holds it (public.onboarding_templates): sections of
/// kind <c>fields</c> (one answer per field), <c>table</c> (a row per channel, the same fields in each) or
/// <c>repeat</c> (<see cref="TemplateSection.Count"/> times the same fields: the three core workflows).
/// </summary>
public sealed record OnboardingTemplate(int Version, string Title, string Intro, IReadOnlyList<TemplateSection> Sections)
{
    public static OnboardingTemplate Parse(int version, string title, string intro, string sectionsJson) =>
        new(version, title, intro, JsonSerializer.Deserialize<List<TemplateSection>>(sectionsJson, JsonConvention.Default)
            ?? throw new FormatException($"Onboarding template {version} has no sections."));
}

/// <param name="RowKey">Table sections: the name of the row's key in each answer object (e.g. "channel").</param>
/// <param name="Fixed">Shown as always true (the approval rules every agent keeps); stored as "always".</param>
public sealed record TemplateSection(string Key, string Title, string Kind, string? Intro, IReadOnlyList<TemplateField> Fields,
    IReadOnlyList<TemplateRow>? Rows = null, int? Count = null, IReadOnlyList<TemplateRow>? Fixed = null, string? RowKey = null);

/// <param name="Type">text, textarea, email, phone, choice, date, frequency.</param>
public sealed record TemplateField(string Key, string Label, string Type, bool Required, int? Max = null, string? Hint = null,
    IReadOnlyList<TemplateOption>? Options = null);

public sealed record TemplateRow(string Key, string Label);

public sealed record TemplateOption(string Value, string Label);
