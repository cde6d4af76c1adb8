using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Monitoring;

/// <summary>PATCH /api/agents/{id}/workflows/{key}: the team edits grace, longest run and a client workflow's rhythm, by compare-and-set.</summary>
[Collection(StackCollection.Name)]
public sealed class EditWorkflowTests(StackFixture stack) : MonitoringTestBase(stack)
{
    private Task<HttpResponseMessage> PatchAsync(Guid agent, string key, string json) =>
        Host.TeamClient.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/api/agents/{agent}/workflows/{key}")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        });

    /// <summary>An agent with a workflow the client registered ("backup", every hour).</summary>
    private async Task<(Guid Agent, string Key)> AgentWithClientWorkflowAsync()
    {
        var (agent, key) = await CreateAgentAsync();
        var result = await Host.Services.GetRequiredService<WorkflowCheckIn>().ExecuteAsync(key, "backup",
            new WorkflowCheckInRequest("ok", null, 10, null, null, TimeSpan.FromHours(1)), CancellationToken.None);
        Assert.IsType<WorkflowCheckInResult.Accepted>(result);
        return (agent, key);
    }

    private async Task<(int Grace, int MaxRuntime, string? Schedule, int? Interval, DateTime? Next, int Version)> RowAsync(Guid agent, string workflow)
    {
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(int, int, string?, int?, DateTime?, int)>("""
            select extract(epoch from grace)::int, extract(epoch from max_runtime)::int, schedule, extract(epoch from run_interval)::int,
                   next_expected_at, version
            from agent_workflows where agent_id = @agent and key = @workflow
            """, new { agent, workflow });
    }

    [Fact]
    public async Task Team_changes_grace_and_longest_run_and_the_version_counts_up()
    {
        var (agent, _) = await AgentWithClientWorkflowAsync();

        var response = await PatchAsync(agent, "backup", """{"version":1,"grace_seconds":1800,"max_runtime_seconds":7200}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((1800, 7200, 2), (body.GetProperty("grace_seconds").GetInt32(), body.GetProperty("max_runtime_seconds").GetInt32(), body.GetProperty("version").GetInt32()));
        var row = await RowAsync(agent, "backup");
        Assert.Equal((1800, 7200, 3600, 2), (row.Grace, row.MaxRuntime, row.Interval!.Value, row.Version));
        var view = await Host.TeamClient.GetFromJsonAsync<JsonElement>($"/api/agents/{agent}");
        Assert.Equal(2, view.GetProperty("workflows")[0].GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_client_workflows_rhythm_changes_to_a_schedule_and_the_next_expected_start_follows_from_now()
    {
        var (agent, _) = await AgentWithClientWorkflowAsync();

        var response = await PatchAsync(agent, "backup", """{"version":1,"schedule":"0 2 * * *"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = await RowAsync(agent, "backup");
        Assert.Equal(("0 2 * * *", (int?)null), (row.Schedule, row.Interval));
        var next = Leitstand.Platform.BerlinTime.FromUtc(row.Next!.Value);
        Assert.Equal((2, 0), (next.Hour, next.Minute));
        Assert.InRange(row.Next.Value - Clock.GetUtcNow().UtcDateTime, TimeSpan.Zero, TimeSpan.FromHours(25));
    }

    [Fact]
    public async Task The_rhythm_of_an_onboarding_workflow_is_refused_at_its_field()
    {
        var (agent, _) = await CreateAgentAsync();
        await using (var connection = await Stack.Admin.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                insert into agent_workflows (agent_id, key, name, schedule, origin, created_at)
                values (@agent, 'angebote-schreiben', 'Angebote schreiben', '0 9 * * 1-5', 'onboarding', now())
                """, new { agent });
        }

        var response = await PatchAsync(agent, "angebote-schreiben", """{"version":1,"interval_seconds":3600}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("Onboarding", errors.GetProperty("interval_seconds")[0].GetString());
        Assert.Equal(("0 9 * * 1-5", 1), ((await RowAsync(agent, "angebote-schreiben")).Schedule, (await RowAsync(agent, "angebote-schreiben")).Version));
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(agent, "angebote-schreiben", """{"version":1,"grace_seconds":0}""")).StatusCode);
    }

    [Fact]
    public async Task An_edit_on_an_older_version_changes_nothing_and_gets_409_with_the_current_version()
    {
        var (agent, key) = await AgentWithClientWorkflowAsync();
        // the client changes the rhythm in between (its next check-in with another --every)
        await Host.Services.GetRequiredService<WorkflowCheckIn>().ExecuteAsync(key, "backup",
            new WorkflowCheckInRequest("ok", null, 10, null, null, TimeSpan.FromHours(2)), CancellationToken.None);

        var response = await PatchAsync(agent, "backup", """{"version":1,"grace_seconds":60}""");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, body.GetProperty("current_version").GetInt32());
        Assert.True(body.GetProperty("errors").TryGetProperty("version", out _));
        Assert.Equal(600, (await RowAsync(agent, "backup")).Grace);
    }

    [Theory]
    [InlineData("""{"version":1,"grace_seconds":-1}""", "grace_seconds")]
    [InlineData("""{"version":1,"grace_seconds":"10 Minuten"}""", "grace_seconds")]
    [InlineData("""{"version":1,"max_runtime_seconds":30}""", "max_runtime_seconds")]
    [InlineData("""{"version":1,"max_runtime_seconds":90000}""", "max_runtime_seconds")]
    [InlineData("""{"version":1,"schedule":"jeden Morgen"}""", "schedule")]
    [InlineData("""{"version":1,"schedule":"0 2 * * *","interval_seconds":3600}""", "schedule")]
    [InlineData("""{"version":1,"interval_seconds":10}""", "interval_seconds")]
    [InlineData("""{"version":1,"name":"Neuer Name"}""", "name")]
    [InlineData("""{"grace_seconds":60}""", "version")]
    [InlineData("""{"version":1}""", "body")]
    public async Task Bad_input_gets_422_with_a_german_message_at_the_field(string json, string field)
    {
        var (agent, _) = await AgentWithClientWorkflowAsync();

        var response = await PatchAsync(agent, "backup", json);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for '{field}': {errors}");
        Assert.Matches("[äöüÄÖÜß]|Bitte|Erwartet|Kein|Entweder|Nichts|Die|Das", messages[0].GetString()!);
        Assert.Equal((600, 3600, 1), ((await RowAsync(agent, "backup")).Grace, (await RowAsync(agent, "backup")).Interval!.Value, (await RowAsync(agent, "backup")).Version));
    }

    [Fact]
    public async Task Unknown_workflow_or_agent_gets_404_and_malformed_json_400()
    {
        var (agent, _) = await AgentWithClientWorkflowAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync(agent, "gibt-es-nicht", """{"version":1,"grace_seconds":60}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync(Guid.NewGuid(), "backup", """{"version":1,"grace_seconds":60}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PatchAsync(agent, "backup", "{kein json")).StatusCode);
    }
}
