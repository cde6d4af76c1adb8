using Leitstand.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// #/heute: the overdue summary lists its tasks as lines, an open one a link to its lead with its title and due date,
/// a done, skipped or gone one greyed with a mark and no link.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterOverdueSummaryTests(StackFixture stack, Chromium chromium)
{
    private const string Grey = "rgb(107, 114, 128)";

    [Fact]
    public async Task The_summary_links_each_open_task_to_its_lead_by_keyboard_and_greys_a_task_once_it_is_done()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var rita = await Crm.CreateLeadAsync(stack.Admin, "WON", $"Rita Rückstand {suffix}");
        var otto = await Crm.CreateLeadAsync(stack.Admin, "WON", $"Otto Offen {suffix}");
        var open = await Crm.ScalarAsync<Guid>(stack.Admin, """
            insert into tasks (lead_id, kind, title, due_at) values (@rita, 'manual', 'Rechnung an {name} senden', now() - interval '5 days') returning id
            """, new { rita });
        var later = await Crm.ScalarAsync<Guid>(stack.Admin, """
            insert into tasks (lead_id, kind, title, due_at) values (@otto, 'manual', 'Zugänge von {vorname} prüfen', now() - interval '4 days') returning id
            """, new { otto });
        var done = await Crm.ScalarAsync<Guid>(stack.Admin, """
            insert into tasks (lead_id, kind, title, due_at, status, outcome, completed_at)
            values (@rita, 'manual', 'Vertrag für {name} ablegen', now() - interval '3 days', 'DONE', 'done', now()) returning id
            """, new { rita });
        var gone = Guid.NewGuid(); // a task whose lead was erased since the summary was made
        // The summary as the daily rule stores it: no names, its tasks by reference, due at the start of the Berlin day.
        var summary = await Crm.ScalarAsync<Guid>(stack.Admin, """
            insert into tasks (kind, rule, title, details, due_at, priority, attributes)
            values ('overdue_summary', 'overdue_summary', 'Überfällig: 4 offene Aufgaben aufarbeiten',
                    E'Jede Aufgabe erledigen, überspringen oder neu terminieren:\n{aufgaben}', public.berlin_day_start((now() at time zone 'Europe/Berlin')::date), 'high',
                    jsonb_build_object('tasks', 4, 'items', jsonb_build_array(
                      jsonb_build_object('task_id', @open, 'due_at', now() - interval '5 days'),
                      jsonb_build_object('task_id', @later, 'due_at', now() - interval '4 days'),
                      jsonb_build_object('task_id', @done, 'due_at', now() - interval '3 days'),
                      jsonb_build_object('task_id', @gone, 'due_at', now() - interval '2 days'))))
            returning id
            """, new { open, later, done, gone });
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;

        await session.SignInAsync();
        var card = page.Locator($"#aufgaben [data-task='{summary}']");
        await Expect(card.Locator("[data-listed-task]")).ToHaveCountAsync(4);
        Assert.Equal("Jede Aufgabe erledigen, überspringen oder neu terminieren:", (await card.Locator("p.details").TextContentAsync())?.Trim());
        var openLine = card.Locator($"[data-listed-task='{open}']");
        var link = openLine.Locator("a[data-field='listed-link']");
        await Expect(link).ToHaveAttributeAsync("href", $"#/leads/{rita}");
        await Expect(link).ToHaveTextAsync($"Rechnung an Rita Rückstand {suffix} senden");
        var dueDate = await Crm.ScalarAsync<string>(stack.Admin, "select to_char(due_at at time zone 'Europe/Berlin', 'DD.MM.YYYY') from tasks where id = @open", new { open });
        await Expect(openLine).ToContainTextAsync($"fällig {dueDate}");
        await Expect(card.Locator($"[data-listed-task='{later}']")).ToContainTextAsync($"Zugänge von Otto prüfen (Otto Offen {suffix})");
        await AssertGreyedAsync(card.Locator($"[data-listed-task='{done}']"), "erledigt", $"Vertrag für Rita Rückstand {suffix} ablegen");
        await AssertGreyedAsync(card.Locator($"[data-listed-task='{gone}']"), "gelöscht", "Aufgabe eines gelöschten Leads");
        await card.ScrollIntoViewIfNeededAsync();
        await session.ScreenshotAsync("heute-ueberfaellig");

        // By keyboard: Tab to the line's link, Enter opens the lead.
        await page.TabToAsync($"[data-task='{summary}'] [data-listed-task='{open}'] a", maxTabs: 400);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#lead-name")).ToContainTextAsync($"Rita Rückstand {suffix}");
        Assert.EndsWith($"#/leads/{rita}", page.Url);

        // Back in Heute the task is done on its own card; the summary then shows it greyed, without a link.
        await page.GoBackAsync();
        await Expect(page.Locator($"#aufgaben [data-task='{open}']")).ToBeAttachedAsync();
        await page.SelectOptionAsync($"#kanal-{open}", "email");
        await page.Locator($"#aufgaben [data-task='{open}'] [data-action='done']").ClickAsync();
        await Expect(page.Locator($"#erledigt [data-task='{open}']")).ToBeAttachedAsync();
        await AssertGreyedAsync(card.Locator($"[data-listed-task='{open}']"), "erledigt", $"Rechnung an Rita Rückstand {suffix} senden");
        await card.ScrollIntoViewIfNeededAsync();
        await session.ScreenshotAsync("heute-ueberfaellig-erledigt");
        session.AssertNoRequestLeftLocalhost();
    }

    private static async Task AssertGreyedAsync(Microsoft.Playwright.ILocator line, string mark, string title)
    {
        await Expect(line.Locator("[data-field='listed-mark']")).ToHaveTextAsync(mark);
        await Expect(line).ToContainTextAsync(title);
        await Expect(line.Locator("a")).ToHaveCountAsync(0);
        await Expect(line).ToHaveCSSAsync("color", Grey);
    }
}
