using Dapper;
using Leitstand.Alerts;
using Leitstand.Monitoring;
using Leitstand.Outbox;
using Leitstand.Platform;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Leitstand.Pipeline;

/// <summary>
/// Acts on stage changes exactly once. Events are claimed with FOR UPDATE SKIP LOCKED (the earliest
/// open event per lead only, so a lead's changes are handled in order); the reactions and the
/// "processed" mark commit in one transaction, so the webhook and the timer, or two deliveries of the
/// same webhook, never act twice. The reactions are state rules and live in SQL
/// (public.process_pipeline_events, set-based over the whole batch); this class does the I/O around them:
/// claiming, agent keys, marking processed or failed, and sending the alerts after the commit.
/// </summary>
public sealed partial class ProcessPipelineEvents(NpgsqlDataSource db, OutboxDispatcher dispatcher, PipelineSettings settings,
    AlertOutbox alerts, AgentKeys agentKeys, ILogger<ProcessPipelineEvents> log)
{
    private const int MaxBatchesPerRun = 50;

    /// <summary>Processes every pending event (in batches); returns how many were processed.</summary>
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        var total = 0;
        for (var batch = 0; batch < MaxBatchesPerRun; batch++)
        {
            var (processed, messages) = await ProcessBatchAsync(ct);
            if (messages.Count > 0) await dispatcher.DispatchAsync(messages, messages.Count, CancellationToken.None);
            total += processed;
            if (processed == 0) break;
        }
        if (total > 0) log.LogInformation("Processed {Count} pipeline events", total);
        return total;
    }

    private async Task<(int Processed, IReadOnlyList<Guid> Messages)> ProcessBatchAsync(CancellationToken ct)
    {
        long[] ids = [];
        try
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var events = (await connection.QueryAsync<ClaimedEvent>(new CommandDefinition(ClaimSql,
                new { settings.MaxAttempts, Limit = settings.BatchSize }, tx, cancellationToken: ct))).ToList();
            if (events.Count == 0) return (0, []);
            ids = events.Select(e => e.Id).ToArray();

            // The rules run in SQL (public.process_pipeline_events); here only what SQL cannot do: a new
            // agent key per won deal, hashed and sealed for its one-time handover.
            var won = events.Where(e => e.ToStage == "WON").Select(e => e.Id).ToArray();
            var newKeys = won.Select(_ => AgentKeys.Generate()).ToArray();
            var messages = await connection.ExecuteScalarAsync<Guid[]>(new CommandDefinition(ProcessSql, new
            {
                Ids = ids,
                settings.LostRetentionDays,
                alerts.Queue,
                WonIds = won,
                Hashes = newKeys.Select(k => k.Hash).ToArray(),
                Prefixes = newKeys.Select(k => k.DisplayPrefix).ToArray(),
                Sealed = newKeys.Select(k => agentKeys.Seal(k.Key)).ToArray(),
            }, tx, cancellationToken: ct)) ?? [];
            await connection.ExecuteAsync(new CommandDefinition(MarkProcessedSql, new { Ids = ids }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
            return (events.Count, messages);
        }
        catch (Exception ex) when (ids.Length > 0 && ex is not OperationCanceledException && !DatabaseOutage.Is(ex, ct))
        {
            // An event that failed counts an attempt. The database going away is not the event's failure: the
            // transaction is gone with the claim, the events stay pending, and the exception goes to the caller.
            log.LogError(ex, "Pipeline events {Ids} failed", string.Join(",", ids));
            await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
            await connection.ExecuteAsync(MarkFailedSql, new { Ids = ids, Error = $"{ex.GetType().Name}: {ex.Message}" });
            throw;
        }
    }

    private sealed record ClaimedEvent(long Id, Guid LeadId, string ToStage);
}
