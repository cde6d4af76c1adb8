using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Tasks;

/// <summary>Rule "calls today or tomorrow": the call preparation, if not already there.</summary>
[Collection(StackCollection.Name)]
public sealed class CallPrepRuleTests(StackFixture stack) : TasksTestBase(stack)
{
    private static readonly DateTime Morning = Local(2024, 3, 13, 5);

    [Fact]
    public async Task A_call_tomorrow_gets_its_preparation_once_whichever_path_comes_first()
    {
        var lead = await LeadAsync("CALL_BOOKED", Local(2024, 3, 10, 10), name: "Stefan Krüger", callAt: Local(2024, 3, 14, 14));

        var result = await GenerateAsync(Morning);
        Assert.Equal(1, result.Created["call_prep"]);
        var prep = Assert.Single(await TasksOfAsync(lead));
        Assert.Equal(("Call mit Stefan Krüger vorbereiten", Local(2024, 3, 14, 12)), (prep.Title, prep.DueAt));

        await ProcessEventsAsync();
        await GenerateAsync(Morning.AddHours(4));

        Assert.Single(await TasksOfAsync(lead), t => t.Kind == "call_prep");
    }

    [Fact]
    public async Task A_call_later_than_tomorrow_is_prepared_later()
    {
        var lead = await LeadAsync("CALL_BOOKED", Local(2024, 3, 10, 10), callAt: Local(2024, 3, 15, 9));

        await GenerateAsync(Morning);

        Assert.Empty(await TasksOfAsync(lead));
    }

    [Fact]
    public async Task A_moved_call_takes_its_open_preparation_along()
    {
        var lead = await LeadAsync("CALL_BOOKED", Local(2024, 3, 10, 10), callAt: Local(2024, 3, 13, 16));
        await GenerateAsync(Morning);
        await ExecuteAsync("update leads set call_at = @at where id = @lead", new { lead, at = Local(2024, 3, 14, 11) });

        var result = await GenerateAsync(Morning.AddHours(2));

        Assert.Equal(1, result.Created["call_prep_moved"]);
        Assert.Equal(Local(2024, 3, 14, 9), Assert.Single(await TasksOfAsync(lead)).DueAt);
    }
}
