using System.Net;
using Leitstand.Fulfilment;
using Leitstand.Platform;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// The onboarding questionnaire end to end: the customer fills it in on a phone with JavaScript switched off (a draft,
/// an error at its field, the submission and its thank-you); a tampered and an expired link; the team's lead view with
/// "Link erstellen", the answers and "Zur Bearbeitung öffnen". Screenshots TestResults/status-center/onboarding-*.png.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class OnboardingBrowserTests(StackFixture stack, Chromium chromium)
{
    private static BrowserNewContextOptions PhoneWithoutScript()
    {
        var options = Chromium.Phone;
        options.JavaScriptEnabled = false;
        return options;
    }

    private static async Task<string> LinkAsync(RunningHost host, Guid lead)
    {
        var response = await host.TeamClient.PostAsync($"/api/leads/{lead}/onboarding-link", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content);
        return new Uri(body.GetProperty("url").GetString()!).AbsolutePath;
    }

    [Fact]
    public async Task The_customer_fills_in_the_questionnaire_on_a_phone_without_script_saves_a_draft_fixes_an_error_and_submits()
    {
        await using var host = await RunningHost.StartAsync(stack);
        var lead = await Crm.CreateLeadAsync(stack.Admin, "WON", name: "Paula Phone");
        var path = await LinkAsync(host, lead);
        await using var context = await chromium.NewContextAsync(PhoneWithoutScript());
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(host.BaseAddress, path).ToString());
        await Expect(page.Locator("h1")).ToHaveTextAsync("Onboarding-Fragebogen");
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
        await page.SaveScreenshotAsync("onboarding-fragebogen");

        // A draft: a few answers, then later the rest.
        await page.FillAsync("#f-goals-change", "Anfragen in einer Stunde beantworten.");
        await page.FillAsync("#f-goals-success", "Freitags frei.");
        await page.FillAsync("#f-channels-email-tool", "Gmail");
        await page.SelectOptionAsync("#f-channels-email-rights", "draft");
        await page.ClickAsync("#entwurf");
        await Expect(page.Locator("#hinweis")).ToContainTextAsync("Entwurf gespeichert");
        await Expect(page.Locator("#f-goals-change")).ToHaveValueAsync("Anfragen in einer Stunde beantworten.");
        await Expect(page.Locator("#f-channels-email-rights")).ToHaveValueAsync("draft");

        // The rest, with a schedule that is no cron expression.
        for (var n = 1; n <= 3; n++)
        {
            await page.FillAsync($"#f-workflows-{n}-name", $"Ablauf {n}");
            await page.FillAsync($"#f-workflows-{n}-trigger", "Neue E-Mail");
            await page.FillAsync($"#f-workflows-{n}-steps", "Lesen, einordnen, Entwurf");
            await page.FillAsync($"#f-workflows-{n}-result", "Antwortentwurf");
            await page.FillAsync($"#f-workflows-{n}-approval", "Das Senden");
            if (n > 1)
            {
                await page.FillAsync($"#f-workflows-{n}-frequency-interval", "2");
                await page.SelectOptionAsync($"#f-workflows-{n}-frequency-unit", "hours");
            }
        }
        await page.FillAsync("#f-workflows-1-frequency-schedule", "jeden Morgen um acht");
        await page.FillAsync("#f-approval-rules-approver", "Ich, per WhatsApp");
        await page.SelectOptionAsync("#f-devices-os", "windows");
        await page.FillAsync("#f-devices-device", "ThinkPad, Windows 11");
        await page.FillAsync("#f-contact-name", "Paula Phone");
        await page.FillAsync("#f-contact-email", "paula@phone.de");
        await page.SelectOptionAsync("#f-contact-channel", "phone");
        await page.FillAsync("#f-install-date-1", BerlinTime.Today(DateTime.UtcNow).AddDays(10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.SelectOptionAsync("#f-install-time-of-day", "morning");
        await page.SelectOptionAsync("#f-install-mode", "onsite");
        await page.ClickAsync("#abschicken");

        await Expect(page.Locator("#fehler")).ToContainTextAsync("Bitte prüfe eine Angabe");
        await Expect(page.Locator("#f-workflows-1-frequency-error")).ToContainTextAsync("kein gültiger Cron-Ausdruck");
        await Expect(page.Locator("#f-workflows-1-frequency-schedule")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#f-devices-device")).ToHaveValueAsync("ThinkPad, Windows 11");
        await page.Locator("#f-workflows-1-frequency-schedule").ScrollIntoViewIfNeededAsync();
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
        await page.SaveScreenshotAsync("onboarding-fehler");
        Assert.Equal("draft", await Crm.ScalarAsync<string>(stack.Admin, "select state from onboarding_answers where lead_id = @lead", new { lead }));

        await page.FillAsync("#f-workflows-1-frequency-schedule", "0 8 * * 1-5");
        await page.ClickAsync("#abschicken");

        await Expect(page.Locator("#danke")).ToContainTextAsync("Danke! Deine Antworten sind angekommen");
        await Expect(page.Locator("#antworten")).ToContainTextAsync("Zeitplan 0 8 * * 1-5 (Berliner Zeit)");
        await Expect(page.Locator("#antworten")).ToContainTextAsync("alle 2 Stunden");
        await Expect(page.Locator("form")).ToHaveCountAsync(0);
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
        await page.SaveScreenshotAsync("onboarding-abgeschickt");
        Assert.Equal("submitted", await Crm.ScalarAsync<string>(stack.Admin, "select state from onboarding_answers where lead_id = @lead", new { lead }));
    }

    [Fact]
    public async Task A_tampered_and_an_expired_link_show_the_same_page_that_reveals_nothing()
    {
        await using var host = await RunningHost.StartAsync(stack);
        var lead = await Crm.CreateLeadAsync(stack.Admin, "WON", name: "Xaver Abgelaufen");
        var path = await LinkAsync(host, lead);
        var tampered = path[..^3] + (path[^3] == 'A' ? "B" : "A") + path[^2..];
        var expired = "/api/onboarding/" + host.Services.GetRequiredService<OnboardingLink>().Token(lead, 1, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds());
        await using var context = await chromium.NewContextAsync(PhoneWithoutScript());
        var page = await context.NewPageAsync();

        var first = await page.GotoAsync(new Uri(host.BaseAddress, tampered).ToString());
        Assert.Equal(404, first!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Link ungültig");
        var tamperedText = await page.Locator("main").InnerTextAsync();
        await page.SaveScreenshotAsync("onboarding-link-ungueltig");
        var second = await page.GotoAsync(new Uri(host.BaseAddress, expired).ToString());

        Assert.Equal(404, second!.Status);
        Assert.Equal(tamperedText, await page.Locator("main").InnerTextAsync());
        Assert.DoesNotContain("Xaver", tamperedText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_team_creates_the_link_sees_the_submitted_answers_and_reopens_them_in_the_lead_view()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "WON", name: "Olga Onboarding");
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var page = session.Page;
        await session.SignInAsync($"#/leads/{lead}");
        await Expect(page.Locator("#lead-name")).ToHaveTextAsync("Olga Onboarding");
        await Expect(page.Locator("#onboarding")).ToContainTextAsync("Noch kein Fragebogen");

        await page.ClickAsync("#onboarding-link-erstellen");
        var url = page.Locator("#onboarding-link-url");
        await Expect(url).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/api/onboarding/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"));
        await Expect(page.Locator("#onboarding-link button.copy")).ToBeVisibleAsync();
        await Expect(page.Locator("#onboarding-link-stand")).ToContainTextAsync("gilt bis");
        await Expect(page.Locator("#onboarding-leer")).ToHaveCountAsync(0);
        await page.Locator("#onboarding-link").ScrollIntoViewIfNeededAsync();
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
        await session.ScreenshotAsync("onboarding-link-erstellt");

        // The customer submits (through the page's form posts), then the team looks again.
        var path = new Uri(await url.InputValueAsync()).AbsolutePath;
        var form = Fulfilment.OnboardingTestBase.CompleteForm();
        form["action"] = "submit";
        var posted = await session.Host.Client.PostAsync(path, new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        await page.ReloadAsync();
        await Expect(page.Locator("[data-field='onboarding-state']")).ToHaveTextAsync("Abgeschickt");
        await Expect(page.Locator("[data-answer='workflows.1.frequency']")).ToHaveTextAsync("Zeitplan 0 8 * * 1-5 (Berliner Zeit)");
        await Expect(page.Locator("[data-answer='workflows.2.frequency']")).ToHaveTextAsync("alle 30 Minuten");
        await Expect(page.Locator("[data-answer='channels.email']")).ToHaveTextAsync("Gmail – lesen und Entwürfe schreiben");
        await Expect(page.Locator("[data-answer='approval_rules.send_email']")).ToHaveTextAsync("immer nur mit Freigabe");
        await Expect(page.Locator("[data-answer='contact.email']")).ToHaveTextAsync("klara@kundin.de");
        await page.Locator("#onboarding").ScrollIntoViewIfNeededAsync();
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
        await session.ScreenshotAsync("onboarding-lead-antworten");

        await page.ClickAsync("#onboarding-oeffnen");
        await Expect(page.Locator("[data-field='onboarding-state']")).ToHaveTextAsync("Entwurf");
        await Expect(page.Locator("#onboarding-oeffnen")).ToHaveCountAsync(0);
        Assert.Equal("draft", await Crm.ScalarAsync<string>(stack.Admin, "select state from onboarding_answers where lead_id = @lead", new { lead }));
        session.AssertNoRequestLeftLocalhost();
    }
}
