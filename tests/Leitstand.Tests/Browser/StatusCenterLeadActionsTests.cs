using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Leitstand.Pipeline;
using Leitstand.Platform;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Leads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// The actions of #/leads/&lt;id&gt; on a phone: a prospect worked from the first search to the won deal with its
/// onboarding tasks; "Bearbeiten" that never overwrites someone else's change (409); the deal form of "Gewonnen"
/// refusing another price without a reason at its field.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterLeadActionsTests(StackFixture stack, Chromium chromium)
{
    private Task<string> StageAsync(Guid lead) => Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead });

    [Fact]
    public async Task A_prospect_is_found_by_its_handle_called_booked_and_won_with_its_deal_and_then_shows_its_onboarding_tasks()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var page = session.Page;
        var handle = Prospects.UniqueHandle("greta");
        var name = $"Greta Gewinn {Guid.NewGuid():N}"[..22];
        Guid lead;
        await using (var host = await RunningHost.StartAsync(stack))
            lead = await Prospects.AddAsync(host, new
            {
                name, company = "Gewinn Studio", handle = "@" + handle, handle_channel = "instagram", contact_basis = "cold", source = "instagram-outreach",
            });

        // Search by the start of the handle, open the lead: handle and profile link.
        await session.SignInAsync("#/leads");
        await Expect(page.Locator("#leads")).ToHaveAttributeAsync("aria-busy", "false");
        await page.FillAsync("#lead-suche", handle[..12]);
        var row = page.Locator($"#leads [data-lead='{lead}']");
        await Expect(row).ToBeAttachedAsync();
        await row.Locator("a").ClickAsync();
        await Expect(page.Locator("#lead-name")).ToHaveTextAsync(name);
        var profile = page.Locator("[data-field='handle'] a");
        await Expect(profile).ToHaveTextAsync(handle);
        Assert.Equal($"https://instagram.com/{handle}", await profile.GetAttributeAsync("href"));
        Assert.Equal(["CONTACTED", "CALL_BOOKED", "LOST"], await page.Locator("#stufe [data-move]").EvaluateAllAsync<string[]>("bs => bs.map(b => b.dataset.move)"));

        // Log the call with a note: the lead moves on to Kontaktiert.
        await page.ClickAsync("#kontakt-notieren summary");
        await page.SelectOptionAsync("#kontakt-channel", "call");
        await page.SelectOptionAsync("#kontakt-note_code", "call_held");
        const string note = "Will den Agenten für Terminbuchungen, Entscheidung nach dem Call.";
        await page.FillAsync("#kontakt-note", note);
        await page.ClickAsync("#kontakt-senden");
        await Expect(page.Locator("#verlauf [data-kind='touchpoint'] [data-field='note']").First).ToHaveTextAsync(note);
        await Expect(page.Locator("[data-field='stage']")).ToHaveTextAsync("Kontaktiert");

        // Book the call as the board does: date and time, Berlin time.
        await page.ClickAsync("#stufe [data-move='CALL_BOOKED']");
        await Expect(page.Locator("#stufe-call_at")).ToBeFocusedAsync();
        var callAt = TimeZoneInfo.ConvertTime(DateTime.UtcNow, BerlinTime.Zone).Date.AddDays(1).AddHours(10);
        await page.FillAsync("#stufe-call_at", callAt.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await page.ClickAsync("#stufe [data-action='confirm']");
        await Expect(page.Locator("[data-field='stage']")).ToHaveTextAsync("Call gebucht");
        Assert.Equal(TimeZoneInfo.ConvertTimeToUtc(callAt, BerlinTime.Zone), await Crm.ScalarAsync<DateTime>(stack.Admin, "select call_at from leads where id = @lead", new { lead }));

        // Gewonnen opens the deal form: the first package with its price; deal and move in one step.
        await page.ClickAsync("#stufe [data-move='WON']");
        await Expect(page.Locator("#deal-package")).ToBeFocusedAsync();
        await Expect(page.Locator("#deal-package")).ToHaveValueAsync("SETUP");
        await Expect(page.Locator("#deal-price")).ToHaveValueAsync("1490,00");
        await Expect(page.Locator("#deal-starts_on")).ToBeHiddenAsync();
        await page.SelectOptionAsync("#deal-package", "RETAINER");
        await Expect(page.Locator("#deal-price")).ToHaveValueAsync("149,00");
        await Expect(page.Locator("#deal-starts_on")).ToBeVisibleAsync();
        await page.SelectOptionAsync("#deal-package", "SETUP");
        await Expect(page.Locator("#deal-starts_on")).ToBeHiddenAsync();
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
        await ClearToastAsync(page);
        await page.Locator("#deal-form").ScrollIntoViewIfNeededAsync();
        await session.ScreenshotAsync("deal-form");
        await page.ClickAsync("#deal-senden");

        await Expect(page.Locator("[data-field='stage']")).ToHaveTextAsync("Gewonnen");
        var deal = await Crm.ScalarAsync<Guid>(stack.Admin, "select id from deals where lead_id = @lead and status = 'WON' and package = 'SETUP' and amount_cents = 149000", new { lead });
        var dealLink = page.Locator($"#lead-deals [data-deal='{deal}'] a");
        await Expect(dealLink).ToHaveAttributeAsync("href", $"#/deals/{deal}");
        Assert.Contains("gewonnen", await page.Locator($"#lead-deals [data-deal='{deal}']").TextContentAsync());
        await Expect(page.Locator("#stufe .empty")).ToContainTextAsync("Endstufe");

        // The pipeline's reaction to WON creates the onboarding tasks; the view looks again until they are there.
        await session.Host.Services.GetRequiredService<ProcessPipelineEvents>().ExecuteAsync(CancellationToken.None);
        var onboarding = page.Locator("#lead-aufgaben li", new() { HasTextString = "Onboarding-Termin" });
        await Expect(onboarding).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        Assert.True(await Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from tasks where lead_id = @lead and kind = 'onboarding' and status = 'OPEN'", new { lead }) >= 1);
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
        await ClearToastAsync(page);
        await page.Locator("#lead-deals").ScrollIntoViewIfNeededAsync();
        await session.ScreenshotAsync("lead-won");
        session.AssertNoRequestLeftLocalhost();
    }

    [Fact]
    public async Task A_stale_edit_shows_the_conflict_in_German_offers_to_reload_and_keeps_the_other_change()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED", "Edith Editor", "Editor GmbH");
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var page = session.Page;
        await session.SignInAsync($"#/leads/{lead}");
        await Expect(page.Locator("#lead-name")).ToHaveTextAsync("Edith Editor");

        // An invalid e-mail address: the API's German message at the field, nothing saved.
        await page.ClickAsync("#kontakt-bearbeiten");
        await Expect(page.Locator("#bearbeiten-name")).ToBeFocusedAsync();
        await Expect(page.Locator("#kontakt .contact-facts")).ToBeHiddenAsync();
        await page.FillAsync("#bearbeiten-email", "edith@");
        await page.ClickAsync("#bearbeiten-senden");
        await Expect(page.Locator("#bearbeiten-email-fehler")).Not.ToBeEmptyAsync();
        Assert.Equal("true", await page.Locator("#bearbeiten-email").GetAttributeAsync("aria-invalid"));
        Assert.Equal(1, await Crm.ScalarAsync<int>(stack.Admin, "select version from leads where id = @lead", new { lead }));

        // Someone else corrects the phone in between (version 1 → 2).
        await using (var other = await RunningHost.StartAsync(stack))
            Assert.Equal(HttpStatusCode.OK, (await other.TeamClient.PatchAsync($"/api/leads/{lead}",
                JsonContent.Create(new { version = 1, phone = "+49 30 5550100" }))).StatusCode);

        // The form opened anew (Abbrechen drops the invalid address), the company corrected on version 1.
        await page.ClickAsync("#bearbeiten-abbrechen");
        await page.ClickAsync("#kontakt-bearbeiten");
        await Expect(page.Locator("#bearbeiten-email-fehler")).ToBeEmptyAsync();
        await page.FillAsync("#bearbeiten-company", "Editor & Söhne GmbH");
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
        await page.EvaluateAsync("document.getElementById('kontakt').scrollIntoView()");
        await session.ScreenshotAsync("lead-edit");
        await page.ClickAsync("#bearbeiten-senden");

        var stale = page.Locator("#bearbeiten-veraltet");
        await Expect(stale).ToBeVisibleAsync();
        await Expect(stale).ToContainTextAsync("Dieser Lead wurde inzwischen geändert");
        await Expect(page.Locator("#bearbeiten-neu-laden")).ToBeFocusedAsync();
        await Expect(page.Locator("#bearbeiten-company")).ToHaveValueAsync("Editor & Söhne GmbH");
        await using (var connection = await stack.Admin.OpenConnectionAsync())
        {
            var stored = await Dapper.SqlMapper.QuerySingleAsync<(string? Phone, string? Company, int Version)>(connection,
                "select phone, company, version from leads where id = @lead", new { lead });
            Assert.Equal(("+49 30 5550100", "Editor GmbH", 2), stored);
        }
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);

        // Neu laden shows the other change; the edit entered again then saves on version 2. The form has its focus
        // on the name the moment it opens (not a frame later, when typing may already have begun in another field).
        await page.ClickAsync("#bearbeiten-neu-laden");
        await Expect(page.Locator("[data-field='phone'] a")).ToHaveTextAsync("+49 30 5550100");
        Assert.Equal("bearbeiten-name", await page.EvaluateAsync<string>(
            "() => { document.getElementById('kontakt-bearbeiten').click(); return document.activeElement.id; }"));
        await page.FillAsync("#bearbeiten-company", "Editor & Söhne GmbH");
        await Expect(page.Locator("#bearbeiten-company")).ToHaveValueAsync("Editor & Söhne GmbH");
        await Expect(page.Locator("#bearbeiten-name")).ToHaveValueAsync("Edith Editor");
        await page.ClickAsync("#bearbeiten-senden");
        await Expect(page.Locator("[data-field='company'] span")).ToHaveTextAsync("Editor & Söhne GmbH");
        Assert.Equal(("+49 30 5550100", 3), (await Crm.ScalarAsync<string>(stack.Admin, "select phone from leads where id = @lead", new { lead }),
            await Crm.ScalarAsync<int>(stack.Admin, "select version from leads where id = @lead", new { lead })));
    }

    [Fact]
    public async Task A_different_price_without_a_reason_is_refused_at_its_field_and_with_the_reason_the_retainer_is_won()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CALL_BOOKED", "Preis Probe", "Probe KG");
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var page = session.Page;
        await session.SignInAsync($"#/leads/{lead}");
        await Expect(page.Locator("#lead-name")).ToHaveTextAsync("Preis Probe");

        Assert.Equal("deal-package", await page.EvaluateAsync<string>(
            "() => { document.querySelector(\"#stufe [data-move='WON']\").click(); return document.activeElement.id; }"));
        await page.SelectOptionAsync("#deal-package", "RETAINER");
        await page.FillAsync("#deal-price", "129");
        await page.ClickAsync("#deal-senden");

        var error = page.Locator("#deal-price_reason-fehler");
        await Expect(error).ToContainTextAsync("Bitte den Grund angeben");
        Assert.Equal("true", await page.Locator("#deal-price_reason").GetAttributeAsync("aria-invalid"));
        await Expect(page.Locator("#deal-price_reason")).ToBeFocusedAsync();
        Assert.Equal("CALL_BOOKED", await StageAsync(lead));
        Assert.Equal(0, await Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from deals where lead_id = @lead", new { lead }));
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);

        await page.FillAsync("#deal-price_reason", "Gründerrabatt im ersten Jahr");
        await page.FillAsync("#deal-starts_on", "2027-01-01");
        await page.ClickAsync("#deal-senden");
        await Expect(page.Locator("[data-field='stage']")).ToHaveTextAsync("Gewonnen");
        Assert.Equal(1, await Crm.ScalarAsync<int>(stack.Admin, """
            select count(*)::int from deals where lead_id = @lead and package = 'RETAINER' and status = 'WON' and amount_cents = 12900
              and price_reason = 'Gründerrabatt im ersten Jahr' and starts_on = date '2027-01-01'
            """, new { lead }));
    }

    [Fact]
    public async Task A_price_typed_before_the_packages_arrive_is_kept_and_the_deal_is_won_at_that_price()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CALL_BOOKED", "Frühe Eingabe", "Früh GmbH");
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var page = session.Page;
        // The package list answers only once the price is typed (a slow connection).
        var typed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/packages", async route => { await typed.Task.WaitAsync(TimeSpan.FromSeconds(60)); await route.ContinueAsync(); });
        await session.SignInAsync($"#/leads/{lead}");
        await Expect(page.Locator("#lead-name")).ToHaveTextAsync("Frühe Eingabe");

        await page.ClickAsync("#stufe [data-move='WON']");
        await Expect(page.Locator("#deal-package option")).ToHaveTextAsync("Pakete laden …");
        await page.FillAsync("#deal-price", "1.290");
        typed.SetResult();
        await Expect(page.Locator("#deal-listenpreis")).ToContainTextAsync("€");
        await Expect(page.Locator("#deal-price")).ToHaveValueAsync("1.290");

        await page.FillAsync("#deal-price_reason", "Kleinere Installation");
        await page.ClickAsync("#deal-senden");
        await Expect(page.Locator("[data-field='stage']")).ToHaveTextAsync("Gewonnen");
        Assert.Equal(129000, await Crm.ScalarAsync<int>(stack.Admin, "select amount_cents from deals where lead_id = @lead", new { lead }));
    }

    /// <summary>The toast covers the bottom of a phone screen for 5 s: gone before a screenshot.</summary>
    private static Task ClearToastAsync(IPage page) => page.EvaluateAsync("document.getElementById('meldung').textContent = ''");
}
