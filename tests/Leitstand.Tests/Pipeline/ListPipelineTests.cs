using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Pipeline;

/// <summary>
/// GET /api/pipeline: a column per stage with its leads, their age in the stage and the moves allowed from it.
/// The board reads the whole database; each column shows the most recently moved leads first, so the leads a
/// test has just created are at the top of their column whatever other tests left behind. The host's clock is
/// set by the test (the age in stage and the 30 days of WON and LOST are counted from it).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ListPipelineTests(StackFixture stack) : IAsyncLifetime
{
    private static readonly string[] Stages = ["NEW", "CONTACTED", "REPLIED", "QUALIFIED", "CALL_BOOKED", "WON", "LOST"];
    private readonly ManualClock _clock = ManualClock.StartingNow();
    private RunningHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await RunningHost.StartAsync(stack, options: o => o with { ConfigureServices = s => s.AddSingleton<TimeProvider>(_clock) });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonElement> BoardAsync()
    {
        var response = await _host.TeamClient.GetAsync("/api/pipeline");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static JsonElement Column(JsonElement board, string stage) =>
        board.GetProperty("stages").EnumerateArray().Single(c => c.GetProperty("stage").GetString() == stage);

    private static JsonElement? Card(JsonElement board, string stage, Guid lead) =>
        Column(board, stage).GetProperty("leads").EnumerateArray().Where(l => l.GetProperty("id").GetGuid() == lead).Cast<JsonElement?>().SingleOrDefault();

    private Task<DateTime> StageChangedAtAsync(Guid lead) =>
        Crm.ScalarAsync<DateTime>(stack.Admin, "select stage_changed_at from leads where id = @lead", new { lead });

    [Fact]
    public async Task Every_stage_is_a_column_in_pipeline_order_with_its_german_label_and_the_moves_the_transitions_table_allows()
    {
        var board = await BoardAsync();

        var columns = board.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(Stages, columns.Select(c => c.GetProperty("stage").GetString()));
        Assert.Equal(["Neu", "Kontaktiert", "Geantwortet", "Qualifiziert", "Call gebucht", "Gewonnen", "Verloren"],
            columns.Select(c => c.GetProperty("label").GetString()));
        Assert.Equal(50, board.GetProperty("limit_per_stage").GetInt32());
        Assert.Equal(30, board.GetProperty("closed_within_days").GetInt32());

        await using var connection = await stack.Admin.OpenConnectionAsync();
        var table = (await connection.QueryAsync<(string From, string To, string Meaning)>(
            "select from_stage::text, to_stage::text, meaning from lead_stage_transitions")).ToHashSet();
        var shown = columns.SelectMany(c => c.GetProperty("moves").EnumerateArray()
            .Select(m => (c.GetProperty("stage").GetString()!, m.GetProperty("to_stage").GetString()!, m.GetProperty("meaning").GetString()!))).ToHashSet();
        Assert.Equal(table, shown);

        var contacted = Column(board, "CONTACTED").GetProperty("moves").EnumerateArray()
            .Select(m => (m.GetProperty("to_stage").GetString(), m.GetProperty("label").GetString(), m.GetProperty("requires").GetString())).ToList();
        Assert.Equal([("REPLIED", "Geantwortet", null), ("CALL_BOOKED", "Call gebucht", "call_at"), ("LOST", "Verloren", "lost_reason")], contacted);
        var won = Column(board, "CALL_BOOKED").GetProperty("moves").EnumerateArray().Single(m => m.GetProperty("to_stage").GetString() == "WON");
        Assert.Equal(("Abschluss nach dem Call", "deal"), (won.GetProperty("meaning").GetString(), won.GetProperty("requires").GetString()));
        Assert.Empty(Column(board, "WON").GetProperty("moves").EnumerateArray());
    }

    [Fact]
    public async Task A_lead_shows_in_its_column_with_age_in_stage_call_time_open_tasks_and_deal_but_no_contact_details()
    {
        var name = $"Paula Pipeline {Guid.NewGuid():N}"[..24];
        var lead = await Crm.CreateLeadAsync(stack.Admin, "CALL_BOOKED", name, "Pipeline GmbH");
        var callAt = new DateTime(2030, 5, 6, 13, 30, 0, DateTimeKind.Utc);
        await using (var connection = await stack.Admin.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                update leads set source = 'instagram-outreach', handle_channel = 'instagram', handle = @handle, contact_basis = 'cold', call_at = @callAt where id = @lead;
                insert into tasks (lead_id, kind, title, due_at) values (@lead, 'call_prep', 'Call vorbereiten', now()), (@lead, 'follow_up', 'Nachfassen', now());
                insert into tasks (lead_id, kind, title, due_at, status, completed_at) values (@lead, 'follow_up', 'Erledigt', now(), 'DONE', now());
                insert into deals (lead_id, package, amount_cents) values (@lead, 'SETUP', 149000);
                """, new { lead, callAt, handle = $"paula{Guid.NewGuid():N}"[..20] });
        _clock.Set(await StageChangedAtAsync(lead) + TimeSpan.FromHours(50.5));

        var board = await BoardAsync();

        var card = Card(board, "CALL_BOOKED", lead) ?? throw new Xunit.Sdk.XunitException("The lead is not in its column.");
        Assert.Equal(name, card.GetProperty("name").GetString());
        Assert.Equal("Pipeline GmbH", card.GetProperty("company").GetString());
        Assert.Equal("instagram-outreach", card.GetProperty("source").GetString());
        Assert.Equal("instagram", card.GetProperty("handle_channel").GetString());
        Assert.Equal("cold", card.GetProperty("contact_basis").GetString());
        Assert.Equal("CALL_BOOKED", card.GetProperty("stage").GetString());
        Assert.Equal(50, card.GetProperty("hours_in_stage").GetInt32());
        Assert.Equal(callAt, card.GetProperty("call_at").GetDateTime().ToUniversalTime());
        Assert.Equal(2, card.GetProperty("open_tasks").GetInt32());
        Assert.True(card.GetProperty("has_deal").GetBoolean());
        Assert.True(card.TryGetProperty("stage_changed_at", out _));
        foreach (var personal in new[] { "email", "phone", "handle", "message" })
            Assert.False(card.TryGetProperty(personal, out _), $"the board shows {personal}");
        Assert.Equal(lead, Column(board, "CALL_BOOKED").GetProperty("leads")[0].GetProperty("id").GetGuid());
        foreach (var other in Stages.Where(s => s != "CALL_BOOKED"))
            Assert.Null(Card(board, other, lead));
    }

    [Fact]
    public async Task Won_and_lost_leads_show_for_thirty_days_after_they_got_there_and_open_stages_for_ever()
    {
        var recentLost = await Crm.CreateLeadAsync(stack.Admin, "LOST");
        var oldLost = await Crm.CreateLeadAsync(stack.Admin, "LOST");
        var recentWon = await Crm.CreateLeadAsync(stack.Admin, "WON");
        var oldWon = await Crm.CreateLeadAsync(stack.Admin, "WON");
        var oldOpen = await Crm.CreateLeadAsync(stack.Admin, "QUALIFIED");
        _clock.Set(DateTimeOffset.UtcNow);
        await using (var connection = await stack.Admin.OpenConnectionAsync())
            await connection.ExecuteAsync("update leads set stage_changed_at = @at where id = any(@ids)",
                new { at = _clock.GetUtcNow().UtcDateTime.AddDays(-31), ids = new[] { oldLost, oldWon, oldOpen } });
        var qualified = await Crm.CreateLeadAsync(stack.Admin, "QUALIFIED");

        var board = await BoardAsync();

        Assert.NotNull(Card(board, "LOST", recentLost));
        Assert.NotNull(Card(board, "WON", recentWon));
        Assert.Null(Card(board, "LOST", oldLost));
        Assert.Null(Card(board, "WON", oldWon));
        Assert.NotNull(Card(board, "QUALIFIED", qualified));
        Assert.Equal(await Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from leads where stage = 'QUALIFIED'"),
            Column(board, "QUALIFIED").GetProperty("total").GetInt32());
        Assert.Equal(await Crm.ScalarAsync<int>(stack.Admin, "select count(*)::int from leads where stage = 'LOST' and stage_changed_at >= @since",
            new { since = _clock.GetUtcNow().UtcDateTime.AddDays(-30) }), Column(board, "LOST").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_column_shows_at_most_fifty_leads_the_most_recently_moved_first_and_says_it_has_more()
    {
        var leads = new List<Guid>();
        try
        {
            for (var i = 0; i < 51; i++) leads.Add(await Crm.CreateLeadAsync(stack.Admin, "REPLIED", $"Viele {i:00}"));
            _clock.Set(DateTimeOffset.UtcNow);

            var column = Column(await BoardAsync(), "REPLIED");

            var shown = column.GetProperty("leads").EnumerateArray().ToList();
            Assert.Equal(50, shown.Count);
            Assert.True(column.GetProperty("total").GetInt32() >= 51);
            Assert.True(column.GetProperty("truncated").GetBoolean());
            Assert.Equal(Enumerable.Reverse(leads).Take(50), shown.Select(l => l.GetProperty("id").GetGuid()));
            var times = shown.Select(l => l.GetProperty("stage_changed_at").GetDateTime()).ToList();
            Assert.Equal(times.OrderDescending(), times);
        }
        finally
        {
            await using var connection = await stack.Admin.OpenConnectionAsync();
            await connection.ExecuteAsync("delete from leads where id = any(@leads)", new { leads = leads.ToArray() });
        }
    }

    [Fact]
    public async Task A_signed_in_user_who_is_not_a_team_member_gets_403_and_no_leads()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/pipeline");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await TestIssuer.Shared).Token(Guid.NewGuid()));

        var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("leads", await response.Content.ReadAsStringAsync());
    }
}
