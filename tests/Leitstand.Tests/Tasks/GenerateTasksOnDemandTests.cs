using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Tasks;

/// <summary>POST /api/tasks/generate and --generate-tasks: the list for a given date, answering what each rule created.</summary>
[Collection(StackCollection.Name)]
public sealed class GenerateTasksOnDemandTests(StackFixture stack) : TasksTestBase(stack)
{
    [Fact]
    public async Task Generating_a_date_answers_per_rule_and_a_second_run_creates_nothing()
    {
        await LeadAsync("NEW", Local(2024, 5, 1, 10));
        await LeadAsync("REPLIED", Local(2024, 4, 20, 10));
        Clock.Set(Local(2024, 5, 2, 12));

        var first = JsonDocument.Parse(await (await Host.TeamClient.PostAsJsonAsync("/api/tasks/generate", new { date = "2024-05-02" })).Content.ReadAsStringAsync()).RootElement;
        var second = JsonDocument.Parse(await (await Host.TeamClient.PostAsJsonAsync("/api/tasks/generate", new { date = "2024-05-02" })).Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("2024-05-02", first.GetProperty("date").GetString());
        Assert.Equal((1, 1), (first.GetProperty("created").GetProperty("first_contact").GetInt32(), first.GetProperty("created").GetProperty("stale").GetInt32()));
        Assert.True(first.GetProperty("digest_queued").GetBoolean());
        // Every rule the first call reported, again, with nothing new.
        Assert.Equal(first.GetProperty("created").EnumerateObject().Select(p => (p.Name, 0)), second.GetProperty("created").EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())));
        Assert.False(second.GetProperty("digest_queued").GetBoolean());
    }

    [Fact]
    public async Task A_bad_or_far_date_is_refused_with_a_german_message()
    {
        Clock.Set(Local(2024, 5, 2, 12));

        var bad = await Host.TeamClient.PostAsJsonAsync("/api/tasks/generate", new { date = "02.05.2024" });
        var far = await Host.TeamClient.PostAsJsonAsync("/api/tasks/generate", new { date = "2025-05-02" });

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (bad.StatusCode, far.StatusCode));
        Assert.Contains("Datum", await bad.Content.ReadAsStringAsync());
        Assert.Contains("Tage", await far.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_command_line_generates_a_date_and_prints_each_rule()
    {
        await LeadAsync("NEW", Local(2024, 5, 6, 10));
        var output = new StringWriter();

        var exit = await GenerateTasksCommand.RunAsync(["2024-05-07"], Host.Configuration, output);

        Assert.Equal(0, exit);
        Assert.Contains("Tagesliste für 07.05.2024 erzeugt:", output.ToString());
        Assert.Matches(@"first_contact\s+1", output.ToString());
        Assert.Equal(2, await GenerateTasksCommand.RunAsync(["morgen"], Host.Configuration, new StringWriter()));
    }
}
