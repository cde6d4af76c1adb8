using System.Globalization;
using Leitstand.Platform;
using Leitstand.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// #/pipeline: a column per stage with the moves the database allows; "Gewonnen" asks for the deal at the card, its
/// refusal at the field; a prospect added and its first message logged. Each column shows the most recently moved leads
/// first, so a lead a test has just created is at the top of its column.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterPipelineTests(StackFixture stack, Chromium chromium)
{
    private static ILocator Card(IPage page, string stage, Guid lead) => page.Locator($"[data-stage='{stage}'] [data-lead='{lead}']");

    private static async Task<string> TextAsync(ILocator locator) => (await locator.TextContentAsync())!;

    [Fact]
    public async Task A_lead_moved_to_call_booked_shows_in_that_column_and_won_asks_for_its_deal_at_the_card()
    {
        var name = $"Quirin Board {Guid.NewGuid():N}"[..22];
        var lead = await Crm.CreateLeadAsync(stack.Admin, "QUALIFIED", name, "Board GmbH");
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = session.Page;

        await session.SignInAsync("#/pipeline");
        var qualified = Card(page, "QUALIFIED", lead);
        await Expect(qualified).ToBeAttachedAsync();
        var text = await TextAsync(qualified);
        Assert.Contains(name, text);
        Assert.Contains("Board GmbH", text);
        Assert.Contains("seit weniger als einer Stunde", text);
        Assert.Equal(["CALL_BOOKED", "LOST"], await qualified.Locator("[data-move]").EvaluateAllAsync<string[]>("buttons => buttons.map(b => b.dataset.move)"));

        // Call gebucht asks for the date and time of the call.
        await qualified.Locator("[data-move='CALL_BOOKED']").ClickAsync();
        await Expect(page.Locator($"#call_at-{lead}")).ToBeFocusedAsync();
        // Entered and shown as Berlin time, whatever the browser's zone.
        var callAt = TimeZoneInfo.ConvertTime(DateTime.UtcNow, BerlinTime.Zone).Date.AddDays(2).AddHours(14).AddMinutes(30);
        await page.FillAsync($"#call_at-{lead}", callAt.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await qualified.Locator("[data-action='confirm']").ClickAsync();
        // The toast shows for 5 s from the answer on: looked for at once, not once the board has loaded again.
        await Expect(page.Locator("#meldung")).ToContainTextAsync("Qualifiziert → Call gebucht");
        var booked = Card(page, "CALL_BOOKED", lead);
        await Expect(booked).ToBeAttachedAsync();
        Assert.Equal("CALL_BOOKED", await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
        Assert.Equal(TimeZoneInfo.ConvertTimeToUtc(callAt, BerlinTime.Zone), await Crm.ScalarAsync<DateTime>(stack.Admin, "select call_at from leads where id = @lead", new { lead }));
        Assert.Contains($"{callAt.ToString("dd.MM.", CultureInfo.InvariantCulture)}, 14:30", await TextAsync(booked));

        // Gewonnen without a deal opens the deal form at the card (deal-form.js, as in the lead view): another price
        // without a reason is refused at its field, with the reason deal and move go in one step.
        Assert.DoesNotContain("Tabelle deals", await TextAsync(booked));
        await booked.Locator("[data-move='WON']").ClickAsync();
        await Expect(page.Locator($"#deal-{lead}-package")).ToBeFocusedAsync();
        await Expect(page.Locator($"#deal-{lead}-price")).ToHaveValueAsync("1490,00");
        await page.FillAsync($"#deal-{lead}-price", "1.290,00");
        await booked.Locator("[data-action='confirm']").ClickAsync();
        await Expect(page.Locator($"#deal-{lead}-price_reason-fehler")).ToContainTextAsync("Bitte den Grund angeben");
        Assert.Equal("CALL_BOOKED", await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
        await page.FillAsync($"#deal-{lead}-price_reason", "Frühbucher");
        await booked.Locator("[data-action='confirm']").ClickAsync();
        await Expect(Card(page, "WON", lead)).ToBeAttachedAsync();
        Assert.Equal(1, await Crm.ScalarAsync<int>(stack.Admin,
            "select count(*)::int from deals where lead_id = @lead and status = 'WON' and amount_cents = 129000 and price_reason = 'Frühbucher'", new { lead }));
        await session.ScreenshotAsync("pipeline");
        session.AssertNoRequestLeftLocalhost();
    }

    [Fact]
    public async Task A_prospect_added_on_the_board_shows_under_new_and_logging_its_first_message_moves_it_to_contacted()
    {
        var name = $"Nora Neu {Guid.NewGuid():N}"[..20];
        var email = $"board-{Guid.NewGuid():N}@example.de";
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        await session.SignInAsync("#/pipeline");
        await Expect(page.Locator("#pipeline [data-stage]")).ToHaveCountAsync(7);

        await page.ClickAsync("#interessent summary");
        await page.FillAsync("#neu-name", name);
        await page.FillAsync("#neu-email", email);
        await page.FillAsync("#neu-source", "empfehlung-board");
        await page.SelectOptionAsync("#neu-contact_basis", "referral");
        await page.ClickAsync("#interessent-senden");
        await Expect(page.Locator("#meldung")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Angelegt"));
        var lead = await Crm.ScalarAsync<Guid>(stack.Admin, "select id from leads where email = @email", new { email });
        var card = Card(page, "NEW", lead);
        await Expect(card).ToBeAttachedAsync();
        Assert.Contains(name, await TextAsync(card));
        Assert.Contains("empfehlung-board", await TextAsync(card));
        Assert.Equal("referral", await Crm.ScalarAsync<string>(stack.Admin, "select contact_basis::text from leads where id = @lead", new { lead }));

        await card.Locator("details.contact summary").ClickAsync();
        await Expect(page.Locator($"#kontakt-notiz-{lead} option[value='first_message_sent']")).ToBeAttachedAsync();
        await page.SelectOptionAsync($"#kontakt-kanal-{lead}", "dm");
        await page.SelectOptionAsync($"#kontakt-notiz-{lead}", "first_message_sent");
        await card.Locator("[data-action='log']").ClickAsync();
        await Expect(page.Locator("#meldung")).ToContainTextAsync("Neu → Kontaktiert");
        await Expect(Card(page, "CONTACTED", lead)).ToBeAttachedAsync();

        Assert.Equal("CONTACTED", await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
        Assert.Equal(1, await Crm.ScalarAsync<int>(stack.Admin,
            "select count(*)::int from lead_touchpoints where lead_id = @lead and note_code = 'first_message_sent' and direction = 'OUTBOUND' and kind = 'dm'", new { lead }));
        session.AssertNoRequestLeftLocalhost();
    }

    [Fact]
    public async Task A_prospect_without_email_or_handle_shows_the_german_reason_at_the_fields_and_nothing_is_added()
    {
        var name = $"Otto Ohne {Guid.NewGuid():N}"[..20];
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        await session.SignInAsync("#/pipeline");
        await Expect(page.Locator("#pipeline [data-stage]")).ToHaveCountAsync(7);

        await page.ClickAsync("#interessent summary");
        await page.FillAsync("#neu-name", name);
        await page.ClickAsync("#interessent-senden");

        await Expect(page.Locator("#neu-email-fehler")).ToContainTextAsync("E-Mail-Adresse oder einen Handle");
        Assert.Equal("true", await page.Locator("#neu-email").GetAttributeAsync("aria-invalid"));
        Assert.Equal("neu-email", await page.EvaluateAsync<string>("document.activeElement.id"));
        Assert.Equal(0, await Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from leads where name = @name", new { name }));
    }

    [Fact]
    public async Task On_a_phone_the_columns_scroll_sideways_and_the_page_itself_does_not()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "NEW", $"Tim Telefon {Guid.NewGuid():N}"[..20]);
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var page = session.Page;

        await session.SignInAsync("#/pipeline");
        await Expect(Card(page, "NEW", lead)).ToBeAttachedAsync();

        var layout = await page.EvaluateAsync<Layout>("""
            (() => { const b = document.querySelector('#pipeline'); const c = b.querySelector('[data-stage]').getBoundingClientRect();
                     return { board: b.scrollWidth > b.clientWidth, page: document.documentElement.scrollWidth, column: c.width }; })()
            """);
        Assert.True(layout.Board, "the board does not scroll sideways");
        Assert.True(layout.Page <= 390, $"the page is {layout.Page} px wide");
        Assert.InRange(layout.Column, 250, 390);
        await session.ScreenshotAsync("pipeline-telefon");
    }

    private sealed class Layout
    {
        public bool Board { get; set; }
        public double Page { get; set; }
        public double Column { get; set; }
    }
}
