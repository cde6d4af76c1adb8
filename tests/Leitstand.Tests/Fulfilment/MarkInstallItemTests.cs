using System.Net;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Fulfilment;

/// <summary>
/// <c>POST /api/installs/{id}/items/{item}/complete|skip|not-applicable</c>: who and when recorded, a reason required
/// to skip, a baseline item never skipped but "nicht anwendbar" with a reason, the run finished by its last item,
/// and nothing changes in a finished run (409).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class MarkInstallItemTests(StackFixture stack) : InstallTestBase(stack)
{
    [Fact]
    public async Task Completing_an_item_records_who_and_when_and_a_second_time_is_409()
    {
        var (_, run, body) = await BookedRunAsync();
        var item = ItemId(body, "Ziele aus dem Onboarding bestätigt");
        Clock.Advance(TimeSpan.FromMinutes(3));

        var response = await MarkAsync(run, item, "complete");
        var again = await MarkAsync(run, item, "complete");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var done = Item(await BodyAsync(response), "Ziele aus dem Onboarding bestätigt");
        Assert.Equal(("done", Host.TeamMemberId.ToString(), "Test Team"),
            (done.GetProperty("state").GetString(), done.GetProperty("marked_by").GetString(), done.GetProperty("marked_by_name").GetString()));
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, done.GetProperty("marked_at").GetDateTime().ToUniversalTime());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Skipping_needs_a_reason_which_is_kept()
    {
        var (_, run, body) = await BookedRunAsync();
        var item = ItemId(body, "Systemvoraussetzungen geprüft");

        var without = await MarkAsync(run, item, "skip");
        var blank = await MarkAsync(run, item, "skip", "   ");
        var with = await MarkAsync(run, item, "skip", "Kunde hat das vorab erledigt.");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, without.StatusCode);
        Assert.Contains("Grund", Error(await BodyAsync(without), "reason"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, blank.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        var skipped = Item(await BodyAsync(with), "Systemvoraussetzungen geprüft");
        Assert.Equal(("skipped", "Kunde hat das vorab erledigt."), (skipped.GetProperty("state").GetString(), skipped.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task A_baseline_item_cannot_be_skipped_only_marked_not_applicable_with_a_reason()
    {
        var (_, run, body) = await BookedRunAsync();
        var baseline = ItemId(body, "RLS auf jeder Tabelle, in die der Agent schreibt");
        var plain = ItemId(body, "Ziele aus dem Onboarding bestätigt");

        var skip = await MarkAsync(run, baseline, "skip", "Keine Zeit mehr.");
        var withoutReason = await MarkAsync(run, baseline, "not-applicable");
        var notBaseline = await MarkAsync(run, plain, "not-applicable", "Passt nicht.");
        var notApplicable = await MarkAsync(run, baseline, "not-applicable", "Der Agent schreibt in keine Datenbank.");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, skip.StatusCode);
        Assert.Contains("Sicherheits-Baseline lassen sich nicht überspringen", Error(await BodyAsync(skip), "item"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, withoutReason.StatusCode);
        Assert.NotNull(Error(await BodyAsync(withoutReason), "reason"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notBaseline.StatusCode);
        Assert.NotNull(Error(await BodyAsync(notBaseline), "item"));
        Assert.Equal(HttpStatusCode.OK, notApplicable.StatusCode);
        var item = Item(await BodyAsync(notApplicable), "RLS auf jeder Tabelle, in die der Agent schreibt");
        Assert.Equal(("not_applicable", "Der Agent schreibt in keine Datenbank."), (item.GetProperty("state").GetString(), item.GetProperty("reason").GetString()));
        Assert.Equal("open", Item(await GetRunAsync(run), "Ziele aus dem Onboarding bestätigt").GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_last_item_finishes_the_run_and_an_item_of_a_finished_run_is_409()
    {
        var (_, run, body) = await BookedRunAsync();
        var items = body.GetProperty("items").EnumerateArray().ToList();
        var last = items[^1].GetProperty("id").GetGuid();
        foreach (var item in items.SkipLast(1))
            Assert.Equal(HttpStatusCode.OK, (await MarkAsync(run, item.GetProperty("id").GetGuid(), "complete")).StatusCode);
        Assert.Equal("booked", (await GetRunAsync(run)).GetProperty("state").GetString());
        Clock.Advance(TimeSpan.FromMinutes(1));

        var finishing = await MarkAsync(run, last, "complete");

        Assert.Equal(HttpStatusCode.OK, finishing.StatusCode);
        var finished = await BodyAsync(finishing);
        Assert.Equal("finished", finished.GetProperty("state").GetString());
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, finished.GetProperty("finished_at").GetDateTime().ToUniversalTime());
        var afterwards = await MarkAsync(run, last, "skip", "Doch nicht.");
        Assert.Equal(HttpStatusCode.Conflict, afterwards.StatusCode);
        Assert.Contains("abgeschlossen", (await BodyAsync(afterwards)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_unknown_item_or_run_is_404()
    {
        var (_, run, body) = await BookedRunAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await MarkAsync(run, Guid.NewGuid(), "complete")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await MarkAsync(Guid.NewGuid(), ItemId(body, "Monitoring verbunden"), "complete")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.TeamClient.GetAsync($"/api/installs/{Guid.NewGuid()}")).StatusCode);
    }
}
