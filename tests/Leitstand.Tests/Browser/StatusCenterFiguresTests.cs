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
}
