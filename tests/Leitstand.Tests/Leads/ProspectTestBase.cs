using System.Net.Http.Json;
using System.Text.Json;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Leads;

/// <summary>A host on a weekday clock (a prospect added on a weekend gets its first contact on Monday) for the prospect and touchpoint tests.</summary>
public abstract class ProspectTestBase(StackFixture stack) : IAsyncLifetime
{
    protected StackFixture Stack { get; } = stack;
    protected ManualClock Clock { get; } = Prospects.WeekdayClock();
    protected RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await RunningHost.StartAsync(Stack, options: o => o with { ConfigureServices = s => s.AddSingleton<TimeProvider>(Clock) });

    public async Task DisposeAsync() => await Host.DisposeAsync();

    protected Task<int> CountAsync(string sql, object param) => Crm.ScalarAsync<int>(Stack.Admin, sql, param);

    protected static async Task<JsonElement> BodyAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}
