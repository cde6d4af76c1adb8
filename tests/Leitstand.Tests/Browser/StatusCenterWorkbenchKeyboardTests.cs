using Dapper;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>The lead workbench and the agent view by keyboard alone (Tab, arrow keys, Enter), as the other views.</summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterWorkbenchKeyboardTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task Finding_a_lead_logging_a_call_with_a_note_and_pausing_its_agent_work_with_the_keyboard_alone()
    {
        // A word no other test's lead has, so the search finds exactly this one.
        var word = "Tastenfeld" + Guid.NewGuid().ToString("N")[..6];
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED", $"Kira {word}");
        var key = AgentKeys.Generate();
        Guid agent;
        await using (var connection = await stack.Admin.OpenConnectionAsync())
            agent = await connection.ExecuteScalarAsync<Guid>("""
                insert into agents (lead_id, name, key_hash, key_prefix) values (@lead, 'Agent Tastatur', @hash, @prefix) returning id
                """, new { lead, hash = key.Hash, prefix = key.DisplayPrefix });
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        await session.SignInAsync("#/leads");

        await page.TabToAsync("#lead-suche");
        await page.Keyboard.TypeAsync(word.ToLowerInvariant()[..12]);
        // The list before the search shows the newest leads (this one too): wait for the search's own answer, so the
        // link that gets the focus is not replaced afterwards.
        await Expect(page.Locator("#leads-stand")).ToHaveTextAsync("1 Lead", new() { Timeout = 20_000 });
        await Expect(page.Locator("#leads")).ToHaveAttributeAsync("aria-busy", "false");
        await Expect(page.Locator($"#leads a[href='#/leads/{lead}']")).ToHaveCountAsync(1);
        await page.TabToAsync($"#leads a[href='#/leads/{lead}']");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#lead-name")).ToContainTextAsync(word);

        // "Kontakt notieren" opens with Enter on its summary; channel and note code by arrow key, the note typed.
        await page.TabToAsync("#kontakt-notieren summary");
        await page.Keyboard.PressAsync("Enter");
        await page.TabToAsync("#kontakt-channel");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.TabToAsync("#kontakt-note_code");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.TabToAsync("#kontakt-note");
        await page.Keyboard.TypeAsync("Rückruf am Freitag vereinbart");
        await page.TabToAsync("#kontakt-senden");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#verlauf")).ToContainTextAsync("Rückruf am Freitag vereinbart");
        Assert.Equal("Rückruf am Freitag vereinbart", await Crm.ScalarAsync<string>(stack.Admin,
            "select note from lead_touchpoints where lead_id = @lead", new { lead }));

        await page.GotoAsync(session.Url + $"#/agents/{agent}");
        await Expect(page.Locator("#agent-name")).ToContainTextAsync("Agent Tastatur");
        await page.TabToAsync("[data-action='pause']", maxTabs: 120);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("[data-action='resume']")).ToBeAttachedAsync();
        Assert.True(await Crm.ScalarAsync<bool>(stack.Admin, "select paused from agents where id = @agent", new { agent }));
        session.AssertNoRequestLeftLocalhost();
    }
}
