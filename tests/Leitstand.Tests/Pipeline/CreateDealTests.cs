using System.Net;
using System.Net.Http.Json;
using System.Text;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Pipeline;

/// <summary>
/// POST /api/leads/{id}/deals: a deal from a package, the price from the package, another amount with its reason, a
/// retainer's start; the deal rules (public.create_deal) refuse at the field, and a refusal stores nothing.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class CreateDealTests(StackFixture stack) : DealTestBase(stack)
{
    [Fact]
    public async Task A_deal_takes_the_package_price_is_open_and_its_history_starts_with_the_member()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED", name: "Nora Brändl");

        var body = await JsonAsync(await CreateAsync(lead, new { package = "setup" }), HttpStatusCode.Created);

        var deal = body.GetProperty("deal");
        Assert.Equal(("SETUP", 149000, 149000, "OPEN"), (deal.GetProperty("package").GetString(), deal.GetProperty("amount_cents").GetInt32(),
            deal.GetProperty("list_price_cents").GetInt32(), deal.GetProperty("status").GetString()));
        Assert.Equal((lead, "Nora Brändl", "CALL_BOOKED"), (body.GetProperty("lead").GetProperty("id").GetGuid(),
            body.GetProperty("lead").GetProperty("name").GetString(), body.GetProperty("lead").GetProperty("stage").GetString()));
        var created = Assert.Single(body.GetProperty("history").EnumerateArray());
        Assert.Equal(("created", Host.TeamMemberId.ToString()), (created.GetProperty("change").GetString(), created.GetProperty("changed_by").GetString()));
        Assert.Equal(149000, created.GetProperty("new_values").GetProperty("amount_cents").GetInt32());
        var id = deal.GetProperty("id").GetGuid();
        Assert.Equal("OPEN", await Crm.ScalarAsync<string>(Stack.Admin, "select status::text from deals where id = @id and lead_id = @lead", new { id, lead }));
        Assert.Equal("CALL_BOOKED", await Crm.ScalarAsync<string>(Stack.Admin, "select stage::text from leads where id = @lead", new { lead }));
    }

    [Fact]
    public async Task Another_amount_needs_a_reason_and_with_one_is_stored_with_it()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "QUALIFIED");

        var problem = await ProblemAsync(await CreateAsync(lead, new { package = "SETUP", amount_cents = 99000 }), HttpStatusCode.UnprocessableEntity);
        var blank = await ProblemAsync(await CreateAsync(lead, new { package = "SETUP", amount_cents = 99000, price_reason = "  " }), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(["Der Betrag weicht vom Paketpreis (1.490 €) ab: Bitte den Grund angeben."], Errors(problem, "price_reason"));
        Assert.Single(Errors(blank, "price_reason"));
        Assert.Equal(0, await DealCountAsync(lead));

        var body = await JsonAsync(await CreateAsync(lead, new { package = "SETUP", amount_cents = 99000, price_reason = "Pilotkunde" }), HttpStatusCode.Created);
        Assert.Equal((99000, "Pilotkunde"), (body.GetProperty("deal").GetProperty("amount_cents").GetInt32(),
            body.GetProperty("deal").GetProperty("price_reason").GetString()));
        Assert.Equal("Pilotkunde", Assert.Single(body.GetProperty("history").EnumerateArray()).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_retainer_keeps_its_start_date_and_a_setup_has_none()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "WON");

        var retainer = await JsonAsync(await CreateAsync(lead, new { package = "RETAINER", starts_on = "2027-01-01", won = true }), HttpStatusCode.Created);
        var setup = await ProblemAsync(await CreateAsync(lead, new { package = "SETUP", starts_on = "2027-01-01" }), HttpStatusCode.UnprocessableEntity);

        var deal = retainer.GetProperty("deal");
        Assert.Equal(("RETAINER", 14900, "2027-01-01", "WON"), (deal.GetProperty("package").GetString(), deal.GetProperty("amount_cents").GetInt32(),
            deal.GetProperty("starts_on").GetString(), deal.GetProperty("status").GetString()));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, deal.GetProperty("won_at").ValueKind);
        Assert.Contains("Retainer", Assert.Single(Errors(setup, "starts_on")));
        Assert.Equal(2, await DealCountAsync(lead));
    }

    [Fact]
    public async Task A_lost_lead_gets_no_deal_422_at_lead()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "LOST");

        var problem = await ProblemAsync(await CreateAsync(lead, new { package = "SETUP" }), HttpStatusCode.UnprocessableEntity);

        Assert.Contains("verloren", Assert.Single(Errors(problem, "lead")));
        Assert.Equal(0, await DealCountAsync(lead));
    }

    [Fact]
    public async Task An_unknown_package_gets_422_at_package()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");

        var problem = await ProblemAsync(await CreateAsync(lead, new { package = "PREMIUM" }), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(["Unbekanntes Paket „PREMIUM“. Erlaubt: SETUP, RETAINER."], Errors(problem, "package"));
        Assert.Equal(0, await DealCountAsync(lead));
    }

    [Fact]
    public async Task Bad_input_gets_a_german_message_per_field_and_stores_nothing()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");

        var missing = await ProblemAsync(await CreateAsync(lead, new { amount_cents = 0, starts_on = "1.1.2027", price_reason = new string('x', 301) }), HttpStatusCode.BadRequest);
        var unknownField = await ProblemAsync(await CreateAsync(lead, new { package = "SETUP", discount = 10 }), HttpStatusCode.BadRequest);
        var notJson = await ProblemAsync(await Host.TeamClient.PostAsync($"/api/leads/{lead}/deals", new StringContent("{", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest);
        var badId = await ProblemAsync(await Host.TeamClient.PostAsJsonAsync("/api/leads/kein-uuid/deals", new { package = "SETUP" }), HttpStatusCode.BadRequest);

        Assert.Equal(["amount_cents", "package", "price_reason", "starts_on"], missing.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("JJJJ-MM-TT", Assert.Single(Errors(missing, "starts_on")));
        Assert.Equal(["Dieses Feld gibt es nicht."], Errors(unknownField, "discount"));
        Assert.True(notJson.GetProperty("errors").EnumerateObject().Any());
        Assert.Equal(["Erwartet wird eine UUID."], Errors(badId, "lead_id"));
        Assert.Equal(0, await DealCountAsync(lead));
    }

    [Fact]
    public async Task An_unknown_lead_is_not_found_and_a_non_member_is_refused()
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin, "CALL_BOOKED");

        var unknown = await ProblemAsync(await CreateAsync(Guid.NewGuid(), new { package = "SETUP" }), HttpStatusCode.NotFound);
        await ProblemAsync(await AsNonMemberAsync(HttpMethod.Post, $"/api/leads/{lead}/deals", new { package = "SETUP" }), HttpStatusCode.Forbidden);
        var anonymous = await Host.Client.PostAsJsonAsync($"/api/leads/{lead}/deals", new { package = "SETUP" });

        Assert.Equal("Diesen Lead gibt es nicht.", unknown.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(0, await DealCountAsync(lead));
    }
}
