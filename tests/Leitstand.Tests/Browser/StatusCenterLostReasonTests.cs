using Leitstand.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// Issue 21: the LOST form of the lead view offers the fixed list of reasons (GET /api/stages, lost_reasons) and an
/// optional note; the code goes to the history and the figures, the note stays on the lead.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterLostReasonTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task The_lost_form_offers_the_reason_list_and_keeps_the_note_on_the_lead_only()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CONTACTED", name: "Vera Verloren", company: "Verloren Atelier");

        await session.SignInAsync($"#/leads/{lead}");
        await page.ClickAsync("#stufe [data-move='LOST']");
        await Expect(page.Locator("#stufe-lost_reason_code")).ToBeFocusedAsync();
        await Expect(page.Locator("#stufe-lost_reason_code option[value='wettbewerber']")).ToHaveTextAsync("Anderer Anbieter");
        Assert.Equal(["", "preis", "kein_bedarf", "keine_zeit", "kein_kontakt", "wettbewerber", "sonstiges"],
            await page.Locator("#stufe-lost_reason_code option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));
        await page.SelectOptionAsync("#stufe-lost_reason_code", "wettbewerber");
        await page.FillAsync("#stufe-lost_reason", "Vera baut es mit ihrem Neffen selbst");
        await page.ClickAsync("#stufe [data-action='confirm']");

        await Expect(page.Locator("[data-field='stage']")).ToHaveTextAsync("Verloren");
        await Expect(page.Locator("main .meta").First).ToContainTextAsync("Grund: Anderer Anbieter (Vera baut es mit ihrem Neffen selbst)");
        Assert.Equal("wettbewerber", await Crm.ScalarAsync<string>(stack.Admin, "select lost_reason_code from leads where id = @lead", new { lead }));
        Assert.Equal(0, await Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from lead_stage_history h where h.lead_id = @lead and to_jsonb(h)::text like '%Neffen%'", new { lead }));
    }
}
