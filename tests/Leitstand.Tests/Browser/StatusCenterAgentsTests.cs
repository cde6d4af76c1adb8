using Dapper;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Browser;

/// <summary>#/agenten: agents with status, heartbeat, version and open incidents; acknowledging one, its timeline.</summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterAgentsTests(StackFixture stack)
{
    [Fact]
    public async Task Acknowledging_an_open_incident_shows_it_acknowledged_on_the_page_its_timeline_and_in_the_database()
    {
        var name = $"Agent Browser {Guid.NewGuid():N}"[..22];
        var lead = await Crm.CreateLeadAsync(stack.Admin);
        var key = AgentKeys.Generate();
        Guid agent, incident;
        await using (var connection = await stack.Admin.OpenConnectionAsync())
        {
            agent = await connection.ExecuteScalarAsync<Guid>("""
                insert into agents (lead_id, name, key_hash, key_prefix, expected_interval, grace_period, last_heartbeat_at, agent_version)
                values (@lead, @name, @hash, @prefix, interval '5 minutes', interval '10 minutes', now() - interval '1 minute', '2.3.4')
                returning id
                """, new { lead, name, hash = key.Hash, prefix = key.DisplayPrefix });
            await connection.ExecuteAsync("update agents set status = 'up' where id = @agent", new { agent });
            incident = await connection.ExecuteScalarAsync<Guid>("""
                insert into incidents (agent_id, error_class, severity, opened_at, last_seen_at, last_error_code)
                values (@agent, 'upstream_down', 'warning', now() - interval '2 minutes', now() - interval '1 minute', 'E_BROWSER')
                returning id
                """, new { agent });
            await connection.ExecuteAsync("insert into incident_events (incident_id, at, kind, detail) values (@incident, now() - interval '2 minutes', 'opened', 'E_BROWSER')",
                new { incident });
        }
        await using var session = await StatusCenterSession.StartAsync(stack);

        await session.SignInAsync("#/agenten");
        var card = $"[data-agent='{agent}']";
        var item = $"[data-incident='{incident}']";
        await session.Browser.WaitForAsync($"!!document.querySelector(\"{item}\")", TimeSpan.FromSeconds(10));
        var text = (await session.Browser.EvaluateAsync($"document.querySelector(\"{card}\").textContent")).GetString()!;
        Assert.Contains(name, text);
        Assert.Contains("Läuft", text);
        Assert.Contains("Version 2.3.4", text);
        Assert.Contains("Externer Dienst nicht erreichbar", text);
        Assert.Contains("offen", text);
        Assert.Contains("Neustart anfordern", text);

        await session.Browser.ClickAsync($"{item} [data-action='acknowledge']");
        await session.Browser.WaitForAsync(
            $"document.querySelector(\"{item} [data-field='incident-status']\")?.textContent === 'übernommen'", TimeSpan.FromSeconds(10));
        Assert.Equal("acknowledged", await Crm.ScalarAsync<string>(stack.Admin, "select status::text from incidents where id = @incident", new { incident }));
        Assert.Equal(0, (await session.Browser.EvaluateAsync($"document.querySelectorAll(\"{item} [data-action='acknowledge']\").length")).GetInt32());

        await session.Browser.ClickAsync($"{item} summary");
        await session.Browser.WaitForAsync($"!!document.querySelector(\"{item} [data-kind='acknowledged']\")", TimeSpan.FromSeconds(10));
        var timeline = (await session.Browser.EvaluateAsync($"document.querySelector('#verlauf-{incident}').textContent")).GetString()!;
        Assert.Contains("Geöffnet", timeline);
        Assert.Contains("Übernommen", timeline);
        await session.ScreenshotAsync("agenten");
        await session.AssertNoRequestLeftLocalhostAsync();
    }
}
