using System.Net;
using System.Net.Http.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Fulfilment;

/// <summary><c>POST /api/leads/{id}/install</c>: a 5-hour block for a WON lead, with its checklist; past, overlap and not WON refused.</summary>
[Collection(StackCollection.Name)]
public sealed class BookInstallTests(StackFixture stack) : InstallTestBase(stack)
{
    [Fact]
    public async Task A_won_lead_gets_a_five_hour_run_with_the_checklist_in_five_blocks_and_the_lead_links_to_it()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON");
        var starts = Tomorrow(9);

        var response = await BookAsync(lead, Iso(starts));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var booked = await BodyAsync(response);
        var id = booked.GetProperty("id").GetGuid();
        Assert.Equal(starts.AddHours(5).UtcDateTime, booked.GetProperty("ends_at").GetDateTime().ToUniversalTime());
        var run = await GetRunAsync(id);
        Assert.Equal(("booked", Host.TeamMemberId, "Test Team", 1), (run.GetProperty("state").GetString(), run.GetProperty("installer").GetGuid(),
            run.GetProperty("installer_name").GetString(), run.GetProperty("checklist_version").GetInt32()));
        Assert.Equal(Iso(starts), run.GetProperty("starts_at_berlin").GetString());
        Assert.EndsWith(", 09:00–14:00 Uhr", run.GetProperty("appointment").GetString());
        var blocks = run.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(["Kick-off und Ziele", "Installation Standard-Agent", "Drei Kern-Workflows", "Sicherheits-Baseline", "Test und Übergabe"],
            blocks.Select(b => b.GetProperty("title").GetString()));
        Assert.Equal(["09:00–10:00", "10:00–11:00", "11:00–12:00", "12:00–13:00", "13:00–14:00"], blocks.Select(b => b.GetProperty("time_box").GetString()));
        var items = run.GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, i => Assert.Equal("open", i.GetProperty("state").GetString()));
        Assert.Equal(["Kern-Workflow 1", "Kern-Workflow 2", "Kern-Workflow 3"],
            items.Where(i => i.GetProperty("kind").GetString() == "workflow").Select(i => i.GetProperty("title").GetString()));
        var monitoring = Item(run, "Monitoring verbunden");
        Assert.Equal((4, true, "12:00–13:00"), (monitoring.GetProperty("block").GetInt32(), monitoring.GetProperty("safety_baseline").GetBoolean(),
            monitoring.GetProperty("time_box").GetString()));
        Assert.Equal(7, items.Count(i => i.GetProperty("safety_baseline").GetBoolean()));
        Assert.All(items.Where(i => i.GetProperty("safety_baseline").GetBoolean()), i => Assert.Equal(4, i.GetProperty("block").GetInt32()));

        var detail = await BodyAsync(await Host.TeamClient.GetAsync($"/api/leads/{lead}"));
        var install = Assert.Single(detail.GetProperty("installs").EnumerateArray());
        Assert.Equal((id, "booked"), (install.GetProperty("id").GetGuid(), install.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task A_start_in_the_past_is_422_at_starts_at()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON");

        var response = await BookAsync(lead, Iso(Clock.GetUtcNow().AddMinutes(-1)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Vergangenheit", Error(await BodyAsync(response), "starts_at"));
        Assert.Equal(0, await Crm.ScalarAsync<int>(Stack.Admin, "select count(*)::int from install_runs where lead_id = @lead", new { lead }));
    }

    [Fact]
    public async Task An_install_overlapping_another_of_the_same_member_is_422_but_another_member_may_book_it()
    {
        var (_, first, _) = await BookedRunAsync(hour: 9);
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON");

        var overlapping = await BookAsync(lead, Iso(Tomorrow(13)));
        var afterwards = await BookAsync(lead, Iso(Tomorrow(14)));
        await using var other = await RunningHost.StartAsync(Stack);
        var byOther = await other.TeamClient.PostAsJsonAsync($"/api/leads/{lead}/install", new { starts_at = Iso(Tomorrow(10)) });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, overlapping.StatusCode);
        var body = await BodyAsync(overlapping);
        Assert.StartsWith("Du hast zu dieser Zeit schon eine Installation", Error(body, "starts_at"));
        Assert.Equal(first, body.GetProperty("conflicting_install_id").GetGuid());
        Assert.Equal(HttpStatusCode.Created, afterwards.StatusCode);
        Assert.Equal(HttpStatusCode.Created, byOther.StatusCode);
    }

    [Theory]
    [InlineData("CALL_BOOKED")]
    [InlineData("LOST")]
    public async Task A_lead_that_is_not_won_is_422_at_stage(string stage)
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, stage);

        var response = await BookAsync(lead, Iso(Tomorrow()));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("gewonnen", Error(await BodyAsync(response), "stage"));
    }

    [Theory]
    [InlineData("2026-12-08T10:00:00")]
    [InlineData("morgen früh")]
    [InlineData("")]
    public async Task A_start_without_offset_or_unreadable_is_400_at_starts_at_and_an_unknown_lead_404(string startsAt)
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON");

        var response = await BookAsync(lead, startsAt);
        var unknown = await BookAsync(Guid.NewGuid(), Iso(Tomorrow()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(Error(await BodyAsync(response), "starts_at"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
