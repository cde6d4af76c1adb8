using Dapper;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Monitoring;

/// <summary>The CheckWorkflows timer with a moved clock: missed runs, overlong runs, next expected start in Berlin time.</summary>
[Collection(StackCollection.Name)]
public sealed class CheckWorkflowsTests(StackFixture stack) : MonitoringTestBase(stack)
{
    private Task<int> CheckWorkflowsAsync() => Host.Services.GetRequiredService<CheckWorkflows>().ExecuteAsync(CancellationToken.None);

    private Task CheckInAsync(string key, string workflow, WorkflowCheckInRequest request) =>
        Host.Services.GetRequiredService<WorkflowCheckIn>().ExecuteAsync(key, workflow, request, CancellationToken.None);

    private async Task<Guid> AddWorkflowAsync(Guid agent, string? cron, TimeSpan? interval, TimeSpan grace, TimeSpan maxRuntime)
    {
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<Guid>("""
            insert into agent_workflows (agent_id, key, name, schedule, run_interval, grace, max_runtime, origin, created_at)
            values (@agent, 'wf-' || substr(md5(random()::text), 1, 8), 'Workflow', @cron, make_interval(secs => @interval), make_interval(secs => @grace),
                    make_interval(secs => @max), 'client', now())
            returning id
            """, new { agent, cron, interval = interval?.TotalSeconds, grace = grace.TotalSeconds, max = maxRuntime.TotalSeconds });
    }

    private Task<int> OpenIncidentsAsync(Guid workflow, string errorClass) =>
        CountAsync("select count(*) from incidents where workflow_id = @workflow and error_class = @errorClass and status <> 'resolved'", new { workflow, errorClass });

    [Fact]
    public async Task A_cron_workflow_without_a_check_in_by_its_expected_start_and_grace_opens_workflow_missed_once()
    {
        var (agent, _) = await CreateAgentAsync();
        Clock.Set(new DateTimeOffset(2026, 12, 7, 6, 0, 0, TimeSpan.Zero)); // 07:00 in Berlin
        var workflow = await AddWorkflowAsync(agent, "30 7 * * *", null, TimeSpan.FromMinutes(10), TimeSpan.FromHours(1));

        await CheckWorkflowsAsync();
        // 07:30 Berlin = 06:30 UTC in winter.
        Assert.Equal(new DateTime(2026, 12, 7, 6, 30, 0, DateTimeKind.Utc),
            await Crm.ScalarAsync<DateTime>(Stack.Admin, "select next_expected_at from agent_workflows where id = @workflow", new { workflow }));

        Clock.Set(new DateTimeOffset(2026, 12, 7, 6, 39, 0, TimeSpan.Zero));
        await CheckWorkflowsAsync();
        Assert.Equal(0, await OpenIncidentsAsync(workflow, "workflow_missed"));

        Clock.Set(new DateTimeOffset(2026, 12, 7, 6, 41, 0, TimeSpan.Zero));
        await CheckWorkflowsAsync();
        await CheckWorkflowsAsync();
        Assert.Equal(1, await OpenIncidentsAsync(workflow, "workflow_missed"));
        Assert.Equal(1, await CountAsync("select count(*) from alerts a join incidents i on i.id = a.subject_id where i.workflow_id = @workflow and a.kind = 'incident_opened'", new { workflow }));
        // The next expected start is tomorrow's.
        Assert.Equal(new DateTime(2026, 12, 8, 6, 30, 0, DateTimeKind.Utc),
            await Crm.ScalarAsync<DateTime>(Stack.Admin, "select next_expected_at from agent_workflows where id = @workflow", new { workflow }));
    }

    [Fact]
    public async Task A_missed_run_is_resolved_by_the_next_ok_run()
    {
        var (agent, key) = await CreateAgentAsync();
        var workflow = await AddWorkflowAsync(agent, null, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
        await CheckWorkflowsAsync();
        Clock.Advance(TimeSpan.FromMinutes(36));
        await CheckWorkflowsAsync();
        Assert.Equal(1, await OpenIncidentsAsync(workflow, "workflow_missed"));
        var key_ = await Crm.ScalarAsync<string>(Stack.Admin, "select key from agent_workflows where id = @workflow", new { workflow });

        await CheckInAsync(key, key_, new WorkflowCheckInRequest("ok", null, 20, null, null, null));

        Assert.Equal(0, await OpenIncidentsAsync(workflow, "workflow_missed"));
        Assert.Equal(1, await CountAsync("select count(*) from incident_events e join incidents i on i.id = e.incident_id where i.workflow_id = @workflow and e.kind = 'resolved'", new { workflow }));
    }

    [Fact]
    public async Task A_run_in_progress_beyond_its_max_runtime_opens_workflow_overrun_once()
    {
        var (agent, key) = await CreateAgentAsync();
        var workflow = await AddWorkflowAsync(agent, null, TimeSpan.FromHours(6), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20));
        var key_ = await Crm.ScalarAsync<string>(Stack.Admin, "select key from agent_workflows where id = @workflow", new { workflow });
        await CheckInAsync(key, key_, new WorkflowCheckInRequest("in_progress", null, null, null, null, null));

        Clock.Advance(TimeSpan.FromMinutes(19));
        await CheckWorkflowsAsync();
        Assert.Equal(0, await OpenIncidentsAsync(workflow, "workflow_overrun"));

        Clock.Advance(TimeSpan.FromMinutes(2));
        await CheckWorkflowsAsync();
        await CheckWorkflowsAsync();
        Assert.Equal(1, await OpenIncidentsAsync(workflow, "workflow_overrun"));
        Assert.Equal(1, await Crm.ScalarAsync<int>(Stack.Admin, "select occurrences from incidents where workflow_id = @workflow and error_class = 'workflow_overrun'", new { workflow }));
        Assert.Equal(0, await OpenIncidentsAsync(workflow, "workflow_missed"));
    }

    [Fact]
    public async Task A_paused_agents_workflows_open_no_incidents()
    {
        var (agent, _) = await CreateAgentAsync();
        var workflow = await AddWorkflowAsync(agent, null, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        await CheckWorkflowsAsync();
        await Crm.ScalarAsync<int>(Stack.Admin, "update agents set paused = true where id = @agent returning 1", new { agent });

        Clock.Advance(TimeSpan.FromMinutes(15));
        await CheckWorkflowsAsync();

        Assert.Equal(0, await OpenIncidentsAsync(workflow, "workflow_missed"));
    }

    [Fact]
    public void The_next_expected_start_follows_Berlin_time_across_the_change_to_summer_time()
    {
        // 29 March 2026: clocks go from 02:00 to 03:00 in Berlin. 08:00 Berlin is 07:00 UTC before and 06:00 UTC after.
        var next = CheckWorkflows.Next("0 8 * * *", null, new DateTime(2026, 3, 28, 8, 0, 0, DateTimeKind.Utc));
        Assert.Equal(new DateTime(2026, 3, 29, 6, 0, 0, DateTimeKind.Utc), next);
    }
}
