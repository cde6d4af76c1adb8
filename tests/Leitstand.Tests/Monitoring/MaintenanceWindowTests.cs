using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Monitoring;

/// <summary>POST /api/agents/{id}/maintenance-windows: a window with its end; no incidents inside it; German refusals.</summary>
[Collection(StackCollection.Name)]
public sealed class MaintenanceWindowTests(StackFixture stack) : MonitoringTestBase(stack)
{
    private Task<HttpResponseMessage> AddAsync(Guid agent, object body) => Host.TeamClient.PostAsJsonAsync($"/api/agents/{agent}/maintenance-windows", body);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string Error(JsonElement problem, string field) => Assert.Single(problem.GetProperty("errors").GetProperty(field).EnumerateArray()).GetString()!;

    private Task<int> WindowsAsync(Guid agent) => CountAsync("select count(*)::int from agent_maintenance_windows where agent_id = @agent", new { agent });

    [Fact]
    public async Task A_window_from_now_is_stored_and_keeps_incidents_away_until_its_end()
    {
        var (agent, key) = await CreateAgentAsync();
        var now = Clock.GetUtcNow();

        var body = await JsonAsync(await AddAsync(agent, new { starts_at = now.ToString("O"), ends_at = now.AddHours(1).ToString("O"), reason = "Update auf 2.0" }),
            HttpStatusCode.Created);

        Assert.Equal("Update auf 2.0", body.GetProperty("reason").GetString());
        Assert.Equal(1, await CountAsync("select count(*)::int from agent_maintenance_windows where id = @id and agent_id = @agent and note = 'Update auf 2.0'",
            new { id = body.GetProperty("id").GetGuid(), agent }));
        Clock.Advance(TimeSpan.FromMinutes(10));
        await BeatAsync(key, status: "error", errorClass: "crash_loop");
        Assert.Equal(0, await CountAsync("select count(*)::int from incidents where agent_id = @agent", new { agent }));

        Clock.Advance(TimeSpan.FromHours(1));
        await BeatAsync(key, status: "error", errorClass: "crash_loop");
        Assert.Equal(1, await CountAsync("select count(*)::int from incidents where agent_id = @agent", new { agent }));
    }

    [Fact]
    public async Task An_end_before_the_start_or_in_the_past_is_422_at_the_field_and_stores_nothing()
    {
        var (agent, _) = await CreateAgentAsync();
        var now = Clock.GetUtcNow();

        var reversed = await JsonAsync(await AddAsync(agent, new { starts_at = now.AddHours(2).ToString("O"), ends_at = now.AddHours(1).ToString("O") }),
            HttpStatusCode.UnprocessableEntity);
        var past = await JsonAsync(await AddAsync(agent, new { starts_at = now.AddHours(-3).ToString("O"), ends_at = now.AddHours(-1).ToString("O") }),
            HttpStatusCode.UnprocessableEntity);
        var tooLong = await JsonAsync(await AddAsync(agent, new { starts_at = now.ToString("O"), ends_at = now.AddDays(31).ToString("O") }),
            HttpStatusCode.UnprocessableEntity);

        Assert.Equal("Das Ende muss nach dem Beginn liegen.", Error(reversed, "ends_at"));
        Assert.Equal("Das Ende liegt in der Vergangenheit.", Error(past, "ends_at"));
        Assert.Contains("Vergangenheit", Error(past, "starts_at"));
        Assert.Contains("30 Tage", Error(tooLong, "ends_at"));
        Assert.Equal(0, await WindowsAsync(agent));
    }

    [Fact]
    public async Task Missing_or_malformed_times_are_400_and_unknown_agents_404()
    {
        var (agent, _) = await CreateAgentAsync();
        var now = Clock.GetUtcNow();

        var missing = await JsonAsync(await AddAsync(agent, new { reason = new string('x', 201) }), HttpStatusCode.BadRequest);
        var malformed = await JsonAsync(await AddAsync(agent, new { starts_at = "heute", ends_at = "2030-01-01 10:00" }), HttpStatusCode.BadRequest);
        var unknown = await JsonAsync(await AddAsync(Guid.NewGuid(), new { starts_at = now.ToString("O"), ends_at = now.AddHours(1).ToString("O") }),
            HttpStatusCode.NotFound);

        Assert.Equal(["ends_at", "reason", "starts_at"], missing.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("ISO-8601", Error(malformed, "starts_at"));
        Assert.Contains("ISO-8601", Error(malformed, "ends_at"));
        Assert.StartsWith("Diesen Agenten gibt es nicht", unknown.GetProperty("title").GetString());
        Assert.Equal(0, await WindowsAsync(agent));
    }
}
