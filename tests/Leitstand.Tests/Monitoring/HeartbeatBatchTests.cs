using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Leitstand.Monitoring;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Leitstand.Tests.Monitoring;

/// <summary>
/// Heartbeats that arrive while another batch is being written go to the database together (group commit).
/// To make a batch form for sure, one writer is allowed and its first batch waits on a row lock the test holds.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class HeartbeatBatchTests(StackFixture stack) : MonitoringTestBase(stack)
{
    private IngestHeartbeat Ingest => Host.Services.GetRequiredService<IngestHeartbeat>();

    protected override void ConfigureSettings(Dictionary<string, string?> settings) => settings["Monitoring:HeartbeatWriters"] = "1";

    private static Heartbeat Ok() => new("heartbeat", "ok", "1.0.0", 60, null, null, 1, 0, 0, 12, 40, []);

    private Task<HeartbeatResult> SendAsync(string key, Heartbeat? heartbeat = null) =>
        Ingest.ExecuteAsync(key, heartbeat ?? Ok(), CancellationToken.None);

    /// <summary>Holds the agent's row lock, so the writer's batch that contains it waits in the database.</summary>
    private async Task<NpgsqlTransaction> LockAgentAsync(Guid agent)
    {
        var connection = await Stack.Admin.OpenConnectionAsync();
        var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("select 1 from agents where id = @agent for update", new { agent }, tx);
        return tx;
    }

    private async Task WaitUntilAWriterWaitsForTheLockAsync()
    {
        for (var i = 0; i < 800; i++) // up to 20 s: a busy machine starts the writer late
        {
            var waiting = await Crm.ScalarAsync<int>(Stack.Admin,
                "select count(*)::int from pg_stat_activity where wait_event_type = 'Lock' and query like '%ingest_heartbeats%'");
            if (waiting > 0) return;
            await Task.Delay(25);
        }
        throw new TimeoutException("no heartbeat writer waited for the lock");
    }

    private static async Task ReleaseAsync(NpgsqlTransaction tx)
    {
        var connection = tx.Connection!;
        await tx.RollbackAsync();
        await connection.DisposeAsync();
    }

    [Fact]
    public async Task Heartbeats_arriving_during_a_write_go_in_one_round_trip_and_each_gets_its_own_answer()
    {
        var blocker = await CreateAgentAsync();
        var agents = new List<(Guid Id, string Key)>();
        for (var i = 0; i < 20; i++) agents.Add(await CreateAgentAsync());

        var tx = await LockAgentAsync(blocker.Id);
        var first = SendAsync(blocker.Key);
        await WaitUntilAWriterWaitsForTheLockAsync();
        var queued = agents.Select(a => SendAsync(a.Key)).ToList();
        var unknown = SendAsync("lsa_" + new string('x', 40));
        await ReleaseAsync(tx);

        Assert.Equal(blocker.Id, Assert.IsType<HeartbeatResult.Accepted>(await first).AgentId);
        var answers = await Task.WhenAll(queued);
        Assert.Equal(agents.Select(a => a.Id), answers.Select(a => Assert.IsType<HeartbeatResult.Accepted>(a).AgentId));
        Assert.IsType<HeartbeatResult.UnknownKey>(await unknown);
        Assert.Equal(new HeartbeatWriteStatistics(RoundTrips: 2, Heartbeats: 22, LargestBatch: 21, SplitBatches: 0), Ingest.Statistics);
        Assert.Equal(20, await CountAsync(
            "select count(*)::int from agents a where a.id = any(@ids) and a.status = 'up' and (select count(*) from agent_heartbeats h where h.agent_id = a.id) = 1",
            new { ids = agents.Select(a => a.Id).ToArray() }));
    }

    [Fact]
    public async Task A_heartbeat_the_database_refuses_fails_alone_not_the_others_in_its_batch()
    {
        var blocker = await CreateAgentAsync();
        var good = await CreateAgentAsync();
        var bad = await CreateAgentAsync();

        var tx = await LockAgentAsync(blocker.Id);
        var first = SendAsync(blocker.Key);
        await WaitUntilAWriterWaitsForTheLockAsync();
        // The parser never lets such a kind through; here it stands for any heartbeat the database refuses.
        var refused = SendAsync(bad.Key, Ok() with { Kind = "gossip" });
        var accepted = SendAsync(good.Key);
        await ReleaseAsync(tx);

        await first;
        Assert.IsType<HeartbeatResult.Accepted>(await accepted);
        await Assert.ThrowsAsync<PostgresException>(() => refused);
        // Queued together, refused together, then written one by one.
        Assert.Equal(new HeartbeatWriteStatistics(RoundTrips: 2, Heartbeats: 2, LargestBatch: 1, SplitBatches: 1), Ingest.Statistics);
        Assert.Equal(1, await CountAsync("select count(*)::int from agent_heartbeats where agent_id = @id", new { id = good.Id }));
        Assert.Equal(0, await CountAsync("select count(*)::int from agent_heartbeats where agent_id = @id", new { id = bad.Id }));
    }

    [Fact]
    public async Task Concurrent_error_heartbeats_of_one_agent_are_counted_in_order_with_one_incident()
    {
        var agent = await CreateAgentAsync();
        var error = Ok() with { Status = "error", ErrorClass = "upstream_down", ErrorCode = "HTTP_503" };

        await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => SendAsync(agent.Key, error)));

        Assert.Equal(30, await Crm.ScalarAsync<int>(Stack.Admin, "select consecutive_errors from agents where id = @id", new { id = agent.Id }));
        Assert.Equal(30, await CountAsync(
            "select occurrences from incidents where agent_id = @id and error_class = 'upstream_down' and status = 'open'", new { id = agent.Id }));
        Assert.Equal(1, await CountAsync("select count(*)::int from incidents where agent_id = @id", new { id = agent.Id }));
    }

    [Fact]
    public async Task Queue_down_the_heartbeat_that_opens_an_incident_is_accepted_and_its_alert_waits_in_the_outbox()
    {
        var (agent, key) = await CreateAgentAsync();
        var closedPort = Leitstand.LocalHost.Stack.Processes.FreeTcpPort();
        var downStorage = Stack.Azurite.ConnectionString.Replace($":{Stack.Azurite.QueuePort}/", $":{closedPort}/", StringComparison.Ordinal);
        await using var hostWithoutQueue = await RunningHost.StartAsync(Stack, s => s["AzureWebJobsStorage"] = downStorage);

        var answer = await hostWithoutQueue.Services.GetRequiredService<IngestHeartbeat>().ExecuteAsync(key,
            Ok() with { Status = "error", ErrorClass = "upstream_down", ErrorCode = "HTTP_503" }, CancellationToken.None);

        Assert.Equal(agent, Assert.IsType<HeartbeatResult.Accepted>(answer).AgentId);
        const string Alert = "select count(*)::int from alerts a join outbox_messages o on o.id = a.id where a.kind = 'incident_opened' and (a.attributes->>'agent_id')::uuid = @agent";
        Assert.Equal(1, await CountAsync(Alert, new { agent }));
        // The send is tried after the answer; it fails, and the message stays for the ResendOutbox timer.
        for (var i = 0; i < 400 && await CountAsync(Alert + " and attempts > 0", new { agent }) == 0; i++) await Task.Delay(50);
        Assert.Equal(1, await CountAsync(Alert + " and sent_at is null and attempts > 0", new { agent }));
    }

    [Fact]
    public async Task Database_down_gets_503_with_retry_after_not_500()
    {
        var (_, key) = await CreateAgentAsync();
        var closedPort = Leitstand.LocalHost.Stack.Processes.FreeTcpPort();
        await using var hostWithoutDatabase = await RunningHost.StartAsync(Stack,
            s => s["Database:ConnectionString"] = $"Host=127.0.0.1;Port={closedPort};Username=leitstand_functions;Timeout=2");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/heartbeat") { Content = new StringContent("""{"status":"ok"}""", Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Agent-Key", key);

        var response = await hostWithoutDatabase.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        Assert.Contains("nicht erreichbar", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }
}
