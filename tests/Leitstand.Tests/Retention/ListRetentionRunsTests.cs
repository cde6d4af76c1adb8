using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Leitstand.Retention;
using Leitstand.Tests.Fixtures;
using Leitstand.Tests.Kpi;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Retention;

/// <summary>GET /api/retention/runs: the latest runs with their counts per rule, newest first; team members only.</summary>
[Collection(StackCollection.Name)]
public sealed class ListRetentionRunsTests(StackFixture stack) : KpiTestBase(stack)
{
    [Fact]
    public async Task The_runs_come_newest_first_with_their_counts_and_periods()
    {
        await ExecuteAsync("""
            insert into leads (name, handle_channel, handle, contact_basis, created_at, stage_changed_at)
            values ('Nora Kalt', 'instagram', 'nora.kalt', 'cold', '2024-06-01', '2024-06-01')
            """);
        Clock.Set(Local(2024, 12, 30, 4));
        await Host.Services.GetRequiredService<ApplyRetention>().ExecuteAsync(CancellationToken.None);
        Clock.Set(Local(2024, 12, 31, 4));
        await Host.Services.GetRequiredService<ApplyRetention>().ExecuteAsync(CancellationToken.None);

        using var response = await Host.TeamClient.GetAsync("/api/retention/runs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var runs = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("runs");
        Assert.Equal(2, runs.GetArrayLength());
        Assert.Equal([0, 1], runs.EnumerateArray().Select(r => r.GetProperty("counts").GetProperty("uncontacted_prospects").GetInt32()));
        Assert.True(runs[0].GetProperty("run_at").GetDateTime() > runs[1].GetProperty("run_at").GetDateTime());
        Assert.Equal(3, runs[0].GetProperty("periods").GetProperty("uncontacted_prospect_months").GetInt32());
    }

    [Fact]
    public async Task Without_a_token_it_is_401_and_for_a_non_member_403()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.Client.GetAsync("/api/retention/runs")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/retention/runs");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await TestIssuer.Shared).Token(Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.Client.SendAsync(request)).StatusCode);
    }
}
