using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Monitoring;

/// <summary>POST /api/agents/{id}/snooze: until a time in the future, at most 7 days ahead; no incidents meanwhile.</summary>
[Collection(StackCollection.Name)]
public sealed class SnoozeAgentTests(StackFixture stack) : MonitoringTestBase(stack)
{
    private Task<HttpResponseMessage> SnoozeAsync(Guid agent, object body) => Host.TeamClient.PostAsJsonAsync($"/api/agents/{agent}/snooze", body);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string Error(JsonElement problem, string field) => Assert.Single(problem.GetProperty("errors").GetProperty(field).EnumerateArray()).GetString()!;

    [Fact]
    public async Task A_snoozed_agent_opens_no_incident_until_the_time_has_passed()
    {
        var (agent, key) = await CreateAgentAsync();
        var until = Clock.GetUtcNow().AddHours(2).ToOffset(TimeSpan.FromHours(1));

        var body = await JsonAsync(await SnoozeAsync(agent, new { until = until.ToString("yyyy-MM-ddTHH:mm:sszzz") }), HttpStatusCode.OK);

        var expected = until.UtcDateTime.AddTicks(-(until.UtcDateTime.Ticks % TimeSpan.TicksPerSecond));
        Assert.Equal(expected, body.GetProperty("snoozed_until").GetDateTimeOffset().UtcDateTime);
        Assert.Equal(expected, await Crm.ScalarAsync<DateTime>(Stack.Admin, "select snoozed_until from agents where id = @agent", new { agent }));
        await BeatAsync(key, status: "error", errorClass: "crash_loop");
        Assert.Equal(0, await CountAsync("select count(*)::int from incidents where agent_id = @agent", new { agent }));

        Clock.Advance(TimeSpan.FromHours(3));
        await BeatAsync(key, status: "error", errorClass: "crash_loop");
        Assert.Equal(1, await CountAsync("select count(*)::int from incidents where agent_id = @agent", new { agent }));
    }

    [Fact]
    public async Task A_time_in_the_past_or_more_than_7_days_ahead_is_422_and_a_malformed_one_400()
    {
        var (agent, _) = await CreateAgentAsync();
        var now = Clock.GetUtcNow();

        var past = await JsonAsync(await SnoozeAsync(agent, new { until = now.AddMinutes(-1).ToString("O") }), HttpStatusCode.UnprocessableEntity);
        var far = await JsonAsync(await SnoozeAsync(agent, new { until = now.AddDays(8).ToString("O") }), HttpStatusCode.UnprocessableEntity);
        var noOffset = await JsonAsync(await SnoozeAsync(agent, new { until = "2030-01-01T10:00:00" }), HttpStatusCode.BadRequest);
        var missing = await JsonAsync(await SnoozeAsync(agent, new { }), HttpStatusCode.BadRequest);
        var unknown = await JsonAsync(await SnoozeAsync(Guid.NewGuid(), new { until = now.AddHours(1).ToString("O") }), HttpStatusCode.NotFound);

        Assert.Contains("Vergangenheit", Error(past, "until"));
        Assert.Contains("7 Tage", Error(far, "until"));
        Assert.Contains("ISO-8601", Error(noOffset, "until"));
        Assert.Contains("bis wann", Error(missing, "until"));
        Assert.StartsWith("Diesen Agenten gibt es nicht", unknown.GetProperty("title").GetString());
        Assert.Null(await Crm.ScalarAsync<DateTime?>(Stack.Admin, "select snoozed_until from agents where id = @agent", new { agent }));
    }
}
