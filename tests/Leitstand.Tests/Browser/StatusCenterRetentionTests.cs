using Leitstand.Retention;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>#/zahlen → "Aufbewahrung": the latest retention run with its counts per rule.</summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterRetentionTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task The_figures_show_the_latest_retention_run_with_a_row_per_rule()
    {
        await using (var host = await RunningHost.StartAsync(stack))
            await host.Services.GetRequiredService<ApplyRetention>().ExecuteAsync(CancellationToken.None);
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;

        await session.SignInAsync("#/zahlen");

        await Expect(page.Locator("#aufbewahrung-regeln tbody tr")).ToHaveCountAsync(9);
        await Expect(page.Locator("#aufbewahrung")).ToContainTextAsync("Letzter Lauf");
        await Expect(page.Locator("#aufbewahrung tr[data-rule='open_leads'] th")).ToHaveTextAsync("Leads ohne Kontakt (anonymisiert)");
        session.AssertNoRequestLeftLocalhost();
    }
}
