using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Monitoring;

[Collection(StackCollection.Name)]
public sealed class AgentStatusTests(StackFixture stack) : MonitoringTestBase(stack)
{
    [Fact]
    public async Task Status_moves_new_up_late_down_up_and_every_change_is_a_flip()
    {
        var (agent, key) = await CreateAgentAsync(intervalSeconds: 300, graceSeconds: 600);
        Assert.Equal("new", await StatusAsync(agent));

        await BeatAsync(key);
        Assert.Equal("up", await StatusAsync(agent));

        Clock.Advance(TimeSpan.FromSeconds(300));
        await CheckAsync();
        Assert.Equal("up", await StatusAsync(agent)); // exactly at the interval: still on time

        Clock.Advance(TimeSpan.FromSeconds(1));
        await CheckAsync();
        Assert.Equal("late", await StatusAsync(agent));

        Clock.Advance(TimeSpan.FromSeconds(599));
        await CheckAsync();
        Assert.Equal("late", await StatusAsync(agent)); // exactly at interval + grace: late, not down

        Clock.Advance(TimeSpan.FromSeconds(1));
        await CheckAsync();
        Assert.Equal("down", await StatusAsync(agent));

        await BeatAsync(key);
        Assert.Equal("up", await StatusAsync(agent));
        Assert.Equal(4, await CountAsync("select count(*) from agent_status_flips where agent_id = @agent", new { agent }));
        Assert.Equal(1, await CountAsync("""
            select count(*) from agent_status_flips where agent_id = @agent and from_status = 'late' and to_status = 'down' and flipped_at = @at
            """, new { agent, at = Clock.GetUtcNow().UtcDateTime }));
    }

    [Fact]
    public async Task Silence_opens_one_incident_and_a_healthy_heartbeat_resolves_it()
    {
        var (agent, key) = await CreateAgentAsync(intervalSeconds: 60, graceSeconds: 60);
        await BeatAsync(key);

        Clock.Advance(TimeSpan.FromSeconds(121));
        await CheckAsync();
        await CheckAsync();

        Assert.Equal(1, await CountAsync("select count(*) from incidents where agent_id = @agent and error_class = 'no_heartbeat' and status = 'open'", new { agent }));
        var alertId = await Crm.ScalarAsync<Guid>(Stack.Admin, "select id from alerts where kind = 'incident_opened' and (attributes->>'agent_id')::uuid = @agent", new { agent });
        var (_, alert) = await Host.FindAlertAsync("alert_id", alertId);
        Assert.Equal("incident_opened", alert.GetProperty("kind").GetString());
        Assert.Equal("docs/runbooks/no-heartbeat.md", alert.GetProperty("attributes").GetProperty("runbook").GetString());

        await BeatAsync(key);

        Assert.Equal(0, await CountAsync("select count(*) from incidents where agent_id = @agent and status <> 'resolved'", new { agent }));
        Assert.Equal(1, await CountAsync("select count(*) from alerts where kind = 'incident_resolved' and (attributes->>'agent_id')::uuid = @agent", new { agent }));
    }

    [Fact]
    public async Task Concurrent_checks_flip_once_and_open_one_incident()
    {
        var (agent, key) = await CreateAgentAsync(intervalSeconds: 60, graceSeconds: 0);
        await BeatAsync(key);
        Clock.Advance(TimeSpan.FromSeconds(61));

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => CheckAsync()));
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => CheckAsync()));

        Assert.Equal("down", await StatusAsync(agent));
        Assert.Equal(1, await CountAsync("select count(*) from agent_status_flips where agent_id = @agent and to_status = 'down'", new { agent }));
        Assert.Equal(1, await CountAsync("select count(*) from incidents where agent_id = @agent", new { agent }));
    }

    [Fact]
    public async Task Paused_agent_is_accepted_without_alerts_and_never_goes_down()
    {
        var (agent, key) = await CreateAgentAsync(intervalSeconds: 60, graceSeconds: 0);
        await using (var connection = await Stack.Admin.OpenConnectionAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, "update agents set paused = true where id = @agent", new { agent });

        var result = await BeatAsync(key, status: "error", errorClass: "crash_loop");
        Clock.Advance(TimeSpan.FromHours(1));
        await CheckAsync();

        Assert.Equal("paused", Assert.IsType<HeartbeatResult.Accepted>(result).AgentStatus);
        Assert.Equal("paused", await StatusAsync(agent));
        Assert.Equal(0, await CountAsync("select count(*) from incidents where agent_id = @agent", new { agent }));
        Assert.Equal(1, await CountAsync("select count(*) from agent_heartbeats where agent_id = @agent", new { agent }));
    }

    [Fact]
    public async Task Snoozed_or_in_maintenance_no_incident_and_a_check_right_after_it_ends_opens_one()
    {
        var (agent, key) = await CreateAgentAsync(intervalSeconds: 60, graceSeconds: 0);
        var (inMaintenance, key2) = await CreateAgentAsync(intervalSeconds: 60, graceSeconds: 0);
        await BeatAsync(key);
        await BeatAsync(key2);
        var now = Clock.GetUtcNow().UtcDateTime;
        await using (var connection = await Stack.Admin.OpenConnectionAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, """
                update agents set snoozed_until = @until where id = @agent;
                insert into agent_maintenance_windows (agent_id, starts_at, ends_at, note) values (@inMaintenance, @now, @until, 'Update beim Kunden');
                """, new { agent, inMaintenance, now, until = now.AddMinutes(30) });

        Clock.Advance(TimeSpan.FromMinutes(10));
        await CheckAsync();
        await BeatAsync(key, status: "error", errorClass: "upstream_down");
        Assert.Equal("down", await StatusAsync(inMaintenance));
        Assert.Equal(0, await CountAsync("select count(*) from incidents where agent_id in (@agent, @inMaintenance)", new { agent, inMaintenance }));

        Clock.Advance(TimeSpan.FromMinutes(21));
        await CheckAsync();

        Assert.Equal(1, await CountAsync("select count(*) from incidents where agent_id = @inMaintenance and error_class = 'no_heartbeat'", new { inMaintenance }));
        await BeatAsync(key, status: "error", errorClass: "upstream_down");
        Assert.Equal(1, await CountAsync("select count(*) from incidents where agent_id = @agent and error_class = 'upstream_down'", new { agent }));
    }

    [Fact]
    public async Task Flapping_agent_gets_one_unstable_incident_instead_of_a_storm()
    {
        var (agent, key) = await CreateAgentAsync(intervalSeconds: 60, graceSeconds: 0);
        await BeatAsync(key);
        for (var i = 0; i < 4; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(61));
            await CheckAsync(); // up → down
            await BeatAsync(key); // down → up
        }
        Clock.Advance(TimeSpan.FromSeconds(61));
        await CheckAsync();

        Assert.Equal(1, await CountAsync("select count(*) from incidents where agent_id = @agent and error_class = 'unstable' and status = 'open'", new { agent }));
        Assert.True(await CountAsync("select count(*) from incidents where agent_id = @agent and error_class = 'no_heartbeat'", new { agent }) <= 3);
        Assert.Equal(0, await CountAsync("select count(*) from incidents where agent_id = @agent and error_class = 'no_heartbeat' and opened_at > (select opened_at from incidents where agent_id = @agent and error_class = 'unstable')", new { agent }));
    }

    [Fact]
    public async Task Run_time_comes_from_a_start_and_success_pair()
    {
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key, kind: "start");
        Clock.Advance(TimeSpan.FromSeconds(42));

        await BeatAsync(key);

        Assert.Equal(42, await Crm.ScalarAsync<double>(Stack.Admin, "select last_run_seconds from agents where id = @agent", new { agent }));
        Assert.Equal(1, await CountAsync("select count(*) from agent_heartbeats where agent_id = @agent and run_seconds = 42", new { agent }));
    }
}
