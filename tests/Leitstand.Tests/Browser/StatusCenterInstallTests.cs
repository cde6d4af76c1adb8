using System.Text;
using Dapper;
using Leitstand.Monitoring;
using Leitstand.Platform;
using Leitstand.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// #/installs/&lt;id&gt; on a phone: the team books the install from the lead view, ticks through the run (also by
/// keyboard), fails to skip a baseline item and marks it "nicht anwendbar" instead, and sees "Monitoring verbunden"
/// tick itself after the agent's first heartbeat (the open view refreshes); the handover summary downloads as a file.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterInstallTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task The_team_books_ticks_through_the_run_cannot_skip_the_baseline_and_sees_monitoring_connected_tick()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "WON", "Ina Installation", "Bäckerei Ofenfrisch");
        var key = AgentKeys.Generate();
        await using (var connection = await stack.Admin.OpenConnectionAsync())
            await connection.ExecuteAsync("insert into agents (lead_id, name, key_hash, key_prefix) values (@lead, 'Ofenfrisch-Agent', @hash, @prefix)",
                new { lead, hash = key.Hash, prefix = key.DisplayPrefix });
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var page = session.Page;
        await session.SignInAsync($"#/leads/{lead}");
        await Expect(page.Locator("#lead-name")).ToHaveTextAsync("Ina Installation");

        // Book: starting in a few minutes, Berlin time as the field reads it.
        var starts = BerlinTime.FromUtc(DateTime.UtcNow.AddMinutes(3));
        await Expect(page.Locator("#installation-neu")).ToHaveAttributeAsync("open", "");
        await page.FillAsync("#installation-beginn", starts.ToString("yyyy-MM-dd'T'HH:mm"));
        await page.ClickAsync("#installation-buchen-senden");
        await Expect(page.Locator("#installation-titel")).ToHaveTextAsync("Installation: Bäckerei Ofenfrisch");
        Assert.Matches("#/installs/[0-9a-f-]{36}$", page.Url);
        await Expect(page.Locator("[data-block]")).ToHaveCountAsync(5);
        await Expect(page.Locator("[data-block='3'] h2")).ToHaveTextAsync("Std. 3 · Drei Kern-Workflows");
        await Expect(page.Locator("[data-block='1'] .time-box")).ToHaveTextAsync($"{starts:HH:mm}–{starts.AddHours(1):HH:mm}");
        await Expect(page.Locator("#installation-uhr")).ToContainTextAsync("Beginnt");
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
        await session.ScreenshotAsync("install-booked");

        // Tick through block 1: by tap, then by keyboard.
        var first = Item(page, "Ziele aus dem Onboarding bestätigt");
        await first.Locator("[data-action='complete']").ClickAsync();
        await Expect(first).ToHaveAttributeAsync("data-state", "done");
        await Expect(first.Locator("[data-field='marked']")).ToContainTextAsync("erledigt");
        var second = Item(page, "Drei Kern-Workflows bestätigt: Auslöser, Schritte, Ergebnis");
        await second.Locator("[data-action='complete']").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(second).ToHaveAttributeAsync("data-state", "done");
        var skipped = Item(page, "Systemvoraussetzungen geprüft");
        await skipped.Locator("summary").ClickAsync();
        await skipped.Locator("textarea").FillAsync("Vorab per Telefon geprüft.");
        await skipped.Locator("[data-action='skip']").ClickAsync();
        await Expect(skipped).ToHaveAttributeAsync("data-state", "skipped");
        await Expect(skipped.Locator("[data-field='reason']")).ToHaveTextAsync("Grund: Vorab per Telefon geprüft.");

        // A baseline item cannot be skipped: the refusal at the item, then "nicht anwendbar" with the reason.
        var baseline = Item(page, "RLS auf jeder Tabelle, in die der Agent schreibt");
        await baseline.Locator("summary").ClickAsync();
        await baseline.Locator("textarea").FillAsync("Der Agent schreibt in keine Datenbank.");
        await baseline.Locator("[data-action='skip']").ClickAsync();
        await Expect(baseline.Locator("[role='alert']")).ToContainTextAsync("Sicherheits-Baseline lassen sich nicht überspringen");
        await Expect(baseline).ToHaveAttributeAsync("data-state", "open");
        await baseline.ScrollIntoViewIfNeededAsync();
        await session.ScreenshotAsync("install-baseline-refused");
        await baseline.Locator("[data-action='not-applicable']").ClickAsync();
        await Expect(baseline).ToHaveAttributeAsync("data-state", "not_applicable");
        await Expect(baseline.Locator("[data-field='reason']")).ToHaveTextAsync("Grund: Der Agent schreibt in keine Datenbank.");

        // The agent's first heartbeat ticks "Monitoring verbunden"; the open view shows it on its next refresh.
        var monitoring = Item(page, "Monitoring verbunden");
        await Expect(monitoring).ToHaveAttributeAsync("data-state", "open");
        using var beat = new HttpRequestMessage(HttpMethod.Post, "/api/heartbeat") { Content = new StringContent("{\"status\":\"ok\"}", Encoding.UTF8, "application/json") };
        beat.Headers.Add("X-Agent-Key", key.Key);
        Assert.True((await session.Host.Client.SendAsync(beat)).IsSuccessStatusCode);
        await Expect(monitoring).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 40_000 });
        await Expect(monitoring.Locator("[data-field='marked']")).ToContainTextAsync("Monitoring (erster Heartbeat)");
        await monitoring.ScrollIntoViewIfNeededAsync();
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
        await session.ScreenshotAsync("install-monitoring-connected");

        // The handover summary as a file for the customer: German, printable, without the skip reason.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#uebergabe"));
        Assert.StartsWith("Uebergabe-B", download.SuggestedFilename);
        var html = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains("Übergabe für Bäckerei Ofenfrisch", html);
        Assert.Contains("Dein Agent „Ofenfrisch-Agent“", html);
        Assert.Contains("nicht anwendbar – Der Agent schreibt in keine Datenbank.", html);
        Assert.DoesNotContain("Vorab per Telefon", html);
        session.AssertNoRequestLeftLocalhost();

        // The lead view links to its install.
        await page.ClickAsync("main p a");
        await Expect(page.Locator("#lead-installationen [data-install] a")).ToHaveCountAsync(1);

        var printed = await session.Context.NewPageAsync();
        await printed.SetContentAsync(html);
        await printed.EmulateMediaAsync(new() { Media = Media.Print });
        await printed.SaveScreenshotAsync("install-summary-print");
    }

    private static ILocator Item(IPage page, string title) =>
        page.Locator("[data-item]").Filter(new() { Has = page.Locator("strong", new() { HasTextString = title }) });
}
