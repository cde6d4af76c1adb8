using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Pipeline;

/// <summary>
/// "Gewonnen" in one step: POST /api/leads/{id}/stage with to_stage WON and a deal creates the deal and moves the
/// lead in one transaction; the stage rules stay in the database, and a refusal leaves neither deal nor move.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class WinLeadWithDealTests(StackFixture stack) : DealTestBase(stack)
{
    private Task<HttpResponseMessage> MoveAsync(Guid lead, object body) => Host.TeamClient.PostAsJsonAsync($"/api/leads/{lead}/stage", body);

    private Task<string> StageAsync(Guid lead) => Crm.ScalarAsync<string>(Stack.Admin, "select stage::text from leads where id = @lead", new { lead });

    [Fact]
    public async Task Won_with_a_deal_creates_the_won_deal_and_moves_the_lead_with_its_history()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");

        var body = await JsonAsync(await MoveAsync(lead, new
        {
            to_stage = "WON", from_stage = "CALL_BOOKED",
            deal = new { package = "SETUP", amount_cents = 129000, price_reason = "Frühbucher" },
        }), HttpStatusCode.OK);

        Assert.Equal(("WON", "Gewonnen"), (body.GetProperty("to_stage").GetString(), body.GetProperty("stage_label").GetString()));
        var deal = body.GetProperty("deal_id").GetGuid();
        Assert.Equal("WON", await StageAsync(lead));
        Assert.Equal(1, await Crm.ScalarAsync<int>(Stack.Admin,
            "select count(*)::int from deals where id = @deal and lead_id = @lead and status = 'WON' and won_at is not null and amount_cents = 129000 and price_reason = 'Frühbucher'",
            new { deal, lead }));
        Assert.Equal(1, await Crm.ScalarAsync<int>(Stack.Admin,
            "select count(*)::int from pipeline_events where lead_id = @lead and to_stage = 'WON' and changed_by = @member",
            new { lead, member = Host.TeamMemberId.ToString() }));
        var history = (await Host.TeamClient.GetFromJsonAsync<JsonElement>($"/api/deals/{deal}")).GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["created", "corrected"], history.Select(h => h.GetProperty("change").GetString()));
        Assert.Equal("WON", history[1].GetProperty("new_values").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_refused_deal_is_422_at_its_field_and_neither_deal_nor_move_is_stored()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");

        var reason = await ProblemAsync(await MoveAsync(lead, new { to_stage = "WON", from_stage = "CALL_BOOKED", deal = new { package = "SETUP", amount_cents = 1000 } }),
            HttpStatusCode.UnprocessableEntity);
        var package = await ProblemAsync(await MoveAsync(lead, new { to_stage = "WON", from_stage = "CALL_BOOKED", deal = new { package = "GOLD" } }),
            HttpStatusCode.UnprocessableEntity);

        Assert.Contains("Grund", Assert.Single(Errors(reason, "deal.price_reason")));
        Assert.Contains("GOLD", Assert.Single(Errors(package, "deal.package")));
        Assert.Equal("CALL_BOOKED", await StageAsync(lead));
        Assert.Equal(0, await DealCountAsync(lead));
    }

    [Fact]
    public async Task A_move_the_stage_rules_refuse_leaves_no_deal_behind()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CONTACTED");

        var problem = await ProblemAsync(await MoveAsync(lead, new { to_stage = "WON", from_stage = "CONTACTED", deal = new { package = "SETUP" } }),
            HttpStatusCode.UnprocessableEntity);

        Assert.Contains("nicht erlaubt", Assert.Single(Errors(problem, "to_stage")));
        Assert.Equal("CONTACTED", await StageAsync(lead));
        Assert.Equal(0, await DealCountAsync(lead));
    }

    [Fact]
    public async Task A_stale_move_leaves_no_deal_behind()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "QUALIFIED");

        var problem = await ProblemAsync(await MoveAsync(lead, new { to_stage = "WON", from_stage = "CALL_BOOKED", deal = new { package = "SETUP" } }),
            HttpStatusCode.Conflict);

        Assert.Equal("QUALIFIED", problem.GetProperty("current_stage").GetString());
        Assert.Equal(0, await DealCountAsync(lead));
    }

    [Fact]
    public async Task A_deal_with_another_target_stage_or_bad_deal_fields_is_400_and_the_move_without_deal_is_unchanged()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");

        var misplaced = await ProblemAsync(await MoveAsync(lead, new { to_stage = "QUALIFIED", from_stage = "CALL_BOOKED", deal = new { package = "SETUP" } }),
            HttpStatusCode.BadRequest);
        var bad = await ProblemAsync(await MoveAsync(lead, new { to_stage = "WON", from_stage = "CALL_BOOKED", deal = new { amount_cents = 0, won = true } }),
            HttpStatusCode.BadRequest);
        var withoutDeal = await ProblemAsync(await MoveAsync(lead, new { to_stage = "WON", from_stage = "CALL_BOOKED" }), HttpStatusCode.UnprocessableEntity);
        var unknownLead = await ProblemAsync(await MoveAsync(Guid.NewGuid(), new { to_stage = "WON", from_stage = "CALL_BOOKED", deal = new { package = "SETUP" } }),
            HttpStatusCode.NotFound);

        Assert.Contains("nur zur Stufe WON", Assert.Single(Errors(misplaced, "deal")));
        Assert.Equal(["Dieses Feld gibt es nicht."], Errors(bad, "deal.won"));
        Assert.StartsWith("Für „Gewonnen“ braucht der Lead einen Deal", Assert.Single(Errors(withoutDeal, "deal")));
        Assert.Equal("Diesen Lead gibt es nicht.", unknownLead.GetProperty("title").GetString());
        Assert.Equal("CALL_BOOKED", await StageAsync(lead));
        Assert.Equal(0, await DealCountAsync(lead));
    }
}
