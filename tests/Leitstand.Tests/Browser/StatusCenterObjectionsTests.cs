using Dapper;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Leads;
using Leitstand.Tests.Privacy;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// The status center's privacy parts of dsgvo-objections: #/widersprueche records an objection by handle and channel
/// and lists it without the handle; the lead view shows the consent with its exact text on click and withdraws it.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterObjectionsTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task An_objection_entered_by_handle_is_listed_without_the_handle_and_its_prospect_is_stopped()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var page = session.Page;
        var handle = Prospects.UniqueHandle("stopp");
        Guid lead;
        await using (var host = await RunningHost.StartAsync(stack))
            lead = await Prospects.AddAsync(host, new { name = "Stefan Stopp", handle, handle_channel = "linkedin", contact_basis = "cold" });

        await session.SignInAsync("#/widersprueche");
        await Expect(page.Locator("#nav a[href='#/widersprueche']")).ToHaveAttributeAsync("aria-current", "");
        await Expect(page.Locator("#widersprueche")).ToHaveAttributeAsync("aria-busy", "false");
        var counted = (await page.Locator("#widersprueche-stand").TextContentAsync())!;
        await page.ClickAsync("#widerspruch-senden");
        await Expect(page.Locator("#widerspruch-email-fehler")).ToHaveTextAsync("Bitte eine E-Mail-Adresse oder einen Handle mit Kanal angeben.");

        await page.FillAsync("#widerspruch-handle", "@" + handle);
        await page.SelectOptionAsync("#widerspruch-channel", "linkedin");
        await page.ClickAsync("#widerspruch-senden");
        await Expect(page.Locator("#meldung")).ToContainTextAsync("Widerspruch eingetragen: 1 Lead gestoppt");
        // The list loaded again with the new objection (its counts changed), then: no handle in it.
        await Expect(page.Locator("#widersprueche-stand")).Not.ToHaveTextAsync(counted);
        await Expect(page.Locator("#widersprueche li").First).ToContainTextAsync("Handle");
        Assert.DoesNotContain(handle, await page.Locator("#widersprueche").TextContentAsync());
        await session.ScreenshotAsync("widersprueche");
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
        Assert.Equal("LOST", await Crm.ScalarAsync<string>(stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
    }

    [Fact]
    public async Task The_lead_view_shows_the_exact_consent_text_on_click_and_withdraws_the_consent()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        var (lead, _, task) = await Objections.LeadWithOpenTaskAsync(stack.Admin);

        await session.SignInAsync($"#/leads/{lead}");
        await Expect(page.Locator("[data-field='consent']")).ToContainTextAsync("Textversion 2026-11-25");
        await page.ClickAsync("#einwilligungstext summary");
        await Expect(page.Locator("[data-field='consent_text']")).ToContainTextAsync("Ich bin einverstanden, dass meine Angaben zur Kontaktaufnahme");
        await page.ClickAsync("#einwilligung-widerrufen");
        await page.ClickAsync("#einwilligung-widerruf-eintragen");
        await Expect(page.Locator("[data-field='consent_withdrawn']")).ToBeVisibleAsync();
        await Expect(page.Locator("#einwilligung-widerrufen")).ToHaveCountAsync(0);
        Assert.Equal("CANCELLED", await Crm.ScalarAsync<string>(stack.Admin, "select status::text from tasks where id = @task", new { task }));
    }
}
