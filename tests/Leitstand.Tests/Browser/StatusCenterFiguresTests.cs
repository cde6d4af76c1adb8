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
