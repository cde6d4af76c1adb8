using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Pipeline;

/// <summary>
/// PATCH /api/deals/{id} and GET /api/deals/{id}: a correction keeps its history (who, when, before and after,
/// why; written by trigger for every writer), the deal rules refuse at the field, and a refusal changes nothing.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class CorrectDealTests(StackFixture stack) : DealTestBase(stack)
{
    private async Task<Guid> DealAsync(Guid lead, object body) =>
        (await JsonAsync(await CreateAsync(lead, body), HttpStatusCode.Created)).GetProperty("deal").GetProperty("id").GetGuid();

    [Fact]
    public async Task A_new_amount_with_its_reason_is_stored_and_the_history_shows_before_after_who_and_why()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED", name: "Stefan Krüger");
        var deal = await DealAsync(lead, new { package = "SETUP" });

        var body = await JsonAsync(await PatchAsync(deal, new { amount_cents = 120000, price_reason = "Rabatt für Empfehlung", reason = "Angebot nachverhandelt" }),
            HttpStatusCode.OK);

        Assert.Equal(120000, body.GetProperty("deal").GetProperty("amount_cents").GetInt32());
        Assert.Equal("Rabatt für Empfehlung", body.GetProperty("deal").GetProperty("price_reason").GetString());
        var history = body.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["created", "corrected"], history.Select(h => h.GetProperty("change").GetString()));
        var corrected = history[1];
        Assert.Equal(Host.TeamMemberId.ToString(), corrected.GetProperty("changed_by").GetString());
        Assert.Equal("Angebot nachverhandelt", corrected.GetProperty("reason").GetString());
        Assert.Equal(149000, corrected.GetProperty("old_values").GetProperty("amount_cents").GetInt32());
        Assert.Equal(120000, corrected.GetProperty("new_values").GetProperty("amount_cents").GetInt32());
        Assert.Equal(JsonValueKind.Null, corrected.GetProperty("old_values").GetProperty("price_reason").ValueKind);
        Assert.False(corrected.GetProperty("new_values").TryGetProperty("package", out _));

        var read = await Host.TeamClient.GetFromJsonAsync<JsonElement>($"/api/deals/{deal}");
        Assert.Equal((lead, "Stefan Krüger"), (read.GetProperty("lead").GetProperty("id").GetGuid(), read.GetProperty("lead").GetProperty("name").GetString()));
        Assert.Equal(2, read.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task A_new_amount_without_a_reason_gets_422_at_price_reason_and_changes_nothing()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");
        var deal = await DealAsync(lead, new { package = "SETUP" });

        var problem = await ProblemAsync(await PatchAsync(deal, new { amount_cents = 99000 }), HttpStatusCode.UnprocessableEntity);

        Assert.Contains("Grund", Assert.Single(Errors(problem, "price_reason")));
        Assert.Equal(149000, await Crm.ScalarAsync<int>(Stack.Admin, "select amount_cents from deals where id = @deal", new { deal }));
        Assert.Equal(1, await HistoryCountAsync(deal));
    }

    [Fact]
    public async Task Another_package_takes_its_price_and_a_start_date_only_fits_the_retainer()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");
        var deal = await DealAsync(lead, new { package = "SETUP" });

        var setupStart = await ProblemAsync(await PatchAsync(deal, new { starts_on = "2027-02-01" }), HttpStatusCode.UnprocessableEntity);
        var retainer = await JsonAsync(await PatchAsync(deal, new { package = "RETAINER", starts_on = "2027-02-01" }), HttpStatusCode.OK);
        var unknown = await ProblemAsync(await PatchAsync(deal, new { package = "PREMIUM" }), HttpStatusCode.UnprocessableEntity);

        Assert.Contains("Retainer", Assert.Single(Errors(setupStart, "starts_on")));
        Assert.Equal(("RETAINER", 14900, "2027-02-01"), (retainer.GetProperty("deal").GetProperty("package").GetString(),
            retainer.GetProperty("deal").GetProperty("amount_cents").GetInt32(), retainer.GetProperty("deal").GetProperty("starts_on").GetString()));
        Assert.Contains("PREMIUM", Assert.Single(Errors(unknown, "package")));
        Assert.Equal(2, await HistoryCountAsync(deal));
    }

    [Fact]
    public async Task The_status_changes_by_correction_but_a_won_lead_keeps_a_won_deal_and_a_lost_lead_its_lost_one()
    {
        var open = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");
        var openDeal = await DealAsync(open, new { package = "SETUP" });
        var won = await Crm.CreateLeadAsync(Stack.Admin, "WON");
        var wonDeal = await Crm.ScalarAsync<Guid>(Stack.Admin, "select id from deals where lead_id = @won", new { won });
        var lost = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");
        var lostDeal = await DealAsync(lost, new { package = "SETUP" });
        await using (var connection = await Stack.Admin.OpenConnectionAsync())
            await Crm.MoveAsync(connection, lost, "LOST");

        var marked = await JsonAsync(await PatchAsync(openDeal, new { status = "lost", reason = "Kunde hat abgesagt" }), HttpStatusCode.OK);
        var onlyWon = await ProblemAsync(await PatchAsync(wonDeal, new { status = "OPEN" }), HttpStatusCode.UnprocessableEntity);
        var reopened = await ProblemAsync(await PatchAsync(lostDeal, new { status = "OPEN" }), HttpStatusCode.UnprocessableEntity);

        Assert.Equal("LOST", marked.GetProperty("deal").GetProperty("status").GetString());
        Assert.Contains("gewonnen", Assert.Single(Errors(onlyWon, "status")));
        Assert.Contains("verloren", Assert.Single(Errors(reopened, "status")));
        Assert.Equal("WON", await Crm.ScalarAsync<string>(Stack.Admin, "select status::text from deals where id = @wonDeal", new { wonDeal }));
        Assert.Equal("LOST", await Crm.ScalarAsync<string>(Stack.Admin, "select status::text from deals where id = @lostDeal", new { lostDeal }));
    }

    [Fact]
    public async Task A_change_by_another_writer_is_in_the_history_too()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");
        var deal = await DealAsync(lead, new { package = "SETUP" });
        await using (var connection = await Stack.Admin.OpenConnectionAsync())
            await Crm.MoveAsync(connection, lead, "WON");

        var read = await Host.TeamClient.GetFromJsonAsync<JsonElement>($"/api/deals/{deal}");

        var last = read.GetProperty("history").EnumerateArray().Last();
        Assert.Equal(("OPEN", "WON"), (last.GetProperty("old_values").GetProperty("status").GetString(), last.GetProperty("new_values").GetProperty("status").GetString()));
        Assert.Equal("postgres", last.GetProperty("changed_by").GetString());
    }

    [Fact]
    public async Task Bad_input_unknown_deals_and_non_members_are_refused_and_nothing_changes()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");
        var deal = await DealAsync(lead, new { package = "SETUP" });

        var empty = await ProblemAsync(await PatchAsync(deal, new { }), HttpStatusCode.BadRequest);
        var bad = await ProblemAsync(await PatchAsync(deal, new { status = "GEWONNEN", amount_cents = -5, starts_on = "morgen" }), HttpStatusCode.BadRequest);
        var unknown = await ProblemAsync(await PatchAsync(Guid.NewGuid(), new { status = "LOST" }), HttpStatusCode.NotFound);
        var unknownGet = await ProblemAsync(await Host.TeamClient.GetAsync($"/api/deals/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        var badId = await ProblemAsync(await Host.TeamClient.GetAsync("/api/deals/kein-uuid"), HttpStatusCode.BadRequest);
        await ProblemAsync(await AsNonMemberAsync(HttpMethod.Patch, $"/api/deals/{deal}", new { status = "LOST" }), HttpStatusCode.Forbidden);
        await ProblemAsync(await AsNonMemberAsync(HttpMethod.Get, $"/api/deals/{deal}"), HttpStatusCode.Forbidden);

        Assert.Single(Errors(empty, "body"));
        Assert.Equal(["amount_cents", "starts_on", "status"], bad.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("Diesen Deal gibt es nicht.", unknown.GetProperty("title").GetString());
        Assert.Equal("Diesen Deal gibt es nicht.", unknownGet.GetProperty("title").GetString());
        Assert.Equal(["Erwartet wird eine UUID."], Errors(badId, "deal_id"));
        Assert.Equal("OPEN", await Crm.ScalarAsync<string>(Stack.Admin, "select status::text from deals where id = @deal", new { deal }));
        Assert.Equal(1, await HistoryCountAsync(deal));
    }
}
