using System.Net;
using System.Text.Json;
using Leitstand.Pipeline;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Pipeline;

/// <summary>
/// Issue 21: the agent made at WON is named after its package and id ("Agent Setup #1a2b3c4d"), never after the
/// company or the person; GET /api/agents shows the customer by reference (the lead, read now), and the alerts
/// about the won deal and the agent carry neither.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class WonAgentNameTests(StackFixture stack) : IAsyncLifetime
{
    private RunningHost _host = null!;

    public async Task InitializeAsync() => _host = await RunningHost.StartAsync(stack);
    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_agent_made_at_won_carries_no_company_or_person_and_the_list_shows_the_customer_by_reference()
    {
        var handle = $"wanda.{Guid.NewGuid():N}"[..20];
        var lead = await Crm.CreateLeadAsync(stack.Admin, "WON", name: "Wanda Wonnemann", company: "Wonnemann Bäckerei");
        await Crm.ScalarAsync<int>(stack.Admin, "update leads set phone = '+49 171 7654321', handle_channel = 'instagram', handle = @handle where id = @lead returning 1",
            new { lead, handle });
        var email = await Crm.ScalarAsync<string>(stack.Admin, "select email from leads where id = @lead", new { lead });

        await _host.Services.GetRequiredService<ProcessPipelineEvents>().ExecuteAsync(CancellationToken.None);

        var (agent, name) = (await Crm.ScalarAsync<Guid>(stack.Admin, "select id from agents where lead_id = @lead", new { lead }),
                             await Crm.ScalarAsync<string>(stack.Admin, "select name::text from agents where lead_id = @lead", new { lead }));
        Assert.Equal($"Agent Setup #{agent.ToString()[..8]}", name);
        var alerts = await Crm.ScalarAsync<string>(stack.Admin,
            "select coalesce(string_agg(title || ' ' || body || ' ' || attributes::text, ' | '), '') from alerts where attributes ->> 'lead_id' = @id or subject_id = @agent",
            new { id = lead.ToString(), agent });
        foreach (var word in new[] { "Wanda", "Wonnemann", email, "7654321", handle })
        {
            Assert.DoesNotContain(word, name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(word, alerts, StringComparison.OrdinalIgnoreCase);
        }

        var response = await _host.TeamClient.GetAsync("/api/agents");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var listed = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("agents").EnumerateArray()
            .Single(a => a.GetProperty("id").GetGuid() == agent);
        Assert.Equal((name, "Wonnemann Bäckerei", lead), (listed.GetProperty("name").GetString(), listed.GetProperty("customer").GetString(), listed.GetProperty("lead_id").GetGuid()));
    }
}
