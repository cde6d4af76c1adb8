using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Leads;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// #/leads and #/leads/&lt;id&gt;: a prospect found by the start of its handle, opened with its contact data and
/// profile link, a touchpoint with a note logged and seen in the timeline; an unknown id says so in German; the
/// daily list and the board link to their lead.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterLeadsTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task A_prospect_found_by_the_start_of_its_handle_opens_with_its_profile_link_and_a_logged_note_shows_in_its_timeline()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var page = session.Page;
        var handle = Prospects.UniqueHandle("lina");
        var name = $"Lina Werkbank {Guid.NewGuid():N}"[..22];
        Guid lead;
        await using (var host = await RunningHost.StartAsync(stack)) // the API as a test calls it (the session's host signs in the browser)
            lead = await Prospects.AddAsync(host, new
            {
                name, company = "Werkbank GmbH", handle = "@" + handle, handle_channel = "instagram", phone = "+49 30 1234567",
                contact_basis = "cold", source = "instagram-outreach",
            });

        await session.SignInAsync("#/leads");
        await Expect(page.Locator("#leads")).ToHaveAttributeAsync("aria-busy", "false");
        await Expect(page.Locator("#nav a[href='#/leads']")).ToHaveAttributeAsync("aria-current", "");
        await page.FillAsync("#lead-suche", handle[..12]);
        var row = page.Locator($"#leads [data-lead='{lead}']");
        await Expect(row).ToBeAttachedAsync();
        await Expect(page.Locator("#leads [data-lead]")).ToHaveCountAsync(1);
        Assert.Contains("Werkbank GmbH", await row.TextContentAsync());
        Assert.Contains("Neu", await row.Locator("[data-field='stage']").TextContentAsync());
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
        await session.ScreenshotAsync("leads");

        await row.Locator("a").ClickAsync();
        await Expect(page.Locator("#lead-name")).ToHaveTextAsync(name);
        Assert.EndsWith($"#/leads/{lead}", page.Url);
        var profile = page.Locator("[data-field='handle'] a");
        await Expect(profile).ToHaveTextAsync(handle);
        Assert.Equal($"https://instagram.com/{handle}", await profile.GetAttributeAsync("href"));
        Assert.Equal("tel:+49301234567", await page.Locator("[data-field='phone'] a").GetAttributeAsync("href"));
        await Expect(page.Locator("[data-field='handle'] button.copy")).ToBeVisibleAsync();
        Assert.Equal("keine erfasst", await page.Locator("[data-field='consent']").TextContentAsync());

        // Kontakt notieren: the hint beside the note, then the note in the timeline and the lead moved on.
        await page.ClickAsync("#kontakt-notieren summary");
        await Expect(page.Locator("#kontakt-note-hinweis")).ToHaveTextAsync("Nur geschäftliche Notizen – keine Chatinhalte, keine sensiblen Daten.");
        await page.SelectOptionAsync("#kontakt-channel", "dm");
        await page.SelectOptionAsync("#kontakt-note_code", "first_message_sent");
        const string note = "Fragt nach Preisen für das Paket, Rückruf am Dienstag.";
        await page.FillAsync("#kontakt-note", note);
        await page.ClickAsync("#kontakt-senden");
        var entry = page.Locator("#verlauf [data-kind='touchpoint']").First;
        await Expect(entry.Locator("[data-field='note']")).ToHaveTextAsync(note);
        Assert.Contains("Erstnachricht gesendet", await entry.TextContentAsync());
        await Expect(page.Locator("[data-field='stage']")).ToHaveTextAsync("Kontaktiert");
        Assert.Equal(note, await Crm.ScalarAsync<string>(stack.Admin, "select note from lead_touchpoints where lead_id = @lead", new { lead }));
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
        await session.ScreenshotAsync("lead-detail");
        session.AssertNoRequestLeftLocalhost();
    }

    [Fact]
    public async Task A_note_over_500_characters_is_refused_at_its_field_and_nothing_is_logged()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED", "Lang Notiz");
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        await session.SignInAsync($"#/leads/{lead}");
        await Expect(page.Locator("#lead-name")).ToHaveTextAsync("Lang Notiz");

        await page.ClickAsync("#kontakt-notieren summary");
        await page.SelectOptionAsync("#kontakt-channel", "call");
        await page.SelectOptionAsync("#kontakt-note_code", "call_held");
        await page.EvaluateAsync("document.querySelector('#kontakt-note').removeAttribute('maxlength')");
        await page.FillAsync("#kontakt-note", new string('x', 501));
        await page.ClickAsync("#kontakt-senden");
        await Expect(page.Locator("#kontakt-note-fehler")).Not.ToBeEmptyAsync();
        Assert.Equal("true", await page.Locator("#kontakt-note").GetAttributeAsync("aria-invalid"));
        Assert.Equal(0, await Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from lead_touchpoints where lead_id = @lead", new { lead }));
    }

    [Fact]
    public async Task An_unknown_lead_says_lead_nicht_gefunden()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        await session.SignInAsync($"#/leads/{Guid.NewGuid()}");
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Lead nicht gefunden");
        await Expect(page.Locator("#nav a[href='#/leads']")).ToHaveAttributeAsync("aria-current", "");
    }

    [Fact]
    public async Task A_task_card_and_a_pipeline_card_open_their_lead()
    {
        var name = $"Karl Karte {Guid.NewGuid():N}"[..20];
        var lead = await Crm.CreateLeadAsync(stack.Admin, "NEW", name);
        var task = await Crm.ScalarAsync<Guid>(stack.Admin, """
            insert into tasks (lead_id, kind, rule, title, due_at, priority)
            values (@lead, 'first_contact', 'first_contact', 'Erstkontakt: Karl Karte', now() - interval '1 hour', 'high') returning id
            """, new { lead });
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = session.Page;
        await session.SignInAsync();

        await page.ClickAsync($"#aufgaben [data-task='{task}'] [data-field='lead-link']");
        await Expect(page.Locator("#lead-name")).ToHaveTextAsync(name);
        await Expect(page.Locator("#lead-aufgaben [data-task]")).ToHaveCountAsync(1);

        await page.ClickAsync("#nav a[href='#/pipeline']");
        await page.ClickAsync($"[data-stage='NEW'] [data-lead='{lead}'] [data-field='lead-link']");
        await Expect(page.Locator("#lead-name")).ToHaveTextAsync(name);
        Assert.EndsWith($"#/leads/{lead}", page.Url);
    }
}
