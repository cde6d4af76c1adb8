using Dapper;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>#/agenten: agents with status, heartbeat, version and open incidents; acknowledging one, its timeline.</summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterAgentsTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task Acknowledging_an_open_incident_shows_it_acknowledged_on_the_page_its_timeline_and_in_the_database()
    {
        var (name, key, agent, incident) = await SeedAsync();
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;

        await session.SignInAsync("#/agenten");
        var card = page.Locator($"[data-agent='{agent}']");
        var item = page.Locator($"[data-incident='{incident}']");
        await Expect(item).ToBeAttachedAsync();
        var text = await card.TextContentAsync();
        Assert.Contains(name, text);
        Assert.Contains("Läuft", text);
        Assert.Contains("Version 2.3.4", text);
        Assert.Contains("Externer Dienst nicht erreichbar", text);
        Assert.Contains("offen", text);
        Assert.Contains("Neustart anfordern", text);

        await item.Locator("[data-action='acknowledge']").ClickAsync();
        await Expect(item.Locator("[data-field='incident-status']")).ToHaveTextAsync("übernommen");
        Assert.Equal("acknowledged", await Crm.ScalarAsync<string>(stack.Admin, "select status::text from incidents where id = @incident", new { incident }));
        Assert.Equal(0, await item.Locator("[data-action='acknowledge']").CountAsync());

        await item.Locator("summary").ClickAsync();
        await Expect(item.Locator("[data-kind='acknowledged']")).ToBeAttachedAsync();
        var timeline = await page.Locator($"#verlauf-{incident}").TextContentAsync();
        Assert.Contains("Geöffnet", timeline);
        Assert.Contains("Übernommen", timeline);
        await session.ScreenshotAsync("agenten");
        session.AssertNoRequestLeftLocalhost();
    }

    /// <summary>An agent that is up (version 2.3.4) with one open "upstream_down" incident.</summary>
    private async Task<(string Name, NewAgentKey Key, Guid Agent, Guid Incident)> SeedAsync()
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
        return (name, key, agent, incident);
    }

    [Fact]
    public async Task A_restart_requested_on_the_page_shows_on_the_timeline_after_the_agent_s_next_heartbeat()
    {
        var (_, key, agent, incident) = await SeedAsync();
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        await session.SignInAsync("#/agenten");
        var restart = page.Locator($"[data-agent='{agent}'] [data-action='restart']");
        await Expect(restart).ToBeAttachedAsync();

        // The page reloads its list after the request; the heartbeat below resolves the incident, so it comes after
        // that reload (a later one would no longer show the incident).
        var reloaded = page.WaitForResponseAsync(r => r.Request.Method == "GET" && new Uri(r.Url).AbsolutePath == "/api/agents");
        await restart.ClickAsync();
        await reloaded;
        for (var i = 0; i < 50 && await Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from agent_commands where agent_id = @agent", new { agent }) == 0; i++)
            await Task.Delay(100);

        // The agent's next heartbeat picks the command up.
        using var beat = new HttpRequestMessage(HttpMethod.Post, "/api/heartbeat")
        {
            Content = new StringContent("{\"status\":\"ok\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        beat.Headers.Add("X-Agent-Key", key.Key);
        var answer = await session.Host.Client.SendAsync(beat);
        Assert.Contains("restart", await answer.Content.ReadAsStringAsync());

        var item = page.Locator($"[data-incident='{incident}']");
        await item.Locator("summary").ClickAsync();
        await Expect(item.Locator("[data-kind='restart_delivered']")).ToBeAttachedAsync();
        var timeline = await page.Locator($"#verlauf-{incident}").TextContentAsync();
        Assert.Contains("Neustart angefordert", timeline);
        Assert.Contains("Neustart ausgeliefert", timeline);
        session.AssertNoRequestLeftLocalhost();
    }

    [Fact]
    public async Task A_failed_alert_delivery_is_listed_with_its_channel_attempts_and_last_error()
    {
        var alert = Guid.NewGuid();
        var title = $"Incident: Browser-Test {alert:N}"[..40];
        await using (var connection = await stack.Admin.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                insert into alerts (id, kind, severity, dedupe_key, subject_type, title, body, link, occurred_at)
                values (@alert, 'incident_opened', 'critical', 'browser-test:' || @alert, 'team', @title, 'Nur Zahlen.', '#/agenten', now() - interval '5 minutes');
                insert into alert_deliveries (alert_id, channel, state, due_at, attempts, last_error)
                values (@alert, 'slack', 'failed', now() - interval '4 minutes', 5, 'HTTP 404 channel_not_found');
                """, new { alert, title });
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);

        await session.SignInAsync("#/agenten");
        var item = session.Page.Locator($"#zustellfehler [data-delivery='{alert}:slack']");
        await Expect(item).ToBeAttachedAsync();

        var text = await item.TextContentAsync();
        Assert.Contains(title, text);
        Assert.Contains("Slack", text);
        Assert.Contains("5 Versuche", text);
        Assert.Contains("HTTP 404 channel_not_found", text);
        session.AssertNoRequestLeftLocalhost();
    }
}
