using Leitstand.Outbox;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Monitoring;

/// <summary>"Agent verbunden": an info alert at an agent's first heartbeat (trigger on public.agents), linking to #/agents/&lt;id&gt;.</summary>
[Collection(StackCollection.Name)]
public sealed class AgentConnectedAlertTests(StackFixture stack) : MonitoringTestBase(stack)
{
    [Fact]
    public async Task The_first_heartbeat_makes_one_agent_connected_alert_on_the_hosts_queue_without_the_agents_name()
    {
        var (agent, key) = await CreateAgentAsync();
        await Crm.ScalarAsync<int>(Stack.Admin, "update agents set name = 'Agent Hannelore Vertraulich' where id = @agent returning 1", new { agent });
        Assert.Equal(0, await CountAsync("select count(*) from alerts where kind = 'agent_connected' and subject_id = @agent", new { agent }));

        await BeatAsync(key);
        await BeatAsync(key);
        await BeatAsync(key, status: "error", errorClass: "upstream_down");

        Assert.Equal(1, await CountAsync("select count(*) from alerts where kind = 'agent_connected' and subject_id = @agent", new { agent }));
        // Its message goes out with the outbox's resend (the ResendOutbox timer), to this host's alert queue.
        await Host.Services.GetRequiredService<OutboxDispatcher>().DispatchAsync(null, 500, CancellationToken.None);
        var (_, alert) = await Host.FindAlertAsync("subject", agent, nested: "id");
        Assert.Equal(("agent_connected", "info", "agent", $"#/agents/{agent}"), (alert.GetProperty("kind").GetString(),
            alert.GetProperty("severity").GetString(), alert.GetProperty("subject").GetProperty("type").GetString(), alert.GetProperty("link").GetString()));
        Assert.Equal("Agent verbunden", alert.GetProperty("title").GetString());
        Assert.Contains("1.0.0", alert.GetProperty("text").GetString());
        Assert.DoesNotContain("Hannelore", alert.GetRawText());
    }

    [Fact]
    public async Task An_agent_that_never_sent_a_heartbeat_has_no_such_alert_and_a_paused_one_gets_it_at_its_first()
    {
        var (silent, _) = await CreateAgentAsync();
        var (paused, key) = await CreateAgentAsync();
        await Crm.ScalarAsync<int>(Stack.Admin, "update agents set paused = true where id = @paused returning 1", new { paused });

        await BeatAsync(key);

        Assert.Equal(0, await CountAsync("select count(*) from alerts where kind = 'agent_connected' and subject_id = @silent", new { silent }));
        Assert.Equal(1, await CountAsync("select count(*) from alerts where kind = 'agent_connected' and subject_id = @paused", new { paused }));
    }
}
