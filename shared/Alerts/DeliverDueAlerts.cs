using Dapper;
using Leitstand.Alerts.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Leitstand.Alerts;

/// <summary>
/// Sends every delivery that is due, on every enabled channel: claims them in the database (state
/// "sending", committed before anything goes out), sends each message through its channel's resilience
/// pipeline, and records the outcome right after (delivered, or the next attempt scheduled in the
/// database, or failed). A crash between the two writes leaves "sending", which is claimed again after
/// Alerts__SendingTimeoutSeconds: at least once, and the webhook's stable webhook-id lets a receiver drop
/// the repeat. Channels run side by side, so one failing or slow channel never blocks, delays or repeats
/// the others; within a channel messages go one after the other at the provider's pace.
/// </summary>
public sealed class DeliverDueAlerts(NpgsqlDataSource db, AlertChannels channels, AlertOutbox outbox, AcknowledgeLink ackLinks,
    AlertSettings settings, TimeProvider clock, ILogger<DeliverDueAlerts> log)
{
    private const int ClaimLimit = 200;
    private const int MaxRounds = 20;
    /// <summary>Messages of one channel in flight at once within a run (the queue's batchSize, host.json).</summary>
    private const int ParallelSendsPerChannel = 16;

    private const string ClaimSql = """
        select batch_id as batchid, channel, alert_id as alertid, kind, severity, dedupe_key as dedupekey,
               subject_type as subjecttype, subject_id as subjectid, title, body, link, occurred_at as occurredat,
               incident_open as incidentopen
        from public.claim_alert_deliveries(@At, @Channels, make_interval(secs => @SendingTimeoutSeconds), @Limit)
        """;

    private const string TouchSql = """
        update public.alert_deliveries set sending_since = @At where batch_id = @Batch and state = 'sending'
        """;

    private const string FinishSql = """
        select public.finish_alert_batch(@Batch, @Outcome, @Error, make_interval(secs => @RetryAfterSeconds), @At,
                                         make_interval(mins => @GiveUpMinutes), @Queue)
        """;

    // Kinds about an open incident carry the acknowledge link.
    private static readonly HashSet<string> Acknowledgeable = ["incident_opened", "incident_reminder", "incident_unacknowledged", "incident_escalated"];

    /// <summary>Sends what is due now; returns the messages sent per outcome.</summary>
    public async Task<DeliveryRun> ExecuteAsync(CancellationToken ct)
    {
        var enabled = channels.Enabled;
        var run = new DeliveryRun(0, 0, 0);
        if (enabled.Count == 0) return run;
        for (var round = 0; round < MaxRounds; round++)
        {
            List<ClaimedRow> rows;
            await using (var connection = await db.OpenConnectionAsync(ct))
            {
                rows = (await connection.QueryAsync<ClaimedRow>(new CommandDefinition(ClaimSql, new
                {
                    At = clock.GetUtcNow().UtcDateTime,
                    Channels = enabled.ToArray(),
                    settings.SendingTimeoutSeconds,
                    Limit = ClaimLimit,
                }, cancellationToken: ct))).ToList();
            }
            if (rows.Count == 0) break;

            var results = await Task.WhenAll(rows.GroupBy(r => r.Channel).Select(c => SendChannelAsync(c.Key, c.ToList(), ct)));
            foreach (var r in results) run = run with { Delivered = run.Delivered + r.Delivered, Retrying = run.Retrying + r.Retrying, Failed = run.Failed + r.Failed };
            if (rows.Count < ClaimLimit) break;
        }
        return run;
    }

    private async Task<DeliveryRun> SendChannelAsync(string key, List<ClaimedRow> rows, CancellationToken ct)
    {
        var channel = channels.Get(key);
        int delivered = 0, retrying = 0, failed = 0;
        // A channel's messages go out side by side (a claim can hold hundreds after an outage or in a storm);
        // the channel's rate limiter still keeps the provider's pace, whatever the number in flight.
        await Parallel.ForEachAsync(rows.GroupBy(r => r.BatchId), new ParallelOptions { MaxDegreeOfParallelism = ParallelSendsPerChannel, CancellationToken = ct },
            async (batch, token) =>
            {
                switch (await SendBatchAsync(channel, batch.Key, batch.ToList(), token))
                {
                    case "delivered": Interlocked.Increment(ref delivered); break;
                    case "permanent": Interlocked.Increment(ref failed); break;
                    case "transient": Interlocked.Increment(ref retrying); break;
                }
            });
        return new DeliveryRun(delivered, retrying, failed);
    }

    /// <returns>"delivered", "transient", "permanent", or null when another run had taken the batch over.</returns>
    private async Task<string?> SendBatchAsync(ResilientChannel channel, Guid batchId, List<ClaimedRow> rows, CancellationToken ct)
    {
        // Written right before the send (the claim may have waited behind other messages of this channel):
        // the clock of the "sending" timeout starts now, and a batch that another run has taken over
        // meanwhile (0 rows) is not sent a second time.
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            if (await connection.ExecuteAsync(new CommandDefinition(TouchSql, new { Batch = batchId, At = clock.GetUtcNow().UtcDateTime }, cancellationToken: ct)) == 0)
                return null;
        }
        var outcome = await channel.SendAsync(new OutgoingMessage(batchId, rows.Select(Render).ToList()), ct);
        var (name, error, retryAfter) = outcome switch
        {
            SendOutcome.Delivered => ("delivered", null, null),
            SendOutcome.Permanent p => ("permanent", p.Error, null),
            SendOutcome.Transient t => ("transient", t.Error, (double?)t.RetryAfter?.TotalSeconds),
            _ => ("transient", "unknown outcome", (double?)null),
        };
        Guid[] failedAlerts;
        // The outcome is recorded even if the caller is being stopped: the message went out (or not).
        await using (var connection = await db.OpenConnectionAsync(CancellationToken.None))
        {
            failedAlerts = await connection.ExecuteScalarAsync<Guid[]>(new CommandDefinition(FinishSql, new
            {
                Batch = batchId,
                Outcome = name,
                Error = error,
                RetryAfterSeconds = retryAfter,
                At = clock.GetUtcNow().UtcDateTime,
                settings.GiveUpMinutes,
                Queue = outbox.Queue,
            })) ?? [];
        }
        if (failedAlerts.Length > 0)
        {
            log.LogWarning("Alert channel {Channel} failed for good ({Error}); the other channels are told", channel.Key, error);
            await outbox.DispatchAsync(failedAlerts);
        }
        return name;
    }

    private OutgoingAlert Render(ClaimedRow row) => new(
        row.AlertId, row.Kind, row.Severity, row.DedupeKey, row.SubjectType, row.SubjectId ?? Guid.Empty,
        row.Title, row.Body, StatusCenterLink(row.Link),
        row.IncidentOpen && row.SubjectId is { } incident && Acknowledgeable.Contains(row.Kind) ? ackLinks.For(incident) : null,
        row.OccurredAt);

    private Uri StatusCenterLink(string link) => new(new Uri(settings.StatusCenterUrl), link);

    private sealed record ClaimedRow(Guid BatchId, string Channel, Guid AlertId, string Kind, string Severity, string DedupeKey,
        string SubjectType, Guid? SubjectId, string Title, string Body, string Link, DateTime OccurredAt, bool IncidentOpen);
}

/// <summary>Messages of one delivery run: delivered, scheduled again (transient) and failed for good (permanent).</summary>
public sealed record DeliveryRun(int Delivered, int Retrying, int Failed);
