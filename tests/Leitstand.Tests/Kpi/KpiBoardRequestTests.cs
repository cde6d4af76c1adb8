using System.Net;
using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Kpi;

/// <summary>GET /api/kpi: which periods it accepts; anything else is a 400 with a German message for the field.</summary>
[Collection(StackCollection.Name)]
public sealed class KpiBoardRequestTests(StackFixture stack) : KpiTestBase(stack)
{
    [Theory]
    [InlineData("week=2024-48", "week", "Erwartet wird eine ISO-Woche wie 2026-W48.")]
    [InlineData("week=2024-W00", "week", "2024 hat die Wochen 1 bis 52.")]
    [InlineData("week=2021-W53", "week", "2021 hat die Wochen 1 bis 52.")]
    [InlineData("week=1999-W10", "week", "Erwartet wird ein Jahr zwischen 2000 und 2100.")]
    [InlineData("week=2024-W30", "week", "Diese Woche hat noch nicht begonnen.")]
    [InlineData("week=%27;drop", "week", "Erwartet wird eine ISO-Woche wie 2026-W48.")]
    [InlineData("month=2024-13", "month", "Der Monat ist 01 bis 12.")]
    [InlineData("month=24-11", "month", "Erwartet wird ein Monat wie 2026-11.")]
    [InlineData("month=2024-08", "month", "Dieser Monat hat noch nicht begonnen.")]
    [InlineData("week=2024-W20&month=2024-05", "month", "Bitte entweder week oder month angeben, nicht beides.")]
    public async Task A_bad_period_is_a_400_with_a_german_message_for_the_field(string query, string field, string message)
    {
        Clock.Set(Local(2024, 7, 10, 12));   // Wednesday of week 28

        using var response = await Host.TeamClient.GetAsync("/api/kpi?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Bitte prüfe die Angaben.", body.RootElement.GetProperty("title").GetString());
        Assert.Equal(message, Assert.Single(body.RootElement.GetProperty("errors").GetProperty(field).EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Without_a_period_the_board_shows_the_current_week_in_berlin()
    {
        // Sunday 14 July 2024 23:30 in Berlin is 21:30 UTC: still week 28.
        var board = await BoardAsync("", Local(2024, 7, 14, 23, 30));

        var period = board.GetProperty("period");
        Assert.Equal(("week", "2024-W28", "2024-07-08", "2024-07-14"), (period.GetProperty("kind").GetString(), period.GetProperty("key").GetString(),
            period.GetProperty("starts_on").GetString(), period.GetProperty("ends_on").GetString()));
        Assert.Equal(["new_leads", "first_contacts", "replies", "calls", "setups_sold"],
            board.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("metric").GetString()));
        Assert.Equal(["Leads neu", "Erstkontakte", "Antworten", "Calls", "Setups verkauft"],
            board.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("label").GetString()));
    }

    [Fact]
    public async Task The_week_53_of_a_long_iso_year_is_a_week()
    {
        var board = await BoardAsync("week=2020-W53", Local(2024, 7, 10, 12));

        Assert.Equal(("2020-12-28", "2021-01-03"), (board.GetProperty("period").GetProperty("starts_on").GetString(),
            board.GetProperty("period").GetProperty("ends_on").GetString()));
    }
}
