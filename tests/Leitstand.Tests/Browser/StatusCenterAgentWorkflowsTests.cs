using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>#/agenten and #/agents/&lt;id&gt; show per workflow the last run (state, time, duration), the next expected start and its open incident.</summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterAgentWorkflowsTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task The_agent_list_and_page_show_each_workflows_last_run_next_expected_start_and_open_incident()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        var lead = await Crm.CreateLeadAsync(stack.Admin, "WON", "Wera Workflow", "Workflow GmbH");
        var key = AgentKeys.Generate();
        var agent = await Crm.ScalarAsync<Guid>(stack.Admin, "insert into agents (lead_id, name, key_hash, key_prefix) values (@lead, 'Agent Workflow GmbH', @hash, @prefix) returning id",
            new { lead, hash = key.Hash, prefix = key.DisplayPrefix });
        var checkIns = session.Host.Services.GetRequiredService<WorkflowCheckIn>();
        await checkIns.ExecuteAsync(key.Key, "backup", new WorkflowCheckInRequest("ok", null, 125, null, null, TimeSpan.FromHours(2)), CancellationToken.None);
        await checkIns.ExecuteAsync(key.Key, "rechnungen", new WorkflowCheckInRequest("error", null, 4, "HTTP_503", "0 8 * * 1-5", null), CancellationToken.None);

        await session.SignInAsync("#/agenten");
        var card = page.Locator($"[data-agent='{agent}']");
        await Expect(card.Locator("[data-workflow='backup']")).ToContainTextAsync("erfolgreich");
        await Expect(card.Locator("[data-workflow='backup']")).ToContainTextAsync("(2 Min.)");
        await Expect(card.Locator("[data-workflow='rechnungen']")).ToContainTextAsync("fehlgeschlagen");
        await Expect(card).ToContainTextAsync("Workflow-Lauf fehlgeschlagen");

        await page.ClickAsync($"[data-agent='{agent}'] [data-field='agent-link']");
        await Expect(page.Locator("#agent-name")).ToHaveTextAsync("Agent Workflow GmbH");
        var backup = page.Locator("#workflows [data-workflow='backup']");
        await Expect(backup.Locator("[data-field='last-run']")).ToContainTextAsync("erfolgreich");
        await Expect(backup.Locator("[data-field='last-run']")).ToContainTextAsync("Dauer 2 Min.");
        await Expect(backup.Locator("[data-field='last-run']")).ToContainTextAsync("nächster Lauf erwartet:");
        await Expect(backup).ToContainTextAsync("alle 2,0 Std.");
        var invoices = page.Locator("#workflows [data-workflow='rechnungen']");
        await Expect(invoices).ToContainTextAsync("Zeitplan 0 8 * * 1-5 (Berliner Zeit)");
        await Expect(invoices.Locator("[data-field='last-run']")).ToContainTextAsync("Fehlercode HTTP_503");
        await Expect(invoices.Locator("[data-field='workflow-incident'] a")).ToHaveTextAsync("Offenes Incident: Workflow-Lauf fehlgeschlagen");
        await session.ScreenshotAsync("agent-workflows");

        // The incident view names the workflow (its name and key).
        await invoices.Locator("[data-field='workflow-incident'] a").ClickAsync();
        await Expect(page.Locator("#incident-daten [data-field='workflow']")).ToContainTextAsync("rechnungen");
        session.AssertNoRequestLeftLocalhost();
    }
}
