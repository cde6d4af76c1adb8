using System.Net;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Fulfilment;

/// <summary>
/// "Entwurf speichern" on the customer's page: a partial draft is kept and shown again; a malformed value comes back
/// with its German message at the field while the rest is saved; a page without script under a strict CSP; 413.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SaveOnboardingDraftTests(StackFixture stack) : OnboardingTestBase(stack)
{
    [Fact]
    public async Task A_partial_draft_is_saved_and_shown_again_with_nothing_required_yet()
    {
        var (lead, path) = await WonLeadWithLinkAsync();

        var response = await PostFormAsync(path, new Dictionary<string, string>
        {
            ["goals.change"] = "Anfragen schneller beantworten",
            ["workflows.1.name"] = "Anfragen <sortieren>",
            ["workflows.1.frequency.schedule"] = "0 8 * * 1-5",
        }, "draft");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(path + "?gespeichert=1", response.Headers.Location?.OriginalString);
        var answers = await AnswersAsync(lead);
        Assert.Equal("Anfragen schneller beantworten", answers.GetProperty("goals").GetProperty("change").GetString());
        var workflow = answers.GetProperty("workflows")[0];
        Assert.Equal(("Anfragen <sortieren>", "0 8 * * 1-5", "Europe/Berlin"),
            (workflow.GetProperty("name").GetString(), workflow.GetProperty("schedule").GetString(), workflow.GetProperty("timezone").GetString()));
        Assert.Equal(3, answers.GetProperty("workflows").GetArrayLength());
        Assert.Equal("draft", await StateAsync(lead));
        var page = await PageAsync(path + "?gespeichert=1");
        Assert.Contains("Entwurf gespeichert.", page, StringComparison.Ordinal);
        Assert.Contains("value=\"Anfragen &lt;sortieren&gt;\"", page, StringComparison.Ordinal);
        Assert.Contains(">Anfragen schneller beantworten</textarea>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_value_gets_its_german_message_at_the_field_and_the_rest_is_saved()
    {
        var (lead, path) = await WonLeadWithLinkAsync();

        var response = await PostFormAsync(path, new Dictionary<string, string>
        {
            ["contact.email"] = "klara at kundin",
            ["contact.name"] = "Klara Kundin",
            ["workflows.2.frequency.schedule"] = "jeden Morgen",
        }, "draft");

        var html = await HtmlAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Bitte eine gültige E-Mail-Adresse angeben, z. B. name@firma.de.", ErrorAt(html, "f-contact-email"));
        Assert.StartsWith("Dieser Zeitplan ist kein gültiger Cron-Ausdruck", ErrorAt(html, "f-workflows-2-frequency"));
        Assert.Null(ErrorAt(html, "f-goals-change"));
        Assert.Contains("aria-describedby=\"f-contact-email-error\" aria-invalid=\"true\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"klara at kundin\"", html, StringComparison.Ordinal);
        var contact = (await AnswersAsync(lead)).GetProperty("contact");
        Assert.Equal("Klara Kundin", contact.GetProperty("name").GetString());
        Assert.False(contact.TryGetProperty("email", out _));
    }

    [Fact]
    public async Task The_page_works_without_script_under_a_strict_csp()
    {
        var (_, path) = await WonLeadWithLinkAsync();

        var response = await Host.Client.GetAsync(path);

        var html = await HtmlAsync(response, HttpStatusCode.OK);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<form method=\"post\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"action\" value=\"draft\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"viewport\"", html, StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task An_oversized_post_is_413_and_saves_nothing()
    {
        var (lead, path) = await WonLeadWithLinkAsync();

        var response = await PostFormAsync(path, new Dictionary<string, string> { ["goals.change"] = new string('x', 70_000) }, "draft");

        var html = await HtmlAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("zu lang", html, StringComparison.Ordinal);
        Assert.False((await AnswersAsync(lead)).TryGetProperty("goals", out _));
    }
}
