using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>
/// #/deals/&lt;id&gt; and #/agents/&lt;id&gt; at work: a deal corrected with its reason (and refused at the field without
/// the price reason), an agent's key shown once with its prefix, snooze beyond 7 days refused at the field, pause,
/// a maintenance window, a restart.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterDetailViewsTests(StackFixture stack, Chromium chromium)
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static string BerlinInput(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Berlin).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_deal_corrected_on_its_page_keeps_who_what_and_why_and_a_price_without_its_reason_is_refused_at_the_field()
    {
        var lead = await Crm.CreateLeadAsync(stack.Admin, "WON", "Dora Deal");
        var deal = await Crm.ScalarAsync<Guid>(stack.Admin, "select id from deals where lead_id = @lead", new { lead });
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        await session.SignInAsync($"#/deals/{deal}");
        await Expect(page.Locator("#deal-titel")).ToHaveTextAsync(new Regex("^Deal: Setup"));
        await Expect(page.Locator("[data-field='lead']")).ToContainTextAsync("Dora Deal");
        Assert.Equal($"#/leads/{lead}", await page.Locator("[data-field='lead']").GetAttributeAsync("href"));

        await page.ClickAsync("#deal-korrigieren summary");
        await page.FillAsync("#korrektur-amount_cents", "1290");
        await page.FillAsync("#korrektur-reason", "Rabatt vergessen");
        await page.ClickAsync("#korrektur-senden");
        await Expect(page.Locator("#korrektur-price_reason-fehler")).ToContainTextAsync("Bitte den Grund angeben");
        Assert.Equal("true", await page.Locator("#korrektur-price_reason").GetAttributeAsync("aria-invalid"));
        Assert.Equal(149000, await Crm.ScalarAsync<int>(stack.Admin, "select amount_cents from deals where id = @deal", new { deal }));

        await page.FillAsync("#korrektur-price_reason", "Empfehlungsrabatt");
        await page.ClickAsync("#korrektur-senden");
        var entry = page.Locator("#deal-verlauf [data-change='corrected']").First;
        await Expect(entry.Locator("[data-field='amount_cents']")).ToContainTextAsync("1.490,00 € → 1.290,00 €");
        await Expect(entry.Locator("[data-field='reason']")).ToHaveTextAsync("Grund: Rabatt vergessen");
        await Expect(page.Locator("#deal-daten [data-field='price_reason']")).ToHaveTextAsync("Empfehlungsrabatt");
        Assert.Equal(129000, await Crm.ScalarAsync<int>(stack.Admin, "select amount_cents from deals where id = @deal", new { deal }));
        session.AssertNoRequestLeftLocalhost();
    }

    [Fact]
    public async Task An_agents_key_is_shown_once_with_its_prefix_and_snooze_pause_maintenance_and_restart_work_from_its_page()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var page = session.Page;
        // A won lead gets its agent with a key waiting for the one-time handover.
        var lead = await Crm.CreateLeadAsync(stack.Admin, "WON", "Kai Schlüssel", "Schlüssel GmbH");
        await session.Host.Services.GetRequiredService<Leitstand.Pipeline.ProcessPipelineEvents>().ExecuteAsync(CancellationToken.None);
        var (agent, prefix) = await Crm.ScalarAsync<Guid>(stack.Admin, "select id from agents where lead_id = @lead", new { lead }) is var id
            ? (id, await Crm.ScalarAsync<string>(stack.Admin, "select key_prefix::text from agents where id = @id", new { id })) : default;

        await session.SignInAsync("#/agenten");
        await page.ClickAsync($"[data-agent='{agent}'] [data-field='agent-link']");
        // named after its package and id; the customer is shown by reference
        await Expect(page.Locator("#agent-name")).ToHaveTextAsync($"Agent Setup #{agent.ToString()[..8]}");
        await Expect(page.Locator("[data-field='lead']")).ToContainTextAsync("Schlüssel GmbH");
        Assert.EndsWith($"#/agents/{agent}", page.Url);

        await page.ClickAsync("[data-action='key-handover']");
        await Expect(page.Locator("#schluessel [data-field='key-prefix-shown']")).ToHaveTextAsync(prefix);
        var key = await page.Locator("#schluessel [data-field='key']").TextContentAsync();
        Assert.StartsWith(prefix, key);
        await Expect(page.Locator("#schluessel")).ToContainTextAsync("Nur dieses eine Mal sichtbar");
        await Expect(page.Locator("[data-action='key-handover']")).ToHaveCountAsync(0); // shown once: no second handover
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);

        // Snooze: more than 7 days is refused at the field, a day is taken.
        await page.FillAsync("#stumm-until", BerlinInput(DateTimeOffset.UtcNow.AddDays(8)));
        await page.ClickAsync("[data-action='snooze']");
        await Expect(page.Locator("#stumm-until-fehler")).ToContainTextAsync("Höchstens 7 Tage");
        await page.FillAsync("#stumm-until", BerlinInput(DateTimeOffset.UtcNow.AddDays(1)));
        await page.ClickAsync("[data-action='snooze']");
        await Expect(page.Locator("#agent-daten [data-field='snoozed-until']")).ToBeAttachedAsync();

        // Maintenance window: an end before the start is refused at the end; then one with its reason.
        var start = DateTimeOffset.UtcNow.AddHours(2);
        await page.FillAsync("#wartung-starts_at", BerlinInput(start));
        await page.FillAsync("#wartung-ends_at", BerlinInput(start.AddHours(-1)));
        await page.ClickAsync("[data-action='maintenance']");
        await Expect(page.Locator("#wartung-ends_at-fehler")).ToHaveTextAsync("Das Ende muss nach dem Beginn liegen.");
        await page.FillAsync("#wartung-ends_at", BerlinInput(start.AddHours(3)));
        await page.FillAsync("#wartung-reason", "Server-Umzug");
        await page.ClickAsync("[data-action='maintenance']");
        await Expect(page.Locator("#wartungsfenster")).ToContainTextAsync("Server-Umzug");

        await page.ClickAsync("[data-action='pause']");
        await Expect(page.Locator("[data-field='status']")).ToHaveTextAsync("Pausiert");
        await page.ClickAsync("[data-action='resume']");
        await Expect(page.Locator("#agent-daten [data-field='paused']")).ToHaveTextAsync("nein");

        await page.FillAsync("#neustart-reason", "Nach Update");
        await page.ClickAsync("[data-action='restart']");
        await Expect(page.Locator("#befehle")).ToContainTextAsync("Nach Update");
        Assert.Equal(1, await Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from agent_commands where agent_id = @agent and reason = 'Nach Update'", new { agent }));
        Assert.Equal(1, await Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from agent_maintenance_windows where agent_id = @agent and note = 'Server-Umzug'", new { agent }));
        await StatusCenterPhoneAndKeyboardTests.AssertNothingOverflowsAsync(page);
        session.AssertNoRequestLeftLocalhost();
    }
}
