using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>#/agents/&lt;id&gt;: the team changes a workflow's grace, longest run and (a workflow the agent registered) its rhythm.</summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterEditWorkflowTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task Team_changes_grace_and_interval_of_a_workflow_and_a_bad_value_is_refused_at_its_field()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        var lead = await Crm.CreateLeadAsync(stack.Admin, "WON", "Edda Einstellung", "Einstellung GmbH");
        var key = AgentKeys.Generate();
        var agent = await Crm.ScalarAsync<Guid>(stack.Admin, "insert into agents (lead_id, name, key_hash, key_prefix) values (@lead, 'Agent Einstellung GmbH', @hash, @prefix) returning id",
            new { lead, hash = key.Hash, prefix = key.DisplayPrefix });
        await session.Host.Services.GetRequiredService<WorkflowCheckIn>().ExecuteAsync(key.Key, "backup",
            new WorkflowCheckInRequest("ok", null, 30, null, null, TimeSpan.FromHours(2)), CancellationToken.None);

        await session.SignInAsync($"#/agents/{agent}");
        var backup = page.Locator("#workflows [data-workflow='backup']");
        await Expect(backup.Locator("[data-field='workflow-limits']")).ToHaveTextAsync("Kulanz 10 Min. · längste Laufzeit 1,0 Std.");
        await backup.Locator("summary").ClickAsync();

        await page.FillAsync("#workflow-backup-grace_seconds", "-5");
        await page.ClickAsync("#workflow-backup-form [data-action='edit-workflow']");
        await Expect(page.Locator("#workflow-backup-grace_seconds-fehler")).ToContainTextAsync("ganze Minuten von 0 bis 1440");

        await page.FillAsync("#workflow-backup-grace_seconds", "30");
        await page.FillAsync("#workflow-backup-interval_seconds", "90");
        await page.ClickAsync("#workflow-backup-form [data-action='edit-workflow']");

        await Expect(page.Locator("#workflows [data-workflow='backup'] [data-field='workflow-limits']")).ToHaveTextAsync("Kulanz 30 Min. · längste Laufzeit 1,0 Std.");
        await Expect(page.Locator("#workflows [data-workflow='backup']")).ToContainTextAsync("alle 1,5 Std.");
        await using (var connection = await stack.Admin.OpenConnectionAsync())
        {
            Assert.Equal((1800, 5400, 2), await Dapper.SqlMapper.QuerySingleAsync<(int, int, int)>(connection,
                "select extract(epoch from grace)::int, extract(epoch from run_interval)::int, version from agent_workflows where agent_id = @agent", new { agent }));
        }
        session.AssertNoRequestLeftLocalhost();
    }
}
