using Azure.Storage.Queues;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Leitstand.Outbox;

/// <summary>
/// Sends pending outbox rows to their Azure Storage queues and marks them sent. Rows are claimed with
/// FOR UPDATE SKIP LOCKED, so the fast path after a commit and the re-send timer never send the same
/// row at the same time. Delivery is at least once (a crash between send and mark repeats a message);
/// consumers deduplicate by messageId.
/// </summary>
public sealed class OutboxDispatcher(NpgsqlDataSource db, QueueServiceClient queues, ILogger<OutboxDispatcher> log)
{
    private const int ParallelSends = 16;
    private readonly HashSet<string> _createdQueues = [];
    private readonly Lock _createdQueuesLock = new();

    private const string ClaimSql = """
        select id, queue, payload::text as payload, attempts
        from public.outbox_messages
        where sent_at is null and next_attempt_at <= now()
          and (@Ids::uuid[] is null or id = any(@Ids))
        order by created_at
        limit @Limit
        for update skip locked
        """;

    private const string MarkSentSql = """
        update public.outbox_messages set sent_at = now(), attempts = attempts + 1, last_error = null
        where id = any(@Ids) and sent_at is null
        """;

    // Back-off: 30 s, 1, 2, 4 … minutes, at most one hour between attempts.
    private const string MarkFailedSql = """
        update public.outbox_messages
        set attempts = attempts + 1,
            last_error = left(@Error, 500),
            next_attempt_at = now() + least(interval '1 hour', interval '30 seconds' * power(2, least(attempts, 12)))
        where id = any(@Ids) and sent_at is null
        """;

    /// <summary>Sends the given rows (or, with null, every due row up to <paramref name="limit"/>). Returns how many were sent.</summary>
    public async Task<OutboxDispatchResult> DispatchAsync(IReadOnlyCollection<Guid>? ids, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var rows = (await connection.QueryAsync<PendingRow>(new CommandDefinition(ClaimSql,
            new { Ids = ids?.ToArray(), Limit = limit }, tx, cancellationToken: ct))).ToList();

        var sent = new List<Guid>();
        var failed = new List<Guid>();
        string? lastError = null;
        // Side by side: a storm (40 incidents in one check, a timer catching up) reaches the queue in a few
        // round trips' time instead of one after the other. Messages carry their own order information.
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = ParallelSends, CancellationToken = ct }, async (row, token) =>
        {
            try
            {
                var queue = await GetQueueAsync(row.Queue, token);
                await queue.SendMessageAsync(row.Payload, token);
                lock (sent) sent.Add(row.Id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                lock (sent)
                {
                    failed.Add(row.Id);
                    lastError = $"{ex.GetType().Name}: {ex.Message}";
                }
                log.LogWarning("Outbox message {MessageId} for queue {Queue} not sent (attempt {Attempt}): {Error}",
                    row.Id, row.Queue, row.Attempts + 1, ex.Message);
            }
        });

        if (sent.Count > 0)
            await connection.ExecuteAsync(new CommandDefinition(MarkSentSql, new { Ids = sent.ToArray() }, tx, cancellationToken: ct));
        if (failed.Count > 0)
            await connection.ExecuteAsync(new CommandDefinition(MarkFailedSql, new { Ids = failed.ToArray(), Error = lastError }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new OutboxDispatchResult(sent.Count, failed.Count);
    }

    private async Task<QueueClient> GetQueueAsync(string name, CancellationToken ct)
    {
        var queue = queues.GetQueueClient(name);
        bool known;
        lock (_createdQueuesLock) known = _createdQueues.Contains(name);
        if (!known)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: ct);
            lock (_createdQueuesLock) _createdQueues.Add(name);
        }
        return queue;
    }

    private sealed record PendingRow(Guid Id, string Queue, string Payload, int Attempts);
}

public sealed record OutboxDispatchResult(int Sent, int Failed);
