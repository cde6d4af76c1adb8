using System.Net;
using System.Net.Http.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Tasks;

/// <summary>POST /api/tasks/{id}/reopen: a closed task is open again; what completing it recorded stays.</summary>
[Collection(StackCollection.Name)]
public sealed class ReopenTaskTests(StackFixture stack) : TasksTestBase(stack)
{
    [Fact]
    public async Task A_done_task_is_open_again_and_the_recorded_contact_stays()
    {
        var lead = await LeadAsync("NEW", Local(2024, 4, 23, 10));
        await GenerateAsync(Local(2024, 4, 24, 5));
        var task = Assert.Single(await TasksOfAsync(lead)).Id;
        await Host.TeamClient.PostAsJsonAsync($"/api/tasks/{task}/complete", new { outcome = "done", channel = "dm" });

        var reopened = await Host.TeamClient.PostAsync($"/api/tasks/{task}/reopen", null);
        var again = await Host.TeamClient.PostAsync($"/api/tasks/{task}/reopen", null);
        var unknown = await Host.TeamClient.PostAsync($"/api/tasks/{Guid.NewGuid()}/reopen", null);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Conflict, HttpStatusCode.NotFound), (reopened.StatusCode, again.StatusCode, unknown.StatusCode));
        var row = Assert.Single(await TasksOfAsync(lead));
        Assert.Equal(("OPEN", null), (row.Status, row.CancelReason));
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from tasks where id = @task and (completed_at is not null or outcome is not null)", new { task }));
        Assert.Equal("CONTACTED", await ScalarAsync<string>("select stage::text from leads where id = @lead", new { lead }));
        Assert.Equal(1, await ScalarAsync<int>("select count(*) from lead_touchpoints where lead_id = @lead and kind = 'dm'", new { lead }));
    }
}
