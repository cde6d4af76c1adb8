using Dapper;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Monitoring;

/// <summary>A host with a hand-moved clock, and agents created with known keys.</summary>
public abstract class MonitoringTestBase(StackFixture stack) : IAsyncLifetime
{
    protected StackFixture Stack { get; } = stack;
    protected ManualClock Clock { get; } = ManualClock.StartingNow();
    protected RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await RunningHost.StartAsync(Stack, ConfigureSettings, o => o with { ConfigureServices = s => s.AddSingleton<TimeProvider>(Clock) });

    /// <summary>Settings of the host for the tests of a class (none by default).</summary>
    protected virtual void ConfigureSettings(Dictionary<string, string?> settings) { }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    protected async Task<(Guid Id, string Key)> CreateAgentAsync(int intervalSeconds = 300, int graceSeconds = 600, int alertAfterErrors = 1)
    {
        var lead = await Crm.CreateLeadAsync(Stack.Admin);
        var key = AgentKeys.Generate();
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var id = await connection.ExecuteScalarAsync<Guid>("""
            insert into agents (lead_id, name, key_hash, key_prefix, expected_interval, grace_period, alert_after_errors)
            values (@lead, 'Testagent', @hash, @prefix, make_interval(secs => @intervalSeconds), make_interval(secs => @graceSeconds), @alertAfterErrors)
            returning id
            """, new { lead, hash = key.Hash, prefix = key.DisplayPrefix, intervalSeconds, graceSeconds, alertAfterErrors });
        return (id, key.Key);
    }

    protected Task<HeartbeatResult> BeatAsync(string key, string kind = "heartbeat", string status = "ok", string? errorClass = null, Guid[]? ack = null) =>
        Host.Services.GetRequiredService<IngestHeartbeat>().ExecuteAsync(key,
            new Heartbeat(kind, status, "1.0.0", 60, errorClass, errorClass is null ? null : "E_TEST", 1, 0, 0, 12, 40, ack ?? []), CancellationToken.None);

    protected Task<int> CheckAsync() => Host.Services.GetRequiredService<CheckAgents>().ExecuteAsync(CancellationToken.None);

    protected Task<string> StatusAsync(Guid agent) => Crm.ScalarAsync<string>(Stack.Admin, "select status::text from agents where id = @agent", new { agent });

    protected Task<int> CountAsync(string sql, object param) => Crm.ScalarAsync<int>(Stack.Admin, sql, param);
}
