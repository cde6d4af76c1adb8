using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Privacy;

/// <summary>The KPI board shows the same numbers before and after an erasure: the anonymous counts stay.</summary>
[Collection(StackCollection.Name)]
public sealed class EraseLeadKpiTests(StackFixture stack) : ErasureTestBase(stack)
{
    [Fact]
    public async Task The_KPI_board_of_the_week_and_of_the_months_is_identical_before_and_after()
    {
        var customer = await PersonAsync();
        var lost = await Crm.CreateLeadAsync(Admin, "LOST", name: "Lotte Verloren");
        var open = await Crm.CreateLeadAsync(Admin, "QUALIFIED", name: "Quirin Offen");
        var wonMonth = await ScalarAsync<string>("select to_char(won_at at time zone 'Europe/Berlin', 'YYYY-MM') from deals where id = @DealId", customer);
        string[] boards = ["/api/kpi", $"/api/kpi?month={Clock.GetUtcNow():yyyy-MM}", $"/api/kpi?month={wonMonth}", "/api/kpi?month=2025-10"];
        var before = new List<string>();
        foreach (var board in boards) before.Add(await BoardAsync(board));
        Assert.Contains("\"one_time_cents\":149000", before[2]);
        Assert.Contains("\"utm_source\":\"instagram\"", before[2]);
        Assert.Contains("\"Zu teuer\"", before[1]); // the lost lead counted under its reason code's label

        foreach (var lead in new[] { customer.LeadId, lost, open }) Assert.Equal(HttpStatusCode.OK, (await EraseAsync(lead)).StatusCode);

        for (var i = 0; i < 3; i++) Assert.Equal(before[i], await BoardAsync(boards[i]));
        // The kept figures of October 2025 named her in a free-text lost reason: the same numbers, her name replaced.
        Assert.Equal(Normalised(before[3]).Replace(customer.Name, "Gelöscht (Art. 17)", StringComparison.Ordinal), Normalised(await BoardAsync(boards[3])));
    }

    private static string Normalised(string json) =>
        JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private async Task<string> BoardAsync(string path)
    {
        var response = await Host.TeamClient.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
