using System.Globalization;
using System.Text.Json;
using Leitstand.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leitstand.Tests.Browser;

/// <summary>#/zahlen: the running week's KPI board, each weekly minimum as a bar, revenue against the goal, the trend drawn.</summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterFiguresTests(StackFixture stack, Chromium chromium)
{
    [Fact]
    public async Task The_figures_show_each_weekly_minimum_as_a_bar_with_the_week_s_value()
    {
        var board = JsonDocument.Parse(await (await TeamBoardAsync()).Content.ReadAsStringAsync()).RootElement;
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;

        await session.SignInAsync("#/zahlen");
        await Expect(page.Locator("#kennzahlen li")).ToHaveCountAsync(5);
        await Expect(page.Locator("#trend canvas")).ToBeAttachedAsync();
        await session.ScreenshotAsync("zahlen");

        var shown = await page.Locator("#kennzahlen li").EvaluateAllAsync<string[]>("items => items.map(li => li.dataset.metric + '=' + li.querySelector('meter').max)");
        var expected = board.GetProperty("metrics").EnumerateArray().Select(m => $"{m.GetProperty("metric").GetString()}={Math.Max(1, m.GetProperty("target").GetInt32())}");
        Assert.Equal(expected, shown);
        Assert.Equal(board.GetProperty("period").GetProperty("label").GetString(), await page.Locator("#zeitraum").TextContentAsync());
        Assert.Contains("10.000", await page.Locator("#umsatz-titel").EvaluateAsync<string>("e => e.parentElement.textContent"));
        session.AssertNoRequestLeftLocalhost();

        async Task<HttpResponseMessage> TeamBoardAsync()
        {
            await using var host = await RunningHost.StartAsync(stack);
            return await host.TeamClient.GetAsync("/api/kpi");
        }
    }

    [Fact]
    public async Task The_period_picker_steps_back_a_week_and_switches_to_the_month_with_its_funnel_win_rate_and_forecast()
    {
        await using var session = await StatusCenterSession.StartAsync(stack, chromium);
        var page = session.Page;
        await session.SignInAsync("#/zahlen");
        await Expect(page.Locator("#kennzahlen li")).ToHaveCountAsync(5);
        await Expect(page.Locator("#zahlen-inhalt")).ToHaveAttributeAsync("aria-busy", "false");
        var running = (await page.Locator("#zeitraum").GetAttributeAsync("data-key"))!;
        Assert.True(await page.Locator("#zeitraum-vor").IsDisabledAsync());

        // One week back: the previous ISO week, as the API labels it; forward again is possible now.
        var monday = ISOWeek.ToDateTime(int.Parse(running[..4]), int.Parse(running[6..]), DayOfWeek.Monday).AddDays(-7);
        var previous = $"{ISOWeek.GetYear(monday)}-W{ISOWeek.GetWeekOfYear(monday):00}";
        await page.ClickAsync("#zeitraum-zurueck");
        await Expect(page.Locator("#zeitraum")).ToHaveAttributeAsync("data-key", previous);
        var week = await BoardAsync(session, $"?week={previous}");
        Assert.Equal(week.GetProperty("period").GetProperty("label").GetString(), await TextAsync(page, "#zeitraum"));
        Assert.False(await page.Locator("#zeitraum-vor").IsDisabledAsync());

        // The month of that week: its funnel per stage, win rate and the revenue with the forecast.
        var monthKey = week.GetProperty("revenue").GetProperty("month").GetString()!;
        await page.ClickAsync("#zeitraum-monat");
        await Expect(page.Locator("#zeitraum")).ToHaveAttributeAsync("data-key", monthKey);
        await Expect(page.Locator("#zahlen-inhalt")).ToHaveAttributeAsync("aria-busy", "false");
        var month = await BoardAsync(session, $"?month={monthKey}");
        Assert.Equal(month.GetProperty("period").GetProperty("label").GetString(), await TextAsync(page, "#zeitraum"));
        Assert.Equal("true", await page.Locator("#zeitraum-monat").GetAttributeAsync("aria-pressed"));
        var stages = await page.Locator("#funnel tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.stage + ':' + r.children[1].textContent)");
        Assert.Equal(month.GetProperty("funnel").EnumerateArray().Select(f => $"{f.GetProperty("stage").GetString()}:{f.GetProperty("entered").GetInt32()}"), stages);
        var win = month.GetProperty("win_rate");
        Assert.Contains($"{win.GetProperty("won").GetInt32()} gewonnen, {win.GetProperty("lost").GetInt32()} verloren", await TextAsync(page, "#gewinnquote"));
        var weighted = month.GetProperty("forecast").GetProperty("weighted_cents").GetInt64() / 100m;
        Assert.Contains(weighted.ToString("#,##0", CultureInfo.GetCultureInfo("de-DE")) + " €", (await TextAsync(page, "#prognose")).Replace('\u00a0', ' '));
        Assert.Contains("mit Prognose", await TextAsync(page, "#umsatz"));
        Assert.Contains("MRR", await TextAsync(page, "#umsatz-zahlen"));
        await session.ScreenshotAsync("zahlen-monat");
        session.AssertNoRequestLeftLocalhost();
    }

    [Fact]
    public async Task On_a_phone_the_fulfilment_section_shows_the_week_s_onboardings_and_installs_and_an_empty_week_says_so()
    {
        // A lead won three days ago whose onboarding was submitted and whose install finished just now (after 5,5 hours).
        var lead = await Crm.CreateLeadAsync(stack.Admin, "WON", "Fiona Fulfilment");
        await using (var connection = await stack.Admin.OpenConnectionAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, """
                update lead_stage_history set changed_at = now() - interval '3 days' where lead_id = @lead and to_stage = 'WON';
                insert into onboarding_answers (lead_id, template_version, state, answers, submitted_at)
                values (@lead, (select max(version) from onboarding_templates), 'submitted', '{}', now());
                with run as (
                  insert into install_runs (lead_id, installer, checklist_version, starts_at, ends_at, state, finished_at)
                  values (@lead, gen_random_uuid(), (select max(version) from install_checklist_versions), now() - interval '5.5 hours',
                          now() - interval '0.5 hours', 'finished', now())
                  returning id, starts_at, ends_at
                )
                insert into install_run_items (run_id, position, block, block_title, block_outcome, box_starts_at, box_ends_at, title, kind,
                                               safety_baseline, state, marked_at, marked_by)
                select run.id, 1, 1, 'Kick-off', 'Ziele klar', run.starts_at, run.ends_at, 'Ziele bestätigt', 'check', false, 'done', now(), 'test'
                from run;
                """, new { lead });

        await using var session = await StatusCenterSession.StartAsync(stack, chromium, Chromium.Phone);
        var page = session.Page;
        await session.SignInAsync("#/zahlen");
        await Expect(page.Locator("#zahlen-inhalt")).ToHaveAttributeAsync("aria-busy", "false");
        var week = (await BoardAsync(session, "")).GetProperty("fulfilment");
        var onboarding = week.GetProperty("onboarding");
        var install = week.GetProperty("install");
        Assert.True(onboarding.GetProperty("submitted").GetInt32() >= 1 && install.GetProperty("finished").GetInt32() >= 1, week.ToString());

        await Expect(page.Locator("#fulfilment-titel")).ToHaveTextAsync("Fulfilment");
        await Expect(page.Locator("#fulfilment-onboarding .big")).ToHaveTextAsync(onboarding.GetProperty("submitted").GetInt32().ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("#fulfilment-installation .big")).ToHaveTextAsync(install.GetProperty("finished").GetInt32().ToString(CultureInfo.InvariantCulture));
        var german = CultureInfo.GetCultureInfo("de-DE");
        await Expect(page.Locator("#fulfilment-dauer .big")).ToHaveTextAsync(install.GetProperty("median_hours").GetDecimal().ToString("0.#", german) + " h");
        Assert.Contains($"{install.GetProperty("over_booked").GetInt32()} von {install.GetProperty("finished").GetInt32()} länger als 5 h",
            await TextAsync(page, "#fulfilment-dauer"));
        Assert.Contains("nach „Gewonnen“", await TextAsync(page, "#fulfilment-onboarding"));
        // Phone sized: the three boxes fit the screen's width, nothing scrolls sideways.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        await page.Locator("#fulfilment").ScrollIntoViewIfNeededAsync();
        await session.ScreenshotAsync("zahlen-fulfilment");

        // Four weeks back nothing was submitted or installed (the test data of the suite is from today).
        for (var i = 0; i < 4; i++)
        {
            var key = await page.Locator("#zeitraum").GetAttributeAsync("data-key");
            await page.ClickAsync("#zeitraum-zurueck");
            await Expect(page.Locator("#zeitraum")).Not.ToHaveAttributeAsync("data-key", key!);
        }
        await Expect(page.Locator("#zahlen-inhalt")).ToHaveAttributeAsync("aria-busy", "false");
        var earlier = (await BoardAsync(session, $"?week={await page.Locator("#zeitraum").GetAttributeAsync("data-key")}")).GetProperty("fulfilment");
        Assert.Equal((0, 0), (earlier.GetProperty("onboarding").GetProperty("submitted").GetInt32(), earlier.GetProperty("install").GetProperty("finished").GetInt32()));
        await Expect(page.Locator("#fulfilment-leer")).ToHaveTextAsync("Im Zeitraum wurde kein Onboarding abgeschickt und keine Installation abgeschlossen.");
        await Expect(page.Locator("#fulfilment-onboarding")).ToHaveCountAsync(0);
        session.AssertNoRequestLeftLocalhost();
    }

    private static async Task<string> TextAsync(IPage page, string selector) => (await page.Locator(selector).TextContentAsync())!;

    private static async Task<JsonElement> BoardAsync(StatusCenterSession session, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/kpi" + query);
        var token = await session.Page.EvaluateAsync<string>("JSON.parse(sessionStorage.getItem('leitstand.session')).token");
        request.Headers.Authorization = new("Bearer", token);
        var response = await session.Host.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
