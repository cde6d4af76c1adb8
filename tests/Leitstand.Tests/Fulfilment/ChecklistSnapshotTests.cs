using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Fulfilment;

/// <summary>
/// A run keeps the checklist version it started with: a new template version changes only runs booked afterwards.
/// Workflow items carry the onboarding's workflow names where public.install_workflow_names has them. In a
/// database of the test's own, since both change what every run reads.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ChecklistSnapshotTests(StackFixture stack) : OwnDatabaseTestBase(stack, DateTimeOffset.UtcNow)
{
    [Fact]
    public async Task A_new_template_version_leaves_a_booked_run_as_it_was_and_applies_to_the_next_booking()
    {
        var lead = await Crm.CreateLeadAsync(Admin, "WON");
        var before = await BookAsync(lead, 1);
        await ExecuteAsync("""
            insert into install_checklist_versions (version, title, stop_restart, contact)
            select 2, title, stop_restart, contact from install_checklist_versions where version = 1;
            insert into install_checklist_blocks (version, block, title, outcome, minutes)
            select 2, block, case when block = 1 then 'Kick-off' else title end, outcome, case when block = 3 then 90 else minutes end
            from install_checklist_blocks where version = 1;
            insert into install_checklist_items (version, position, block, title, details, kind, workflow_no, safety_baseline)
            select 2, position, block, title, details, kind, workflow_no, safety_baseline from install_checklist_items where version = 1;
            insert into install_checklist_items (version, position, block, title) values (2, 24, 5, 'Retainer angesprochen');
            """);

        var kept = await GetAsync(before);
        var after = await GetAsync(await BookAsync(lead, 8));

        Assert.Equal(1, kept.GetProperty("checklist_version").GetInt32());
        Assert.Equal("Kick-off und Ziele", kept.GetProperty("blocks")[0].GetProperty("title").GetString());
        Assert.Equal(23, kept.GetProperty("items").GetArrayLength());
        Assert.Equal(Iso(kept, 5), kept.GetProperty("ends_at").GetDateTime());
        Assert.Equal(2, after.GetProperty("checklist_version").GetInt32());
        Assert.Equal("Kick-off", after.GetProperty("blocks")[0].GetProperty("title").GetString());
        Assert.Equal(24, after.GetProperty("items").GetArrayLength());
        Assert.Equal(Iso(after, 5.5), after.GetProperty("ends_at").GetDateTime());
    }

    [Fact]
    public async Task Workflow_items_carry_the_onboardings_workflow_names()
    {
        var lead = await Crm.CreateLeadAsync(Admin, "WON");
        var run = await BookAsync(lead, 1);
        await ExecuteAsync("""
            create or replace function public.install_workflow_names(p_lead_id uuid) returns text[]
            language sql stable set search_path = '' as $$ select array['Rechnungen vorsortieren', 'Termine bestätigen']::text[] $$;
            """);

        var body = await GetAsync(run);

        Assert.Equal(["Rechnungen vorsortieren", "Termine bestätigen", "Kern-Workflow 3"],
            body.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("kind").GetString() == "workflow").Select(i => i.GetProperty("title").GetString()));
    }

    private static DateTime Iso(JsonElement run, double hours) => run.GetProperty("starts_at").GetDateTime().AddHours(hours);

    private async Task<Guid> BookAsync(Guid lead, int daysAhead)
    {
        var starts = Clock.GetUtcNow().AddDays(daysAhead);
        var response = await Host.TeamClient.PostAsJsonAsync($"/api/leads/{lead}/install", new { starts_at = starts.ToString("yyyy-MM-dd'T'HH:mm:sszzz") });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<JsonElement> GetAsync(Guid run) =>
        await (await Host.TeamClient.GetAsync($"/api/installs/{run}")).Content.ReadFromJsonAsync<JsonElement>();
}
