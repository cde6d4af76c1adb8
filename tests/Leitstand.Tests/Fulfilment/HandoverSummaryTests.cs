using System.Net;
using System.Net.Http.Headers;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Fulfilment;

/// <summary>
/// <c>GET /api/installs/{id}/summary</c>: the customer's handover summary as printable German HTML: what was installed,
/// the workflows with the approval rule, the baseline with a "nicht anwendbar" and its reason, stop and restart, whom
/// to call; no skip reason or other internal note.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class HandoverSummaryTests(StackFixture stack) : InstallTestBase(stack)
{
    [Fact]
    public async Task The_summary_shows_what_the_customer_needs_and_no_internal_note()
    {
        var (_, run, body) = await BookedRunAsync(company: "Tischlerei Summary");
        const string internalNote = "INTERN: Kunde war beim Kick-off unvorbereitet";
        const string notApplicable = "Der Agent schreibt in keine Datenbank.";
        Assert.Equal(HttpStatusCode.OK, (await MarkAsync(run, ItemId(body, "Systemvoraussetzungen geprüft"), "skip", internalNote)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await MarkAsync(run, ItemId(body, "Agent unter dem Benutzerkonto des Kunden installiert"), "complete")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await MarkAsync(run, ItemId(body, "RLS auf jeder Tabelle, in die der Agent schreibt"), "not-applicable", notApplicable)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await MarkAsync(run, ItemId(body, "Kern-Workflow 1"), "complete")).StatusCode);

        var response = await Host.TeamClient.GetAsync($"/api/installs/{run}/summary");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"de\">", html);
        Assert.Contains("Übergabe für Tischlerei Summary", html);
        Assert.Contains("@media print", html);
        Assert.Contains("<li>Agent unter dem Benutzerkonto des Kunden installiert</li>", html);
        Assert.Contains("<strong>Kern-Workflow 1</strong>", html);
        Assert.Contains("<strong>Kern-Workflow 2</strong> <span class=\"muted\">(noch nicht eingerichtet)</span>", html);
        Assert.Contains("E-Mails senden, Zahlungen und Löschungen macht dein Agent immer nur mit deinem OK.", html);
        Assert.Contains("RLS auf jeder Tabelle, in die der Agent schreibt: nicht anwendbar – " + notApplicable, html);
        Assert.Contains("Monitoring verbunden: noch offen", html);
        Assert.Contains("Anhalten und wieder starten", html);
        Assert.Contains("Bei Fragen erreichst du Test Team per E-Mail", html);
        Assert.Contains("Vorläufig", html);
        Assert.DoesNotContain("INTERN", html);
        Assert.DoesNotContain("Systemvoraussetzungen", html);
        Assert.DoesNotContain(Host.TeamMemberId.ToString(), html);
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public async Task The_summary_lists_the_submitted_workflows_with_their_approval_and_the_customers_own_rules()
    {
        var (lead, run, _) = await BookedRunAsync(company: "Bäckerei Freigabe");
        var form = Questionnaire("Anfragen beantworten", "Rechnungen vorsortieren", "Termine bestätigen");
        form["workflows.1.approval"] = "Antworten an Neukunden";
        form["approval_rules.own"] = "Termine absagen und Preise nennen.";
        form["approval_rules.approver"] = "Ich selbst, per WhatsApp";
        form["approval_rules.deputy"] = "Meine Kollegin Jana";
        await PostQuestionnaireAsync(await CustomerPathAsync(lead), form);

        var html = await (await Host.TeamClient.GetAsync($"/api/installs/{run}/summary")).Content.ReadAsStringAsync();

        Assert.Contains("<strong>Anfragen beantworten</strong> <span class=\"muted\">(noch nicht eingerichtet)</span><br>Läuft: nach Zeitplan 0 8 * * 1-5 (Berliner Zeit)<br>Freigabe: Antworten an Neukunden", html);
        Assert.Contains("<strong>Rechnungen vorsortieren</strong> <span class=\"muted\">(noch nicht eingerichtet)</span><br>Läuft: alle 30 Minuten<br>Freigabe: Das Senden", html);
        Assert.Contains("<strong>Termine bestätigen</strong> <span class=\"muted\">(noch nicht eingerichtet)</span><br>Läuft: jeden Tag<br>", html);
        Assert.Contains("Außerdem nur mit deinem OK: Termine absagen und Preise nennen.", html);
        Assert.Contains("Wer freigibt: Ich selbst, per WhatsApp · Vertretung: Meine Kollegin Jana", html);
        Assert.DoesNotContain("<strong>Kern-Workflow", html);
        Assert.DoesNotContain("klara@kundin.de", html);
    }

    [Fact]
    public async Task Without_a_token_it_is_401_and_an_unknown_run_404()
    {
        var (_, run, _) = await BookedRunAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.Client.GetAsync($"/api/installs/{run}/summary")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/installs/{Guid.NewGuid()}/summary");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Host.TeamToken);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Client.SendAsync(request)).StatusCode);
    }
}
