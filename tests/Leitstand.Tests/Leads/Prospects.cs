using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Platform;
using Leitstand.Tasks;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Leads;

/// <summary>Prospects for tests: unique handles and e-mails, a clock on a weekday, calls of the team endpoints.</summary>
public static class Prospects
{
    /// <summary>A handle nobody else has (lower case, valid for the database's check).</summary>
    public static string UniqueHandle(string prefix = "anna") => $"{prefix}.{Guid.NewGuid():N}";

    /// <summary>
    /// Now, moved to Monday when today is a Saturday or Sunday in Berlin: with task_settings.weekend_to_monday
    /// a prospect added on a weekend gets its first contact on Monday, not at once.
    /// </summary>
    public static ManualClock WeekdayClock()
    {
        var now = ManualClock.StartingNow().GetUtcNow();
        while (TimeZoneInfo.ConvertTime(now, BerlinTime.Zone).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) now = now.AddDays(1);
        return new ManualClock(now);
    }

    public static Task<HttpResponseMessage> PostAsync(RunningHost host, object body) => host.TeamClient.PostAsJsonAsync("/api/prospects", body);

    /// <summary>Adds a prospect and returns its lead id (fails the test unless 201).</summary>
    public static async Task<Guid> AddAsync(RunningHost host, object body)
    {
        var response = await PostAsync(host, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("lead_id").GetGuid();
    }

    public static Task<HttpResponseMessage> LogTouchpointAsync(RunningHost host, Guid leadId, object body) =>
        host.TeamClient.PostAsJsonAsync($"/api/leads/{leadId}/touchpoints", body);
}
