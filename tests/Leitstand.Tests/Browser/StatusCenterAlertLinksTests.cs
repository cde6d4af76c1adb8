using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Leitstand.LocalHost.Functions;
using Leitstand.LocalHost.Stack;
using Leitstand.Monitoring;
using Leitstand.Outbox;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// Every link an alert can carry opens what it names: each route of the alert catalogue (public.alert_kinds.route,
/// what public.alert_link builds) has its view in the status center's router, and a real alert of each link kind
/// (lead, deal, agent, incident, alert), taken from its e-mail in the local inbox, opens the named thing.
/// </summary>
[Collection(StackCollection.Name)]
public sealed partial class StatusCenterAlertLinksTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task Every_route_of_the_alert_catalogue_opens_its_own_view_and_never_falls_back_to_heute()
    {
        await using var connection = await stack.Admin.OpenConnectionAsync();
        var routes = (await connection.QueryAsync<(string Kind, string Route)>("select kind, route from alert_kinds order by kind")).ToList();
        // Every link kind alert_link can build is among them (the test would pass vacuously otherwise).
        Assert.Equal(["#/agents/{id}", "#/alerts/{id}", "#/deals/{id}", "#/incidents/{id}", "#/leads/{id}"],
            routes.Select(r => r.Route).Where(r => r.Contains("{id}")).Distinct().Order(StringComparer.Ordinal));
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        await session.SignInAsync("#/heute");

        foreach (var (kind, route) in routes)
        {
            // From a view that is not the route's, so that a redirect to #/heute cannot pass for the view itself.
            await page.EvaluateAsync("h => { location.hash = h; }", "#/zahlen");
            await Expect(page.Locator("#nav a[href='#/zahlen']")).ToHaveAttributeAsync("aria-current", "");
            var id = Guid.NewGuid();
            var hash = await connection.ExecuteScalarAsync<string>("select public.alert_link(@kind, @id)", new { kind, id });
            Assert.Equal(route.Replace("{id}", id.ToString()), hash);

            await page.EvaluateAsync("h => { location.hash = h; }", hash);

            if (route.Contains("{id}"))
            {
                // An unknown id: the view of that kind of thing says it is not there (and the address stays).
                await Expect(page.Locator("main h1")).ToHaveTextAsync(NotFound());
                Assert.True(page.Url.EndsWith(hash!, StringComparison.Ordinal), $"{kind}: {route} fell back to {page.Url}");
            }
            else
            {
                await Expect(page.Locator($"#nav a[href='{route}']")).ToHaveAttributeAsync("aria-current", "");
                Assert.True(page.Url.EndsWith(route, StringComparison.Ordinal), $"{kind}: {route} fell back to {page.Url}");
            }
        }
    }

    [GeneratedRegex("^(Lead|Deal|Agent|Incident|Alarm) nicht gefunden$")]
    private static partial Regex NotFound();

    [Fact]
    public async Task A_real_alert_of_each_link_kind_opens_the_named_lead_deal_agent_incident_and_alert_from_its_e_mail()
    {
        var eml = Path.Combine(Path.GetTempPath(), "leitstand-links-" + Guid.NewGuid().ToString("N")[..8]);
        await using var inbox = new LocalInbox(Processes.FreeTcpPort(), eml);
        await inbox.StartAsync();
        await using var slack = await HttpSink.StartAsync();
        slack.Default = HttpSink.Reply.Status(404, "channel_not_found"); // fails for good at once: "Zustellung fehlgeschlagen"
        long route;
        await using (var connection = await stack.Admin.OpenConnectionAsync())
        {
            // Every kind also by e-mail while this test runs (the defaults send leads and warnings to chat only), and a
            // Slack warning of today from an earlier test must not swallow this one's (one a channel and day).
            route = await connection.ExecuteScalarAsync<long>("""
                insert into alert_routes (kind, min_severity, channels, note) values ('*', 'info', '{email}', 'Test: alle Arten per E-Mail')
                returning id
                """);
            await connection.ExecuteAsync("delete from alerts where dedupe_key like 'delivery_failed:slack:%'");
        }
        try
        {
            await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone, (url, s) =>
            {
                foreach (var (key, value) in LocalInbox.AlertSettings(new Uri(url).Port, inbox.SmtpPort)) s[key] = value;
                s["Alerts:StatusCenterUrl"] = $"{url}/status/";
                s["Alerts:PublicFunctionsUrl"] = url;
                s["Alerts:Slack:WebhookUrl"] = slack.Url("/services/T000/B000/XXXX").ToString();
            }, o => o with
            {
                Inbox = inbox,
                RunQueues = true,
                HostJson = new HostJson("api", QueueMaxDequeueCount: 2, QueueVisibilityTimeout: TimeSpan.FromSeconds(1), Azure.Storage.Queues.QueueMessageEncoding.Base64)
                {
                    QueueMaxPollingInterval = TimeSpan.FromMilliseconds(200),
                },
            });
            var host = session.Host;
            var page = session.Page;

            // Lead: a form submission (lead_new). Deal: a lead with its deal won (deal_won; Slack refuses it, which
            // makes the delivery_failed alert). Agent: a new agent's first heartbeat (agent_connected). Incident: its
            // error heartbeat (incident_opened).
            var leadName = $"Lina Link {Guid.NewGuid():N}"[..18];
            var form = Leads.LeadForms.Valid();
            form["name"] = leadName;
            var submitted = await host.Client.SendAsync(Leads.LeadForms.Json(form));
            var lead = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

            var wonName = $"Willi Won {Guid.NewGuid():N}"[..18];
            var won = await Crm.CreateLeadAsync(stack.Admin, "CALL_BOOKED", wonName);
            await using (var connection = await stack.Admin.OpenConnectionAsync())
                await Crm.MoveAsync(connection, won, "WON");
            await host.Services.GetRequiredService<Leitstand.Pipeline.ProcessPipelineEvents>().ExecuteAsync(CancellationToken.None);
            var deal = await Crm.ScalarAsync<Guid>(stack.Admin, "select id from deals where lead_id = @won", new { won });

            var agentName = $"Agent Link {Guid.NewGuid():N}"[..20];
            var key = AgentKeys.Generate();
            var agent = await Crm.ScalarAsync<Guid>(stack.Admin, """
                insert into agents (lead_id, name, key_hash, key_prefix) values (@won, @agentName, @hash, @prefix) returning id
                """, new { won, agentName, hash = key.Hash, prefix = key.DisplayPrefix });
            await BeatAsync(host, key.Key, """{"status":"ok","agent_version":"1.4.0"}""");
            await BeatAsync(host, key.Key, """{"status":"error","error_class":"upstream_down","error_code":"E_LINK"}""");
            var incident = await Crm.ScalarAsync<Guid>(stack.Admin, "select id from incidents where agent_id = @agent", new { agent });
            // "Agent verbunden" leaves the outbox with the ResendOutbox timer (off in tests): sent here.
            await host.Services.GetRequiredService<OutboxDispatcher>().DispatchAsync(null, 500, CancellationToken.None);
            var failed = await WaitAsync(() => Crm.ScalarAsync<Guid?>(stack.Admin,
                "select id from alerts where kind = 'delivery_failed' and attributes ->> 'failed_channel' = 'slack' order by created_at desc limit 1"));

            // The delivery log is written right after each send (the e-mail may arrive first).
            await WaitAsync(() => Crm.ScalarAsync<bool?>(stack.Admin, "select true from alert_deliveries where alert_id = @failed and channel = 'email' and state = 'delivered'", new { failed }));
            // "Zustellung fehlgeschlagen" names the alert that Slack refused.
            var (refused, refusedTitle) = await Crm.ScalarAsync<Guid>(stack.Admin, "select subject_id from alerts where id = @failed", new { failed }) is var r
                ? (r, await Crm.ScalarAsync<string>(stack.Admin, "select title from alerts where id = @r", new { r })) : default;
            var links = await LinksAsync(host, [$"#/leads/{lead}", $"#/deals/{deal}", $"#/agents/{agent}", $"#/incidents/{incident}", $"#/alerts/{refused}"]);

            await session.SignInAsync("#/heute");
            await page.GotoAsync(links[0]);
            await Expect(page.Locator("#lead-name")).ToHaveTextAsync(leadName);

            await page.GotoAsync(links[1]);
            await Expect(page.Locator("#deal-titel")).ToHaveTextAsync(new Regex("^Deal: Setup"));
            await Expect(page.Locator("[data-field='lead']")).ToContainTextAsync(wonName);
            await Expect(page.Locator("#deal-daten [data-field='amount']")).ToContainTextAsync("1.490,00");
            await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
            await session.ScreenshotAsync("deal");

            await page.GotoAsync(links[2]);
            await Expect(page.Locator("#agent-name")).ToHaveTextAsync(agentName);
            await Expect(page.Locator("#agent-daten [data-field='key-prefix']")).ToHaveTextAsync(key.DisplayPrefix);
            await Expect(page.Locator($"#agent-incidents [data-incident='{incident}'] a")).ToHaveAttributeAsync("href", $"#/incidents/{incident}");
            await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
            await session.ScreenshotAsync("agent");

            await page.GotoAsync(links[3]);
            await Expect(page.Locator("#incident-titel")).ToHaveTextAsync("Externer Dienst nicht erreichbar");
            await Expect(page.Locator("#incident-daten [data-field='agent'] a")).ToHaveTextAsync(agentName);
            await Expect(page.Locator("#incident-daten [data-field='runbook']")).ToContainTextAsync("docs/runbooks/");
            await Expect(page.Locator("#incident-verlauf [data-kind='opened']")).ToBeAttachedAsync();
            await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
            await session.ScreenshotAsync("incident");

            // The alert Slack refused: its Slack delivery failed for good, with the error, the e-mail delivered.
            await page.GotoAsync(links[4]);
            await Expect(page.Locator("#alarm-titel")).ToHaveTextAsync(refusedTitle);
            await Expect(page.Locator("#zustellungen [data-channel='slack'] [data-field='state']")).ToHaveTextAsync("fehlgeschlagen");
            await Expect(page.Locator("#zustellungen [data-channel='slack'] [data-field='last-error']")).ToContainTextAsync("404");
            await Expect(page.Locator("#zustellungen [data-channel='email'] [data-field='state']")).ToHaveTextAsync("zugestellt");
            await Expect(page.Locator("#alarm-daten [data-field='subject-link']")).ToBeAttachedAsync();
            await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
            await session.ScreenshotAsync("alert");

            // "Übernehmen" on the incident's page.
            await page.GotoAsync(links[3]);
            await page.ClickAsync("#uebernehmen");
            await Expect(page.Locator("[data-field='incident-status']")).ToHaveTextAsync("übernommen");
            Assert.Equal("acknowledged", await Crm.ScalarAsync<string>(stack.Admin, "select status::text from incidents where id = @incident", new { incident }));
            session.AssertNoRequestLeftLocalhost();
        }
        finally
        {
            await using var connection = await stack.Admin.OpenConnectionAsync();
            await connection.ExecuteAsync("delete from alert_routes where id = @route", new { route });
            try { Directory.Delete(eml, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task BeatAsync(RunningHost host, string key, string json)
    {
        using var beat = new HttpRequestMessage(HttpMethod.Post, "/api/heartbeat") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        beat.Headers.Add("X-Agent-Key", key);
        var answer = await host.Client.SendAsync(beat);
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe) where T : struct
    {
        for (var i = 0; i < 300; i++)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException("Gave up waiting.");
    }

    /// <summary>The status center links of the e-mails in the local inbox (/admin/inbox.json) ending in each of <paramref name="hashes"/>.</summary>
    private static async Task<string[]> LinksAsync(RunningHost host, string[] hashes)
    {
        var found = new string?[hashes.Length];
        for (var i = 0; i < 300 && found.Any(f => f is null); i++)
        {
            var json = await host.Client.GetFromJsonAsync<JsonElement>("/admin/inbox.json");
            var links = json.GetProperty("emails").EnumerateArray().SelectMany(e => e.GetProperty("links").EnumerateArray()).Select(l => l.GetString()!).ToList();
            for (var k = 0; k < hashes.Length; k++)
                found[k] ??= links.FirstOrDefault(l => l.Contains("/status/", StringComparison.Ordinal) && l.EndsWith(hashes[k], StringComparison.Ordinal));
            if (found.Any(f => f is null)) await Task.Delay(200);
        }
        var missing = hashes.Where((h, k) => found[k] is null).ToList();
        Assert.True(missing.Count == 0, "No e-mail with a link to " + string.Join(", ", missing));
        return found!;
    }
}
