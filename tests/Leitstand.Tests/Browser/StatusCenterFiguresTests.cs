using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Browser;

/// <summary>#/zahlen: the running week's KPI board, each weekly minimum as a bar, revenue against the goal, the trend drawn.</summary>
[Collection(StackCollection.Name)]
public sealed class StatusCenterFiguresTests(StackFixture stack)
{
    [Fact]
    public async Task The_figures_show_each_weekly_minimum_as_a_bar_with_the_week_s_value()
    {
        var board = System.Text.Json.JsonDocument.Parse(await (await TeamBoardAsync()).Content.ReadAsStringAsync()).RootElement;
        await using var session = await StatusCenterSession.StartAsync(stack);

        await session.SignInAsync("#/zahlen");
        await session.Browser.WaitForAsync("document.querySelectorAll('#kennzahlen li').length === 5 && !!document.querySelector('#trend canvas')", TimeSpan.FromSeconds(10));
        await session.ScreenshotAsync("zahlen");

        var shown = (await session.Browser.EvaluateAsync(
            "[...document.querySelectorAll('#kennzahlen li')].map(li => li.dataset.metric + '=' + li.querySelector('meter').max)")).EnumerateArray().Select(e => e.GetString());
        var expected = board.GetProperty("metrics").EnumerateArray().Select(m => $"{m.GetProperty("metric").GetString()}={Math.Max(1, m.GetProperty("target").GetInt32())}");
        Assert.Equal(expected, shown);
        Assert.Equal(board.GetProperty("period").GetProperty("label").GetString(), (await session.Browser.EvaluateAsync("document.querySelector('#zeitraum').textContent")).GetString());
        Assert.Contains("10.000", (await session.Browser.EvaluateAsync("document.querySelector('#umsatz-titel').parentElement.textContent")).GetString());
        await session.AssertNoRequestLeftLocalhostAsync();

        async Task<HttpResponseMessage> TeamBoardAsync()
        {
            await using var host = await RunningHost.StartAsync(stack);
            return await host.TeamClient.GetAsync("/api/kpi");
        }
    }

    [Fact]
    public async Task The_period_picker_steps_back_a_week_and_switches_to_the_month_with_its_funnel_win_rate_and_forecast()
    {
        await using var session = await StatusCenterSession.StartAsync(stack);
        await session.SignInAsync("#/zahlen");
        await session.Browser.WaitForAsync("document.querySelectorAll('#kennzahlen li').length === 5 && document.querySelector('#zahlen-inhalt').getAttribute('aria-busy') === 'false'", TimeSpan.FromSeconds(10));
        var running = (await session.Browser.EvaluateAsync("document.querySelector('#zeitraum').dataset.key")).GetString()!;
        Assert.True((await session.Browser.EvaluateAsync("document.querySelector('#zeitraum-vor').disabled")).GetBoolean());

        // One week back: the previous ISO week, as the API labels it; forward again is possible now.
        var monday = System.Globalization.ISOWeek.ToDateTime(int.Parse(running[..4]), int.Parse(running[6..]), DayOfWeek.Monday).AddDays(-7);
        var previous = $"{System.Globalization.ISOWeek.GetYear(monday)}-W{System.Globalization.ISOWeek.GetWeekOfYear(monday):00}";
        await session.Browser.ClickAsync("#zeitraum-zurueck");
        await session.Browser.WaitForAsync($"document.querySelector('#zeitraum').dataset.key === '{previous}'", TimeSpan.FromSeconds(10));
        var week = await BoardAsync(session, $"?week={previous}");
        Assert.Equal(week.GetProperty("period").GetProperty("label").GetString(), await TextAsync(session, "#zeitraum"));
        Assert.False((await session.Browser.EvaluateAsync("document.querySelector('#zeitraum-vor').disabled")).GetBoolean());

        // The month of that week: its funnel per stage, win rate and the revenue with the forecast.
        var monthKey = week.GetProperty("revenue").GetProperty("month").GetString()!;
        await session.Browser.ClickAsync("#zeitraum-monat");
        await session.Browser.WaitForAsync($"document.querySelector('#zeitraum').dataset.key === '{monthKey}' && document.querySelector('#zahlen-inhalt').getAttribute('aria-busy') === 'false'", TimeSpan.FromSeconds(10));
        var month = await BoardAsync(session, $"?month={monthKey}");
        Assert.Equal(month.GetProperty("period").GetProperty("label").GetString(), await TextAsync(session, "#zeitraum"));
        Assert.Equal("true", (await session.Browser.EvaluateAsync("document.querySelector('#zeitraum-monat').getAttribute('aria-pressed')")).GetString());
        var stages = (await session.Browser.EvaluateAsync("[...document.querySelectorAll('#funnel tbody tr')].map(r => r.dataset.stage + ':' + r.children[1].textContent)"))
            .EnumerateArray().Select(e => e.GetString());
        Assert.Equal(month.GetProperty("funnel").EnumerateArray().Select(f => $"{f.GetProperty("stage").GetString()}:{f.GetProperty("entered").GetInt32()}"), stages);
        var win = month.GetProperty("win_rate");
        Assert.Contains($"{win.GetProperty("won").GetInt32()} gewonnen, {win.GetProperty("lost").GetInt32()} verloren", await TextAsync(session, "#gewinnquote"));
        var weighted = month.GetProperty("forecast").GetProperty("weighted_cents").GetInt64() / 100m;
        Assert.Contains(weighted.ToString("#,##0", System.Globalization.CultureInfo.GetCultureInfo("de-DE")) + " €", (await TextAsync(session, "#prognose")).Replace('\u00a0', ' '));
        Assert.Contains("mit Prognose", await TextAsync(session, "#umsatz"));
        Assert.Contains("MRR", await TextAsync(session, "#umsatz-zahlen"));
        await session.ScreenshotAsync("zahlen-monat");
        await session.AssertNoRequestLeftLocalhostAsync();
    }

    private static async Task<string> TextAsync(StatusCenterSession session, string selector) =>
        (await session.Browser.EvaluateAsync($"document.querySelector('{selector}').textContent")).GetString()!;

    private static async Task<System.Text.Json.JsonElement> BoardAsync(StatusCenterSession session, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/kpi" + query);
        var token = (await session.Browser.EvaluateAsync("JSON.parse(sessionStorage.getItem('leitstand.session')).token")).GetString();
        request.Headers.Authorization = new("Bearer", token);
        var response = await session.Host.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
