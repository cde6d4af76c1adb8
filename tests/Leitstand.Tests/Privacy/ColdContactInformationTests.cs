using System.Text.RegularExpressions;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Privacy;

/// <summary>
/// The Art. 14 information for cold contacts (web/landing/info-kaltakquise.html) says what the article asks for, loads
/// nothing from elsewhere, and every variant of the cold-DM script's first message links it (playbook data and the
/// rendered docs/vertrieb/cold-dm-skript.md).
/// </summary>
[Collection(StackCollection.Name)]
public sealed partial class ColdContactInformationTests(StackFixture stack)
{
    private const string PageName = "info-kaltakquise.html";

    [Fact]
    public async Task The_page_names_who_why_the_public_source_the_legal_basis_retention_the_rights_with_objection_and_a_contact()
    {
        var html = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Landing, PageName));

        Assert.Contains("<html lang=\"de\">", html, StringComparison.Ordinal);
        foreach (var part in new[] { "Wer wir sind", "Warum wir dich kontaktieren", "öffentlichen Profil", "Art.&nbsp;6 Abs.&nbsp;1 lit.&nbsp;f DSGVO",
                     "Wie lange wir die Daten speichern", "Art.&nbsp;21 DSGVO", "widersprechen", "Art.&nbsp;15", "Art.&nbsp;17", "Aufsichtsbehörde", "mailto:" })
            Assert.Contains(part, html, StringComparison.Ordinal);
        Assert.DoesNotMatch(ExternalResource(), html);
    }

    [Fact]
    public async Task Every_variant_of_the_first_cold_DM_links_the_information_in_the_data_and_in_the_rendered_script()
    {
        var description = await Crm.ScalarAsync<string>(stack.Admin, "select description from playbooks where key = 'followup_sequence'");
        var rendered = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "vertrieb", "cold-dm-skript.md"));

        foreach (var text in new[] { description, rendered })
        {
            var firstDm = text[text.IndexOf("## Die erste DM", StringComparison.Ordinal)..];
            var variants = firstDm.Split("**Variante", StringSplitOptions.None)[1..];
            Assert.Equal(2, variants.Length);
            Assert.All(variants, v => Assert.Contains("https://agent-in-5-stunden.de/" + PageName, v, StringComparison.Ordinal));
        }
    }

    // src or a stylesheet from another origin (links to other sites are fine; nothing is loaded from them)
    [GeneratedRegex("(src=\"(https?:)?//)|(<link[^>]+href=\"(https?:)?//)", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalResource();
}
