using Dapper;
using Leitstand.Kpi;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Kpi;

/// <summary>
/// The weekly digest: the 15-minute timer (UTC) sends last week's figures once Monday 08:00 has passed in
/// Berlin, once per ISO week, right across the daylight saving changes and with several instances, through the
/// alert contract, with figures only.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class WeeklyKpiDigestTests(StackFixture stack) : KpiTestBase(stack)
{
    private Task<KpiDigestResult> TimerAsync(RunningHost host, DateTime at)
    {
        Clock.Set(at);
        return host.Services.GetRequiredService<SendWeeklyKpiDigest>().RunScheduledAsync(CancellationToken.None);
    }

    /// <summary>Every 15 minutes from <paramref name="from"/> to <paramref name="to"/>: the instants at which a run sent a digest.</summary>
    private async Task<List<(DateTime At, DateOnly Week)>> RunEveryQuarterHourAsync(DateTime from, DateTime to)
    {
        var sent = new List<(DateTime, DateOnly)>();
        for (var at = from; at <= to; at = at.AddMinutes(15))
        {
            var result = await TimerAsync(Host, at);
            if (result.Sent) sent.Add((at, result.WeekStart));
        }
        return sent;
    }

    private Task<int> DigestsAsync(string week) =>
        ScalarAsync<int>("select count(*)::int from alerts where kind = 'kpi_weekly' and dedupe_key = @key", new { key = "kpi_weekly:" + week });

    [Fact]
    public async Task After_the_spring_change_monday_08_00_in_berlin_is_06_00_utc_and_the_digest_goes_out_once()
    {
        // Clocks went forward on Sunday 31 March 2024; the week before ran from 25 to 31 March.
        var sent = await RunEveryQuarterHourAsync(new DateTime(2024, 3, 31, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 4, 1, 12, 0, 0, DateTimeKind.Utc));

        Assert.Equal([(new DateTime(2024, 4, 1, 6, 0, 0, DateTimeKind.Utc), new DateOnly(2024, 3, 25))], sent);
        Assert.Equal(1, await DigestsAsync("2024-W13"));
    }

    [Fact]
    public async Task After_the_autumn_change_monday_08_00_in_berlin_is_07_00_utc_and_the_digest_goes_out_once()
    {
        // Clocks went back on Sunday 27 October 2024.
        var sent = await RunEveryQuarterHourAsync(new DateTime(2024, 10, 27, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 10, 28, 12, 0, 0, DateTimeKind.Utc));

        Assert.Equal([(new DateTime(2024, 10, 28, 7, 0, 0, DateTimeKind.Utc), new DateOnly(2024, 10, 21))], sent);
        Assert.Equal(1, await DigestsAsync("2024-W43"));
    }

    [Fact]
    public async Task Two_instances_at_once_send_one_digest()
    {
        await using var second = await StartHostAsync();
        Clock.Set(new DateTime(2024, 4, 8, 6, 0, 0, DateTimeKind.Utc));   // Monday 08:00 CEST
        var digest1 = Host.Services.GetRequiredService<SendWeeklyKpiDigest>();
        var digest2 = second.Services.GetRequiredService<SendWeeklyKpiDigest>();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => (i % 2 == 0 ? digest1 : digest2).RunScheduledAsync(CancellationToken.None)));

        Assert.Single(results, r => r.Sent);
        Assert.Equal(1, await DigestsAsync("2024-W14"));
        Assert.Equal(1, await ScalarAsync<int>("select count(*)::int from kpi_digest_runs where iso_week = '2024-W14' and alert_id is not null"));
    }

    [Fact]
    public async Task A_host_that_was_down_on_monday_morning_sends_the_digest_later_that_day_but_not_days_later()
    {
        var late = await TimerAsync(Host, Local(2024, 4, 15, 17));        // Monday 17:00: week 15 is due since 08:00
        var stale = await TimerAsync(Host, Local(2024, 4, 25, 9));        // Thursday of the week after: week 16 is 3 days late

        Assert.Equal((true, new DateOnly(2024, 4, 8)), (late.Sent, late.WeekStart));
        Assert.Equal((false, new DateOnly(2024, 4, 15)), (stale.Sent, stale.WeekStart));
        Assert.Equal(0, await DigestsAsync("2024-W16"));
    }

    [Fact]
    public async Task The_digest_has_the_week_s_figures_and_no_personal_data()
    {
        await LeadAsync([At("NEW", Local(2024, 4, 8, 9)), At("CONTACTED", Local(2024, 4, 8, 11)), At("CALL_BOOKED", Local(2024, 4, 9, 11)),
                         At("WON", Local(2024, 4, 11, 15))], packages: ["SETUP", "RETAINER"], name: "Zora Zahlenfrau");
        await LeadAsync([At("NEW", Local(2024, 4, 10, 9))], name: "Yannick Ypsilon");

        await TimerAsync(Host, new DateTime(2024, 4, 15, 6, 0, 0, DateTimeKind.Utc));

        await using var connection = await Admin.OpenConnectionAsync();
        var alert = await connection.QuerySingleAsync<(Guid Id, string Severity, string Title, string Body, string Link, string Attributes)>(
            "select id, severity::text, title, body, link, attributes::text from alerts where dedupe_key = 'kpi_weekly:2024-W15'");
        Assert.Equal(("info", "#/zahlen"), (alert.Severity, alert.Link));
        Assert.Equal("Wochenbilanz KW 15: 0 von 5 Wochenzielen erreicht", alert.Title);
        Assert.Equal("""
            KW 15/2024 (08.04.–14.04.2024): Leads neu 2 von 30, Erstkontakte 1 von 30, Antworten 0 von 8, Calls 1 von 4, Setups verkauft 1 von 2.
            Umsatz April 2024 bis 14.04.2024: 1.639 € von 10.000 € (16 %), davon einmalig 1.490 €, Retainer 149 €.
            Laufende Retainer: 1 (149 € im Monat).
            Prognose offener Deals (gewichtet): 0 € aus 0 Deals.
            Gewinnquote: 1 gewonnen, 0 verloren.
            """, alert.Body);
        foreach (var name in new[] { "Zora", "Zahlenfrau", "Yannick", "example.de" })
            Assert.DoesNotContain(name, alert.Title + alert.Body + alert.Attributes, StringComparison.Ordinal);

        var (message, queued) = await Host.FindAlertAsync("alert_id", alert.Id);
        Assert.Equal(("alerts", "kpi_weekly"), (message.GetProperty("type").GetString(), queued.GetProperty("kind").GetString()));
        Assert.Equal(1, await ScalarAsync<int>("select count(*)::int from alert_routes where kind = 'kpi_weekly' and 'email' = any(channels)"));
    }
}
