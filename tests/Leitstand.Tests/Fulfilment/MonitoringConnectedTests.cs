using System.Net;
using System.Text;
using Dapper;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Fulfilment;

/// <summary>"Monitoring verbunden" ticks itself at the first heartbeat of the lead's agent, and only then.</summary>
[Collection(StackCollection.Name)]
public sealed class MonitoringConnectedTests(StackFixture stack) : InstallTestBase(stack)
{
    [Fact]
    public async Task The_first_heartbeat_of_the_leads_agent_ticks_monitoring_connected_and_later_ones_change_nothing()
    {
        var (lead, run, _) = await BookedRunAsync();
        var (_, otherRun, _) = await BookedRunAsync(hour: 15);
        var key = AgentKeys.Generate();
        await using (var connection = await Stack.Admin.OpenConnectionAsync())
            await connection.ExecuteAsync("insert into agents (lead_id, name, key_hash, key_prefix) values (@lead, 'Installagent', @hash, @prefix)",
                new { lead, hash = key.Hash, prefix = key.DisplayPrefix });

        Assert.Equal(HttpStatusCode.OK, (await BeatAsync(key.Key)).StatusCode);
        var ticked = await WaitForTickAsync(run);
        var firstAt = ticked.GetProperty("marked_at").GetDateTime();
        Assert.Equal(("heartbeat", "Monitoring (erster Heartbeat)"),
            (ticked.GetProperty("marked_by").GetString(), ticked.GetProperty("marked_by_name").GetString()));
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await BeatAsync(key.Key)).StatusCode);
        await Task.Delay(500);

        Assert.Equal(firstAt, Item(await GetRunAsync(run), "Monitoring verbunden").GetProperty("marked_at").GetDateTime());
        Assert.Equal("open", Item(await GetRunAsync(otherRun), "Monitoring verbunden").GetProperty("state").GetString());
    }

    private Task<HttpResponseMessage> BeatAsync(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/heartbeat") { Content = new StringContent("{\"status\":\"ok\"}", Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Agent-Key", key);
        return Host.Client.SendAsync(request);
    }

    private async Task<System.Text.Json.JsonElement> WaitForTickAsync(Guid run)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30); // a generous wait: a busy CI machine; a passing run does not wait it
        while (true)
        {
            var item = Item(await GetRunAsync(run), "Monitoring verbunden");
            if (item.GetProperty("state").GetString() == "done") return item;
            if (DateTime.UtcNow > deadline) Assert.Fail("Monitoring verbunden was not ticked after the first heartbeat.");
            await Task.Delay(100);
        }
    }
}
