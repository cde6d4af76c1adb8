using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Leads;

namespace Leitstand.Tests.Privacy;

/// <summary>
/// The consent texts as data (public.consent_texts): the landing form shows the current version's exact text and
/// sends its version; the form refuses a version the table does not hold, and stores nothing then.
/// </summary>
[Collection(StackCollection.Name)]
public sealed partial class ConsentTextTests(StackFixture stack) : ProspectTestBase(stack)
{
    [Fact]
    public async Task The_landing_forms_consent_text_and_version_equal_the_current_version_in_the_database()
    {
        var html = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Landing, "index.html"));
        var label = ConsentLabel().Match(html);
        Assert.True(label.Success, "index.html has no <label for=\"consent\">");
        var shown = WebUtility.HtmlDecode(Tags().Replace(RequiredMark().Replace(label.Groups["inner"].Value, ""), ""));
        shown = Spaces().Replace(shown, " ").Trim();
        var version = VersionInput().Match(html).Groups["version"].Value;

        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var current = await connection.QuerySingleAsync<(string Version, string Text)>(
            "select version, text from consent_texts where valid_from <= now() order by valid_from desc limit 1");
        Assert.Equal(current.Version, version);
        Assert.Equal(current.Text, shown);
    }

    [Fact]
    public async Task A_form_submission_naming_an_unknown_consent_version_is_refused_at_that_field_and_stores_nothing()
    {
        var fields = LeadForms.Valid();
        fields["consent_text_version"] = "1999-01-01";

        var response = await Host.Client.SendAsync(LeadForms.Json(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Version des Einwilligungstextes", (await Objections.BodyAsync(response)).GetProperty("errors").GetProperty("consent_text_version")[0].GetString());
        Assert.Equal(0, await CountAsync("select count(*) from leads where email = @email", new { email = fields["email"] }));
    }

    [GeneratedRegex("<label for=\"consent\">(?<inner>.*?)</label>", RegexOptions.Singleline)]
    private static partial Regex ConsentLabel();

    [GeneratedRegex("<span class=\"req\"[^>]*>.*?</span>", RegexOptions.Singleline)]
    private static partial Regex RequiredMark();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex("id=\"consent_text_version\" name=\"consent_text_version\" value=\"(?<version>[^\"]+)\"")]
    private static partial Regex VersionInput();
}
