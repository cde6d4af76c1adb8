using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Dapper;
using Leitstand.Outbox;
using Leitstand.Alerts;
using Leitstand.Platform;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>
/// Heartbeats into the database, at most one round trip each: public.ingest_heartbeat does the bookkeeping
/// and returns pending commands. Heartbeats that arrive while earlier ones are being written go together in
/// the next call of public.ingest_heartbeats (group commit). When it is quiet a heartbeat is written at once,
/// alone; under load a round trip carries many, which is what lets one small machine take thousands a second.
/// </summary>
public sealed class IngestHeartbeat(NpgsqlDataSource db, OutboxDispatcher dispatcher, AlertOutbox alerts,
    MonitoringSettings settings, TimeProvider clock, ILogger<IngestHeartbeat> log)
{
    // leitstand.alerts_queue (transaction-local): the queue of the "Agent verbunden" alert that the trigger on an
    // agent's first heartbeat writes (public.agents_connected_alert); same statement, no extra round trip.
    private const string Sql = """
        select public.ingest_heartbeats(@Items::jsonb, @Queue, @AutoRestarts)::text
        from (select set_config('leitstand.alerts_queue', @Queue, true)) q
        """;

    private readonly ConcurrentQueue<Pending> queue = new();
    private readonly int maxWriters = Math.Max(1, settings.HeartbeatWriters);
    private readonly int maxBatch = Math.Clamp(settings.HeartbeatBatchSize, 1, 1000);
    private int writers;
    private long roundTrips;
    private long written;
    private int largestBatch;
    private long splitBatches;

    /// <summary>What the writers did so far (benchmark and tests).</summary>
    public HeartbeatWriteStatistics Statistics => new(Interlocked.Read(ref roundTrips), Interlocked.Read(ref written),
        Volatile.Read(ref largestBatch), Interlocked.Read(ref splitBatches));

    public Task<HeartbeatResult> ExecuteAsync(string agentKey, Heartbeat heartbeat, CancellationToken ct)
    {
        var pending = new Pending(AgentKeys.Hash(agentKey), heartbeat, clock.GetUtcNow().UtcDateTime);
        queue.Enqueue(pending);
        if (TryEnterWriter()) _ = WriteAsync();
        // The heartbeat is written even if the caller stops waiting; it only gives up on the answer.
        return ct.CanBeCanceled ? pending.Completion.Task.WaitAsync(ct) : pending.Completion.Task;
    }

    private bool TryEnterWriter()
    {
        for (var current = Volatile.Read(ref writers); current < maxWriters; current = Volatile.Read(ref writers))
        {
            if (Interlocked.CompareExchange(ref writers, current + 1, current) == current) return true;
        }
        return false;
    }

    /// <summary>Writes batches until the queue is empty. Never throws: failures go to the waiting callers.</summary>
    private async Task WriteAsync()
    {
        var batch = new List<Pending>(maxBatch);
        while (true)
        {
            while (batch.Count < maxBatch && queue.TryDequeue(out var next)) batch.Add(next);
            if (batch.Count == 0)
            {
                Interlocked.Decrement(ref writers);
                // A heartbeat queued after the last look found every writer busy: take it on.
                if (queue.IsEmpty || !TryEnterWriter()) return;
                continue;
            }
            await WriteBatchAsync(batch);
            batch.Clear();
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        try
        {
            // Concurrent batches lock agents in the same order (no deadlocks between them); the sort is stable,
            // so one agent's heartbeats keep their order.
            var ordered = batch.Count == 1 ? batch : [.. batch.OrderBy(p => p.KeyHash, StringComparer.Ordinal)];
            var answers = await SendAsync(ordered);
            Interlocked.Increment(ref roundTrips);
            Interlocked.Add(ref written, ordered.Count);
            InterlockedMax(ref largestBatch, ordered.Count);

            var alerts = answers.OfType<HeartbeatResult.Accepted>().SelectMany(a => a.Alerts).ToArray();
            // The alerts are committed in the outbox with the heartbeats: a slow queue must not hold up the writer.
            if (alerts.Length > 0) _ = SendAlertsAsync(alerts);
            Complete(ordered, answers);
        }
        catch (PostgresException ex) when (batch.Count > 1 && !DatabaseOutage.Is(ex))
        {
            // One heartbeat the database refuses must not fail the others: each again on its own. (The database
            // going away fails them all at once, below: one by one would only meet it again.)
            Interlocked.Increment(ref splitBatches);
            foreach (var pending in batch) await WriteBatchAsync([pending]);
        }
        catch (Exception ex)
        {
            foreach (var pending in batch) pending.Completion.TrySetException(ex);
        }
    }

    private async Task SendAlertsAsync(Guid[] alerts)
    {
        try
        {
            await dispatcher.DispatchAsync(alerts, alerts.Length, CancellationToken.None);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "{Count} alerts not sent right away; the ResendOutbox timer retries", alerts.Length);
        }
    }

    /// <summary>
    /// Hands the answers to the waiting requests: all but the last on the thread pool, the last on this thread
    /// (the writer moves on after that request has answered). Alone, a heartbeat costs no extra thread switch.
    /// </summary>
    private static void Complete(List<Pending> batch, HeartbeatResult[] answers)
    {
        for (var i = 0; i < batch.Count - 1; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Completion.TrySetResult(state.Answer),
                (batch[i].Completion, Answer: answers[i]), preferLocal: false);
        }
        batch[^1].Completion.TrySetResult(answers[^1]);
    }

    private async Task<HeartbeatResult[]> SendAsync(List<Pending> batch)
    {
        string json;
        await using (var connection = await db.OpenConnectionAsync())
        {
            json = await connection.ExecuteScalarAsync<string>(new CommandDefinition(Sql, new
            {
                Items = ItemsJson(batch),
                Queue = alerts.Queue,
                AutoRestarts = settings.AutoRestartsPerHour,
            })) ?? "[]";
        }

        using var doc = JsonDocument.Parse(json);
        var answers = doc.RootElement.EnumerateArray().Select(Answer).ToArray();
        if (answers.Length != batch.Count)
            throw new InvalidOperationException($"ingest_heartbeats answered {answers.Length} times for {batch.Count} heartbeats");
        return answers;
    }

    private static HeartbeatResult Answer(JsonElement root)
    {
        if (root.GetProperty("result").GetString() == "unknown") return new HeartbeatResult.UnknownKey();
        var commands = root.GetProperty("commands").EnumerateArray()
            .Select(c => new AgentCommand(c.GetProperty("id").GetGuid(), c.GetProperty("kind").GetString()!,
                c.GetProperty("requestedAt").GetDateTime().ToUniversalTime(),
                c.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null))
            .ToArray();
        var alerts = root.GetProperty("alerts").EnumerateArray().Select(a => a.GetGuid()).ToArray();
        return new HeartbeatResult.Accepted(root.GetProperty("agentId").GetGuid(), root.GetProperty("agentStatus").GetString()!, commands, alerts);
    }

    /// <summary>The batch as public.ingest_heartbeats reads it (absent fields are NULL).</summary>
    private static string ItemsJson(List<Pending> batch)
    {
        using var buffer = new MemoryStream(256 * batch.Count);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var pending in batch)
            {
                var h = pending.Heartbeat;
                w.WriteStartObject();
                w.WriteString("key_hash", pending.KeyHash);
                w.WriteString("kind", h.Kind);
                // Microseconds, as PostgreSQL stores them (truncated like Npgsql does for a DateTime parameter).
                w.WriteString("at", pending.At.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
                if (h.Status is { } status) w.WriteString("status", status);
                if (h.AgentVersion is { } version) w.WriteString("version", version);
                if (h.UptimeSeconds is { } uptime) w.WriteNumber("uptime", uptime);
                if (h.ErrorClass is { } errorClass) w.WriteString("error_class", errorClass);
                if (h.ErrorCode is { } errorCode) w.WriteString("error_code", errorCode);
                if (h.MessagesHandled is { } messages) w.WriteNumber("messages", messages);
                if (h.FailedRuns is { } failed) w.WriteNumber("failed", failed);
                if (h.QueueDepth is { } depth) w.WriteNumber("queue_depth", depth);
                if (h.LatencyP50Ms is { } p50) w.WriteNumber("p50", p50);
                if (h.LatencyP95Ms is { } p95) w.WriteNumber("p95", p95);
                if (h.Restarts is { } restarts) w.WriteNumber("restarts", restarts);
                if (h.MemoryBytes is { } memory) w.WriteNumber("memory", memory);
                if (h.CpuSeconds is { } cpu) w.WriteNumber("cpu", cpu);
                if (h.AckCommands.Length > 0)
                {
                    w.WriteStartArray("ack");
                    foreach (var id in h.AckCommands) w.WriteStringValue(id);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current) return;
        }
    }

    private sealed record Pending(string KeyHash, Heartbeat Heartbeat, DateTime At)
    {
        public TaskCompletionSource<HeartbeatResult> Completion { get; } = new();
    }
}

/// <summary>Successful round trips, the heartbeats they carried, the largest batch, and batches split up after the database refused one of their heartbeats.</summary>
public sealed record HeartbeatWriteStatistics(long RoundTrips, long Heartbeats, int LargestBatch, long SplitBatches);

public sealed record AgentCommand(Guid Id, string Kind, DateTime RequestedAt, string? Reason);

public abstract record HeartbeatResult
{
    public sealed record Accepted(Guid AgentId, string AgentStatus, IReadOnlyList<AgentCommand> Commands, IReadOnlyList<Guid> Alerts) : HeartbeatResult;
    public sealed record UnknownKey : HeartbeatResult;
}
