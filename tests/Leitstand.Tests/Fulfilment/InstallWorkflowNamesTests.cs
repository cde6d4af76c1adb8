using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Fulfilment;

/// <summary>
/// public.install_workflow_names: the workflow items of an install carry the names of the three core workflows the
/// customer submitted, read at every read of the run: a run booked before the answers were submitted shows
/// "Kern-Workflow n" until they are, a draft does not count, and reopened answers count again once resubmitted.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class InstallWorkflowNamesTests(StackFixture stack) : InstallTestBase(stack)
{
    [Fact]
    public async Task A_run_booked_before_the_answers_shows_the_workflow_names_once_they_are_submitted()
    {
        var (lead, run, booked) = await BookedRunAsync();
        var path = await CustomerPathAsync(lead);
        await PostQuestionnaireAsync(path, Questionnaire("Anfragen beantworten", "Rechnungen vorsortieren", "Termine bestätigen"), "draft");

        var asDraft = WorkflowTitles(await GetRunAsync(run));
        await PostQuestionnaireAsync(path, Questionnaire("Anfragen beantworten", "Rechnungen vorsortieren", "Termine bestätigen"));
        var submitted = WorkflowTitles(await GetRunAsync(run));

        Assert.Equal(["Kern-Workflow 1", "Kern-Workflow 2", "Kern-Workflow 3"], WorkflowTitles(booked));
        Assert.Equal(["Kern-Workflow 1", "Kern-Workflow 2", "Kern-Workflow 3"], asDraft);
        Assert.Equal(["Anfragen beantworten", "Rechnungen vorsortieren", "Termine bestätigen"], submitted);
    }

    [Fact]
    public async Task The_names_are_the_leads_own_and_a_run_booked_after_submitting_has_them_at_once()
    {
        var (other, _, _) = await BookedRunAsync();
        await PostQuestionnaireAsync(await CustomerPathAsync(other), Questionnaire("Fremder Workflow", "Fremd 2", "Fremd 3"));
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON");
        await PostQuestionnaireAsync(await CustomerPathAsync(lead), Questionnaire("Angebote schreiben", "Belege ablegen", "Newsletter vorbereiten"));

        var response = await BookAsync(lead, Iso(Tomorrow(16)));
        var run = await GetRunAsync((await BodyAsync(response)).GetProperty("id").GetGuid());

        Assert.Equal(["Angebote schreiben", "Belege ablegen", "Newsletter vorbereiten"], WorkflowTitles(run));
        Assert.Equal(["Angebote schreiben", "Belege ablegen", "Newsletter vorbereiten"],
            await Crm.ScalarAsync<string[]>(Stack.Admin, "select public.install_workflow_names(@lead)", new { lead }));
        Assert.Empty(await Crm.ScalarAsync<string[]>(Stack.Admin, "select public.install_workflow_names(@lead)", new { lead = Guid.NewGuid() }));
    }

    [Fact]
    public async Task Answers_reopened_for_changes_count_again_once_resubmitted()
    {
        var (lead, run, _) = await BookedRunAsync(hour: 8);
        var path = await CustomerPathAsync(lead);
        await PostQuestionnaireAsync(path, Questionnaire("Alt 1", "Alt 2", "Alt 3"));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await Host.TeamClient.PostAsync($"/api/leads/{lead}/onboarding/reopen", null)).StatusCode);

        var reopened = WorkflowTitles(await GetRunAsync(run));
        await PostQuestionnaireAsync(path, Questionnaire("Neu 1", "Neu 2", "Neu 3"));

        Assert.Equal(["Kern-Workflow 1", "Kern-Workflow 2", "Kern-Workflow 3"], reopened);
        Assert.Equal(["Neu 1", "Neu 2", "Neu 3"], WorkflowTitles(await GetRunAsync(run)));
    }

    private static string[] WorkflowTitles(JsonElement run) =>
        run.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("kind").GetString() == "workflow").Select(i => i.GetProperty("title").GetString()!).ToArray();
}
