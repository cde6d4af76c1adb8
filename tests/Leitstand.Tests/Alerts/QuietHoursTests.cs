using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Alerts;

[Collection(StackCollection.Name)]
public sealed class QuietHoursTests(StackFixture stack) : AlertTestBase(stack)
{
    [Fact]
    public async Task Warning_at_night_is_held_and_delivered_when_the_quiet_hours_end()
    {
        // 23:30 in Berlin (22:30 UTC); the warning route is quiet from 22:00 to 07:00.
        Clock.Advance(new DateTimeOffset(2026, 12, 2, 22, 30, 0, TimeSpan.Zero) - Clock.GetUtcNow());
        var (agent, key) = await CreateAgentAsync();
        await BeatAsync(key, status: "error", errorClass: "upstream_down");
        var incident = await IncidentOfAsync(agent);
        await DeliverQueuedAsync();

        Clock.Advance(TimeSpan.FromHours(7)); // 06:30 in Berlin: still quiet
        await TickAsync();
        Assert.Equal((0, 0, 0, 0, 0), Received());
        await AssertDeliveriesAsync("incident_opened", incident, "pending", ChatAndWebhook);

        Clock.Advance(TimeSpan.FromMinutes(31)); // 07:01: the quiet hours are over (plus the 30 s grouping)
        await TickAsync();

        // Warnings go to chat and the webhook, not e-mail.
        Assert.Equal((1, 1, 1, 0, 1), Received());
        await AssertDeliveriesAsync("incident_opened", incident, "delivered", ChatAndWebhook);
    }

    [Fact]
    public async Task Critical_alert_goes_out_at_night()
    {
        Clock.Advance(new DateTimeOffset(2026, 12, 3, 1, 0, 0, TimeSpan.Zero) - Clock.GetUtcNow()); // 02:00 in Berlin
        var (_, key) = await CreateAgentAsync();
        await BeatAsync(key, status: "error", errorClass: "resource_exhausted");
        await DeliverQueuedAsync();

        Clock.Advance(TimeSpan.FromSeconds(10));
        await TickAsync();

        Assert.Equal((1, 1, 1, 1, 1), Received());
    }

    [Theory]
    // Across both daylight saving changes of 2026, the quiet hours end at 07:00 Berlin wall time.
    [InlineData("2026-03-28T23:30:00Z", "2026-03-29T05:00:00Z")] // night into summer time: 07:00 CEST = 05:00 UTC
    [InlineData("2026-10-24T22:30:00Z", "2026-10-25T06:00:00Z")] // night into winter time: 07:00 CET = 06:00 UTC
    [InlineData("2026-12-02T05:59:00Z", "2026-12-02T06:00:00Z")] // 06:59 in Berlin
    [InlineData("2026-12-02T06:00:00Z", "2026-12-02T06:00:00Z")] // 07:00: not quiet any more
    [InlineData("2026-12-02T12:00:00Z", "2026-12-02T12:00:00Z")] // midday: not quiet
    public async Task Quiet_hours_end_at_seven_in_Berlin_also_on_daylight_saving_days(string at, string expected)
    {
        var until = await Crm.ScalarAsync<DateTime>(Stack.Admin, "select public.alert_quiet_until(@at::timestamptz, '22:00', '07:00')", new { at });
        Assert.Equal(DateTime.Parse(expected, null, System.Globalization.DateTimeStyles.AdjustToUniversal), until.ToUniversalTime());
    }
}
