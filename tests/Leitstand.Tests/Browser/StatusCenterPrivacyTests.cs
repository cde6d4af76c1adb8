using System.Text.Json;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Leads;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// Auskunft (Art. 15) in the status center: the button "Auskunft (Art. 15)" of #/leads/&lt;id&gt; downloads the JSON and
/// opens the German page (fetched with the session's token, shown from a Blob URL); #/datenschutz finds a person by
/// e-mail or handle and offers the same for each match.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterPrivacyTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task The_lead_view_downloads_the_json_and_opens_the_german_page()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        var name = $"Ida Auskunft {Guid.NewGuid():N}"[..20];
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED", name: name);

        await session.SignInAsync($"#/leads/{lead}");
        await Expect(page.Locator("#lead-name")).ToHaveTextAsync(name);
        var download = page.WaitForDownloadAsync();
        var popup = page.WaitForPopupAsync();
        await page.ClickAsync("#datenschutz [data-action='auskunft']");

        var file = await (await download).PathAsync();
        Assert.Equal($"auskunft-{lead}.json", (await download).SuggestedFilename);
        var json = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement;
        Assert.Equal(name, json.GetProperty("lead").GetProperty("name").GetString());
        Assert.Equal(1, json.GetProperty("export_version").GetInt32());
        var tab = await popup;
        await Expect(tab.Locator("h1")).ToHaveTextAsync("Auskunft nach Art. 15 DSGVO");
        await Expect(tab.Locator("#lead")).ToContainTextAsync(name);
        await Expect(tab.Locator("#stage-history h2")).ToHaveTextAsync("Verlauf im Vertrieb");
        Assert.StartsWith("blob:", tab.Url);
        // the page's own stylesheet applies in the Blob tab (the status center's policy, which the tab inherits, allows
        // it by hash): the section heading's teal rule, the labels' grid; blocked, both would be the browser's defaults
        Assert.Equal("2px solid rgb(15, 122, 108)", await tab.Locator("#stage-history h2").EvaluateAsync<string>("e => getComputedStyle(e).borderBottom"));
        Assert.Equal("grid", await tab.Locator("#lead dl").First.EvaluateAsync<string>("e => getComputedStyle(e).display"));
        await Expect(tab.Locator("#lead")).ToContainTextAsync("Kontaktiert");
        await Expect(tab.Locator("#lead")).Not.ToContainTextAsync("CONTACTED");
        await tab.SaveScreenshotAsync("auskunft-seite");
        await Expect(page.Locator("#auskunft-status [data-auskunft='html']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_privacy_view_finds_a_person_by_handle_and_offers_the_auskunft()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        var handle = Prospects.UniqueHandle("jana");
        var name = $"Jana Anfrage {Guid.NewGuid():N}"[..20];
        Guid lead;
        await using (var host = await RunningHost.StartAsync(stack))
            lead = await Prospects.AddAsync(host, new { name, handle, handle_channel = "linkedin", contact_basis = "cold" });

        await session.SignInAsync("#/datenschutz");
        await Expect(page.Locator("nav [aria-current]")).ToHaveTextAsync("Datenschutz");
        await page.ClickAsync("#person-senden");
        await Expect(page.Locator("#person-fehler")).ToContainTextAsync("E-Mail-Adresse");

        await page.FillAsync("#person-suche", $"  @{handle.ToUpperInvariant()} ");
        await page.SelectOptionAsync("#person-kanal", "linkedin");
        await page.ClickAsync("#person-senden");
        var match = page.Locator($"#personen li[data-lead='{lead}']");
        await Expect(match).ToContainTextAsync(name);
        await Expect(page.Locator("#personen li")).ToHaveCountAsync(1);
        await session.ScreenshotAsync("datenschutz-suche");

        var download = page.WaitForDownloadAsync();
        var popup = page.WaitForPopupAsync();
        await match.Locator("[data-action='auskunft']").ClickAsync();
        Assert.Equal($"auskunft-{lead}.json", (await download).SuggestedFilename);
        await Expect((await popup).Locator("#lead")).ToContainTextAsync(handle);

        await page.FillAsync("#person-suche", $"niemand.{Guid.NewGuid():N}@example.de");
        await page.ClickAsync("#person-senden");
        await Expect(page.Locator("#keine-personen")).ToBeVisibleAsync();
    }
}
