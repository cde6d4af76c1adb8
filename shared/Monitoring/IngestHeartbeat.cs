using System.Text.Json;
using Dapper;
using Leitstand.Outbox;
using Leitstand.Pipeline;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>One heartbeat, one round trip: public.ingest_heartbeat does the bookkeeping and returns pending commands.</summary>
public sealed class IngestHeartbeat(NpgsqlDataSource db, OutboxDispatcher dispatcher, PipelineSettings pipeline,
    MonitoringSettings settings, TimeProvider clock)
{
    private const string Sql = """
        select public.ingest_heartbeat(@KeyHash, @Kind, @Status, @At, @Version, @Uptime, @ErrorClass, @ErrorCode,
          @Messages, @Failed, @QueueDepth, @P50, @P95, @Ack, @Queue, @AutoRestarts)::text
        """;

    public async Task<HeartbeatResult> ExecuteAsync(string agentKey, Heartbeat heartbeat, CancellationToken ct)
    {
        string json;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            json = await connection.ExecuteScalarAsync<string>(new CommandDefinition(Sql, new
            {
                KeyHash = AgentKeys.Hash(agentKey),
                heartbeat.Kind,
                heartbeat.Status,
                At = clock.GetUtcNow().UtcDateTime,
                Version = heartbeat.AgentVersion,
                Uptime = heartbeat.UptimeSeconds,
                heartbeat.ErrorClass,
                heartbeat.ErrorCode,
                Messages = heartbeat.MessagesHandled,
                Failed = heartbeat.FailedRuns,
                heartbeat.QueueDepth,
                P50 = heartbeat.LatencyP50Ms,
                P95 = heartbeat.LatencyP95Ms,
                Ack = heartbeat.AckCommands,
                Queue = pipeline.AlertsQueue,
                AutoRestarts = settings.AutoRestartsPerHour,
            }, cancellationToken: ct)) ?? "{}";
        }

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var result = root.GetProperty("result").GetString()!;
        if (result == "unknown") return new HeartbeatResult.UnknownKey();

        var alerts = root.GetProperty("alerts").EnumerateArray().Select(a => a.GetGuid()).ToArray();
        if (alerts.Length > 0) await dispatcher.DispatchAsync(alerts, alerts.Length, CancellationToken.None);
        var commands = root.GetProperty("commands").EnumerateArray()
            .Select(c => new AgentCommand(c.GetProperty("id").GetGuid(), c.GetProperty("kind").GetString()!,
                c.GetProperty("requestedAt").GetDateTime().ToUniversalTime(),
                c.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null))
            .ToArray();
        return new HeartbeatResult.Accepted(root.GetProperty("agentId").GetGuid(), root.GetProperty("agentStatus").GetString()!, commands);
    }
}

public sealed record AgentCommand(Guid Id, string Kind, DateTime RequestedAt, string? Reason);

public abstract record HeartbeatResult
{
    public sealed record Accepted(Guid AgentId, string AgentStatus, IReadOnlyList<AgentCommand> Commands) : HeartbeatResult;
    public sealed record UnknownKey : HeartbeatResult;
}
