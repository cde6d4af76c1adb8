using System.Net;
using System.Text.RegularExpressions;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Fulfilment;

/// <summary>
/// The customer's page behind the signed onboarding link, after submitting (GetCustomerInstall): the appointment in
/// Berlin time once booked, the progress by hour block (ticked off of how many, which block is running) and, once
/// the run is finished, the handover summary; never an item's reason, an internal note, a team member's id or
/// anything of another customer; still without script.
/// </summary>
[Collection(StackCollection.Name)]
public sealed partial class CustomerInstallPageTests(StackFixture stack) : InstallTestBase(stack)
{
    private const string Internal = "INTERN: Kunde war beim Kick-off unvorbereitet";

    [Fact]
    public async Task Before_a_booking_the_page_says_what_comes_next_and_once_booked_it_shows_the_appointment_in_Berlin_time()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON", company: "Praxis Termin");
        var path = await CustomerPathAsync(lead);
        await PostQuestionnaireAsync(path, Questionnaire("A", "B", "C"));
        var before = await PageAsync(path);

        var booked = await BodyAsync(await BookAsync(lead, Iso(Tomorrow(10))));
        var after = await PageAsync(path);

        Assert.Contains("id=\"naechste-schritte\"", before);
        Assert.DoesNotContain("id=\"fortschritt\"", before);
        Assert.Contains($"Termin: <strong>{booked.GetProperty("appointment").GetString()}</strong> (Berliner Zeit)", after);
        Assert.Contains("10:00–15:00 Uhr", after);
        Assert.Equal(5, Regex.Matches(after, "<li[^>]* data-block=").Count);
        Assert.Contains("1. Kick-off und Ziele</span><span class=\"box\">10:00–11:00 Uhr</span>", after);
        Assert.Contains("0 von 4 abgehakt", after);
        Assert.DoesNotContain("läuft gerade", after);
        Assert.DoesNotContain("http-equiv=\"refresh\"", after);
        Assert.DoesNotContain("id=\"naechste-schritte\"", after);
    }

    [Fact]
    public async Task During_the_run_it_shows_the_progress_by_block_and_nothing_internal()
    {
        var (lead, run, body) = await BookedRunAsync(company: "Kanzlei Fortschritt", hour: 9);
        var path = await CustomerPathAsync(lead);
        await PostQuestionnaireAsync(path, Questionnaire("Anfragen beantworten", "Rechnungen vorsortieren", "Termine bestätigen"));
        Clock.Set(Tomorrow(9).AddMinutes(30));
        Assert.Equal(HttpStatusCode.OK, (await MarkAsync(run, ItemId(body, "Systemvoraussetzungen geprüft"), "skip", Internal)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await MarkAsync(run, ItemId(body, "Ziele aus dem Onboarding bestätigt"), "complete")).StatusCode);

        var html = await PageAsync(path);

        Assert.Contains("<li class=\"current\" data-block=\"1\"><div class=\"block-head\"><span class=\"block-title\">1. Kick-off und Ziele<span class=\"badge\">läuft gerade</span>", html);
        Assert.Contains("<progress max=\"4\" value=\"2\"", html);
        Assert.Contains("2 von 4 abgehakt", html);
        Assert.Contains("Die Installation läuft: 2 von 23 Punkten abgehakt.", html);
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"60\">", html);
        Assert.DoesNotContain("INTERN", html);
        Assert.DoesNotContain("Systemvoraussetzungen", html);
        Assert.DoesNotContain("übersprungen", html);
        Assert.DoesNotContain(Host.TeamMemberId.ToString(), html);
        Assert.DoesNotContain(run.ToString(), html);
        Assert.DoesNotContain("id=\"uebergabe\"", html);
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public async Task Once_finished_it_shows_the_handover_summary_with_the_workflows_and_no_skip_reason()
    {
        var (lead, run, body) = await BookedRunAsync(company: "Studio Übergabe", hour: 8);
        var path = await CustomerPathAsync(lead);
        var form = Questionnaire("Anfragen beantworten", "Rechnungen vorsortieren", "Termine bestätigen");
        form["approval_rules.own"] = "Termine absagen.";
        await PostQuestionnaireAsync(path, form);
        Clock.Set(Tomorrow(8).AddMinutes(10));
        foreach (var item in body.GetProperty("items").EnumerateArray())
        {
            var title = item.GetProperty("title").GetString()!;
            var (action, reason) = title == "Systemvoraussetzungen geprüft" ? ("skip", Internal)
                : title == "RLS auf jeder Tabelle, in die der Agent schreibt" ? ("not-applicable", "Der Agent schreibt in keine Datenbank.") : ("complete", null);
            Assert.Equal(HttpStatusCode.OK, (await MarkAsync(run, item.GetProperty("id").GetGuid(), action, reason)).StatusCode);
        }

        var response = await Host.Client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("<h1>Deine Installation ist fertig</h1>", html);
        Assert.Contains("Die Installation ist abgeschlossen.", html);
        Assert.Contains("<section id=\"uebergabe\">", html);
        Assert.Contains("<h2>Übergabe für Studio Übergabe</h2>", html);
        Assert.Contains("<strong>Anfragen beantworten</strong><br>Läuft: nach Zeitplan 0 8 * * 1-5 (Berliner Zeit)<br>Freigabe: Das Senden", html);
        Assert.Contains("<strong>Rechnungen vorsortieren</strong>", html);
        Assert.Contains("<strong>Termine bestätigen</strong>", html);
        Assert.Contains("Außerdem nur mit deinem OK: Termine absagen.", html);
        Assert.Contains("RLS auf jeder Tabelle, in die der Agent schreibt: nicht anwendbar – Der Agent schreibt in keine Datenbank.", html);
        Assert.DoesNotContain("Vorläufig", html);
        Assert.DoesNotContain("INTERN", html);
        Assert.DoesNotContain("http-equiv=\"refresh\"", html);
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public async Task The_page_shows_only_the_links_own_customer()
    {
        var (other, otherRun, otherBody) = await BookedRunAsync(company: "Fremde GmbH", hour: 7);
        await MarkAsync(otherRun, ItemId(otherBody, "Ziele aus dem Onboarding bestätigt"), "complete");
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON", company: "Eigene GmbH");
        var path = await CustomerPathAsync(lead);
        await PostQuestionnaireAsync(path, Questionnaire("Eigener Workflow", "B", "C"));

        var html = await PageAsync(path);

        Assert.Contains("id=\"naechste-schritte\"", html);
        Assert.DoesNotContain("Fremde GmbH", html);
        Assert.DoesNotContain("data-block=", html);
        Assert.NotEqual(other, lead);
    }

    private async Task<string> PageAsync(string path)
    {
        var response = await Host.Client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {response.StatusCode}: {html}");
        return html;
    }
}
