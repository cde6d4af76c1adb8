using Leitstand.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>"Löschen (Art. 17)" in #/leads/&lt;id&gt;: a confirmation naming the consequences, then the lead view shows the erasure record.</summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterErasureTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task Erasing_asks_first_naming_the_consequences_and_then_the_lead_shows_its_erasure_record()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var page = session.Page;
        var name = $"Elsa Löschung {Guid.NewGuid():N}"[..22];
        var lead = await Crm.CreateLeadAsync(stack.Admin, "QUALIFIED", name: name);

        await session.SignInAsync($"#/leads/{lead}");
        await Expect(page.Locator("#lead-name")).ToHaveTextAsync(name);
        await page.ClickAsync("#loeschen");
        var confirm = page.Locator("#loeschung-bestaetigen");
        await Expect(confirm).ToContainTextAsync("endgültig löschen?");
        await Expect(page.Locator("#loeschung-folgen li")).ToHaveCountAsync(5);
        await Expect(confirm).ToContainTextAsync("KPI-Board bleiben gleich");
        // Cancel erases nothing.
        await confirm.Locator("[data-action='cancel']").ClickAsync();
        await Expect(confirm).ToHaveCountAsync(0);
        Assert.Equal(name, await Crm.ScalarAsync<string>(stack.Admin, "select name from leads where id = @lead", new { lead }));

        await page.ClickAsync("#loeschen");
        await page.SelectOptionAsync("#loeschung-grund", "request");
        await page.ClickAsync("#loeschung-bestaetigen [data-action='confirm']");

        await Expect(page.Locator("#lead-name")).ToHaveTextAsync("Gelöscht (Art. 17)");
        await Expect(page.Locator("#loeschung [data-field='reason']")).ToContainTextAsync("Antrag der Person");
        await Expect(page.Locator("#loeschen")).ToHaveCountAsync(0);
        Assert.Equal(1, await Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from erasures where lead_id = @lead", new { lead }));
    }
}
