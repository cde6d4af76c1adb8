using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Pipeline;

/// <summary>
/// GET /api/stages: the stage catalogue (public.lead_stages) as the status center gets it, one row per value of
/// public.lead_stage, in pipeline order, with the German labels every other answer uses.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ListLeadStagesTests(StackFixture stack) : IAsyncLifetime
{
    private RunningHost _host = null!;

    public async Task InitializeAsync() => _host = await RunningHost.StartAsync(stack);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_catalogue_lists_every_stage_in_pipeline_order_with_its_German_label()
    {
        var response = await _host.TeamClient.GetAsync("/api/stages");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stages = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stages").EnumerateArray()
            .Select(s => (s.GetProperty("code").GetString(), s.GetProperty("label").GetString(), s.GetProperty("position").GetInt32(), s.GetProperty("closed").GetBoolean()))
            .ToList();
        Assert.Equal([("NEW", "Neu", 1, false), ("CONTACTED", "Kontaktiert", 2, false), ("REPLIED", "Geantwortet", 3, false),
            ("QUALIFIED", "Qualifiziert", 4, false), ("CALL_BOOKED", "Call gebucht", 5, false), ("WON", "Gewonnen", 6, true), ("LOST", "Verloren", 7, true)], stages);

        await using var connection = await stack.Admin.OpenConnectionAsync();
        var enumValues = await connection.QueryAsync<string>("select s::text from unnest(enum_range(null::lead_stage)) s");
        Assert.Equal(enumValues, stages.Select(s => s.Item1));
    }

    [Fact]
    public async Task SQL_takes_the_labels_from_the_catalogue()
    {
        await using var connection = await stack.Admin.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("update lead_stages set label = 'Call vereinbart' where code = 'CALL_BOOKED'", transaction: tx);

        Assert.Equal("Call vereinbart", await connection.ExecuteScalarAsync<string>("select public.lead_stage_label('CALL_BOOKED')", transaction: tx));
        await tx.RollbackAsync();
    }
}
