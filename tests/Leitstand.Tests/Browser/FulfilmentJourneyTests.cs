using System.Globalization;
using System.Text;
using Dapper;
using Leitstand.Monitoring;
using Leitstand.Platform;
using Leitstand.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// Issue 19 end to end on phones: the team creates the questionnaire link in the lead view; the customer fills it in
/// without script (a draft, an error at its field, the submission); the team books the appointment in the lead view,
/// ticks through the run (whose workflow items carry the customer's workflow names), fails to skip a baseline item (then
/// "nicht anwendbar" with a reason) and sees "Monitoring verbunden" tick after the agent's first heartbeat; the customer's page shows the appointment and
/// the progress, then, once the run is finished, the handover summary with the workflow names. Screenshots
/// customer-progress.png and customer-summary.png.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class FulfilmentJourneyTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task The_customer_fills_in_the_questionnaire_the_team_runs_the_install_and_the_customer_follows_it_to_the_summary()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "WON", "Greta Gesamt", "Gärtnerei Gesamtbild");
        var key = AgentKeys.Generate();
        await using (var connection = await stack.Admin.OpenConnectionAsync())
            await connection.ExecuteAsync("insert into agents (lead_id, name, key_hash, key_prefix) values (@lead, 'Gesamtbild-Agent', @hash, @prefix)",
                new { lead, hash = key.Hash, prefix = key.DisplayPrefix });
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var team = session.Page;

        // The team: "Link erstellen" in the lead view.
        await session.SignInAsync($"#/leads/{lead}");
        await Expect(team.Locator("#lead-name")).ToHaveTextAsync("Greta Gesamt");
        await team.ClickAsync("#onboarding-link-erstellen");
        var url = await team.Locator("#onboarding-link-url").InputValueAsync();
        var customerUrl = new Uri(session.Host.BaseAddress, new Uri(url).AbsolutePath).ToString();

        // The customer, on a phone without script: a draft, an error at its field, then the submission.
        var customerOptions = Chromium.Phone;
        customerOptions.JavaScriptEnabled = false;
        await using var customerContext = await chromium.NewContextAsync(customerOptions);
        var customer = await customerContext.NewPageAsync();
        await customer.GotoAsync(customerUrl);
        await Expect(customer.Locator("h1")).ToHaveTextAsync("Onboarding-Fragebogen");
        await customer.FillAsync("#f-goals-change", "Anfragen am selben Tag beantworten.");
        await customer.FillAsync("#f-goals-success", "Weniger Büro am Abend.");
        await customer.FillAsync("#f-channels-email-tool", "Outlook");
        await customer.SelectOptionAsync("#f-channels-email-rights", "draft");
        await customer.ClickAsync("#entwurf");
        await Expect(customer.Locator("#hinweis")).ToContainTextAsync("Entwurf gespeichert");
        string[] names = ["Anfragen beantworten", "Lieferscheine ablegen", "Pflegetermine erinnern"];
        for (var n = 1; n <= 3; n++)
        {
            await customer.FillAsync($"#f-workflows-{n}-name", names[n - 1]);
            await customer.FillAsync($"#f-workflows-{n}-trigger", "Neue E-Mail");
            await customer.FillAsync($"#f-workflows-{n}-steps", "Lesen, einordnen, Entwurf");
            await customer.FillAsync($"#f-workflows-{n}-result", "Ein Entwurf");
            await customer.FillAsync($"#f-workflows-{n}-approval", n == 1 ? "Antworten an Neukunden" : "Das Senden");
            if (n > 1)
            {
                await customer.FillAsync($"#f-workflows-{n}-frequency-interval", "2");
                await customer.SelectOptionAsync($"#f-workflows-{n}-frequency-unit", "hours");
            }
        }
        await customer.FillAsync("#f-workflows-1-frequency-schedule", "werktags um acht");
        await customer.FillAsync("#f-approval-rules-own", "Preise nennen.");
        await customer.FillAsync("#f-approval-rules-approver", "Ich, per Telefon");
        await customer.SelectOptionAsync("#f-devices-os", "macos");
        await customer.FillAsync("#f-devices-device", "MacBook Air, macOS 15");
        await customer.FillAsync("#f-contact-name", "Greta Gesamt");
        await customer.FillAsync("#f-contact-email", "greta@gesamtbild.de");
        await customer.SelectOptionAsync("#f-contact-channel", "email");
        await customer.FillAsync("#f-install-date-1", BerlinTime.Today(DateTime.UtcNow).AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await customer.SelectOptionAsync("#f-install-time-of-day", "morning");
        await customer.SelectOptionAsync("#f-install-mode", "remote");
        await customer.ClickAsync("#abschicken");
        await Expect(customer.Locator("#f-workflows-1-frequency-error")).ToContainTextAsync("kein gültiger Cron-Ausdruck");
        await customer.FillAsync("#f-workflows-1-frequency-schedule", "0 8 * * 1-5");
        await customer.ClickAsync("#abschicken");
        await Expect(customer.Locator("#danke")).ToContainTextAsync("Danke! Deine Antworten sind angekommen");
        await Expect(customer.Locator("#naechste-schritte")).ToContainTextAsync("Wir melden uns bei dir");

        // The team books the appointment in the lead view (Berlin time, starting in a minute or two).
        await team.ReloadAsync();
        await Expect(team.Locator("[data-field='onboarding-state']")).ToHaveTextAsync("Abgeschickt");
        var starts = BerlinTime.FromUtc(DateTime.UtcNow.AddMinutes(2));
        await team.FillAsync("#installation-beginn", starts.ToString("yyyy-MM-dd'T'HH:mm"));
        await team.ClickAsync("#installation-buchen-senden");
        await Expect(team.Locator("#installation-titel")).ToHaveTextAsync("Installation: Gärtnerei Gesamtbild");
        Assert.Matches("#/installs/[0-9a-f-]{36}$", team.Url);
        foreach (var name in names) await Expect(Item(team, name)).ToHaveCountAsync(1);

        // Ticks through block 1, fails to skip a baseline item.
        foreach (var title in new[] { "Ziele aus dem Onboarding bestätigt", "Drei Kern-Workflows bestätigt: Auslöser, Schritte, Ergebnis", "Freigabe-Regeln abgestimmt" })
        {
            await Item(team, title).Locator("[data-action='complete']").ClickAsync();
            await Expect(Item(team, title)).ToHaveAttributeAsync("data-state", "done");
        }
        var skipped = Item(team, "Systemvoraussetzungen geprüft");
        await skipped.Locator("summary").ClickAsync();
        await skipped.Locator("textarea").FillAsync("INTERN: vorab am Telefon geklärt");
        await skipped.Locator("[data-action='skip']").ClickAsync();
        await Expect(skipped).ToHaveAttributeAsync("data-state", "skipped");
        var baseline = Item(team, "Freigabe-Regeln getestet");
        await baseline.Locator("summary").ClickAsync();
        await baseline.Locator("textarea").FillAsync("Keine Zeit mehr.");
        await baseline.Locator("[data-action='skip']").ClickAsync();
        await Expect(baseline.Locator("[role='alert']")).ToContainTextAsync("Sicherheits-Baseline lassen sich nicht überspringen");
        await Expect(baseline).ToHaveAttributeAsync("data-state", "open");
        await baseline.Locator("textarea").FillAsync("Der Agent sendet keine E-Mails.");
        await baseline.Locator("[data-action='not-applicable']").ClickAsync();
        await Expect(baseline).ToHaveAttributeAsync("data-state", "not_applicable");

        // The agent's first heartbeat ticks "Monitoring verbunden" in the open view.
        using (var beat = new HttpRequestMessage(HttpMethod.Post, "/api/heartbeat") { Content = new StringContent("{\"status\":\"ok\"}", Encoding.UTF8, "application/json") })
        {
            beat.Headers.Add("X-Agent-Key", key.Key);
            Assert.True((await session.Host.Client.SendAsync(beat)).IsSuccessStatusCode);
        }
        var monitoring = Item(team, "Monitoring verbunden");
        await Expect(monitoring).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 40_000 });

        // The customer's page: the appointment and the progress by hour block, nothing internal.
        await customer.GotoAsync(customerUrl);
        await Expect(customer.Locator("#termin")).ToContainTextAsync($"{starts:HH:mm}–{starts.AddHours(5):HH:mm} Uhr");
        await Expect(customer.Locator("#fortschritt li[data-block]")).ToHaveCountAsync(5);
        await Expect(customer.Locator("#fortschritt li[data-block='1'] .count")).ToHaveTextAsync("4 von 4 abgehakt");
        await Expect(customer.Locator("#fortschritt li[data-block='4'] .count")).ToHaveTextAsync("2 von 7 abgehakt");
        var progress = await customer.Locator("main").InnerTextAsync();
        Assert.DoesNotContain("INTERN", progress);
        Assert.DoesNotContain("Systemvoraussetzungen", progress);
        Assert.DoesNotContain("Übergabe für", progress);
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(customer);
        await customer.Locator("#installation").ScrollIntoViewIfNeededAsync();
        await customer.SaveScreenshotAsync("customer-progress");

        // The team ticks the rest; the run finishes with its last item.
        var open = team.Locator("[data-item][data-state='open']");
        for (var left = await open.CountAsync(); left > 0; left--)
        {
            await open.First.Locator("[data-action='complete']").ClickAsync();
            await Expect(open).ToHaveCountAsync(left - 1);
        }
        await Expect(team.Locator("#installation-status")).ToHaveAttributeAsync("data-state", "finished", new() { Timeout = 40_000 });

        // The customer's page: the handover summary with the workflow names and their approval, without internal notes.
        await customer.GotoAsync(customerUrl);
        await Expect(customer.Locator("h1")).ToHaveTextAsync("Deine Installation ist fertig");
        var summary = customer.Locator("#uebergabe");
        await Expect(summary.Locator("h2").Nth(1)).ToHaveTextAsync("Übergabe für Gärtnerei Gesamtbild");
        foreach (var name in names) await Expect(summary.Locator("#workflows strong", new() { HasTextString = name })).ToHaveCountAsync(1);
        await Expect(summary.Locator("#workflows")).ToContainTextAsync("Freigabe: Antworten an Neukunden");
        await Expect(summary.Locator("#eigene-freigaben")).ToHaveTextAsync("Außerdem nur mit deinem OK: Preise nennen.");
        await Expect(summary.Locator("#sicherheit")).ToContainTextAsync("Freigabe-Regeln getestet: nicht anwendbar – Der Agent sendet keine E-Mails.");
        await Expect(summary).ToContainTextAsync("Dein Agent „Gesamtbild-Agent“");
        Assert.DoesNotContain("INTERN", await customer.Locator("main").InnerTextAsync());
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(customer);
        await summary.ScrollIntoViewIfNeededAsync();
        await customer.SaveScreenshotAsync("customer-summary");
        session.AssertNoRequestLeftLocalhost();
    }

    private static ILocator Item(IPage page, string title) =>
        page.Locator("[data-item]").Filter(new() { Has = page.Locator("strong", new() { HasTextString = title }) });
}
