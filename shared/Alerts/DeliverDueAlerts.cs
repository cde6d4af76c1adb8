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

    // Whether a kind's messages carry the acknowledge link is the catalogue's (public.alert_kinds); the link is
    // only offered while the incident is still open. (A subquery, not a join: the claim's order stays.)
    private const string ClaimSql = """
        select c.batch_id as batchid, c.channel, c.alert_id as alertid, c.kind, c.severity, c.dedupe_key as dedupekey,
               c.subject_type as subjecttype, c.subject_id as subjectid, c.title, c.body, c.link, c.occurred_at as occurredat,
               c.incident_open and (select k.acknowledge_link from public.alert_kinds k where k.kind = c.kind) as acknowledgeable
        from public.claim_alert_deliveries(@At, @Channels, make_interval(secs => @SendingTimeoutSeconds), @Limit) c
        """;

    // Right before the sends (the claim may have waited behind other messages of this channel): the clock of
    // the "sending" timeout starts now. Compare-and-set on the claim's time: a message that another run has
    // claimed again meanwhile (its "sending" looked stale) is left to that run, not sent twice.
    private const string TouchSql = """
        update public.alert_deliveries set sending_since = @At
        where batch_id = any(@Batches) and state = 'sending' and sending_since = @ClaimedAt
        returning batch_id
        """;

    private const string FinishSql = """
        select public.finish_alert_batches(@Batches, @Outcomes, @Errors, @RetryAfterSeconds, @At,
                                           make_interval(mins => @GiveUpMinutes), @Queue)
        """;

    /// <summary>Sends what is due now; returns the messages sent per outcome.</summary>
    public async Task<DeliveryRun> ExecuteAsync(CancellationToken ct)
    {
        var enabled = channels.Enabled;
        var run = new DeliveryRun(0, 0, 0);
        if (enabled.Count == 0) return run;
        for (var round = 0; round < MaxRounds; round++)
        {
            List<ClaimedRow> rows;
            var claimedAt = clock.GetUtcNow().UtcDateTime;
            await using (var connection = await db.OpenConnectionAsync(ct))
            {
                rows = (await connection.QueryAsync<ClaimedRow>(new CommandDefinition(ClaimSql, new
                {
                    At = claimedAt,
                    Channels = enabled.ToArray(),
                    settings.SendingTimeoutSeconds,
                    Limit = ClaimLimit,
                }, cancellationToken: ct))).ToList();
            }
            if (rows.Count == 0) break;

            var results = await Task.WhenAll(rows.GroupBy(r => r.Channel).Select(c => SendChannelAsync(c.Key, c.ToList(), claimedAt, ct)));
            foreach (var r in results) run = run with { Delivered = run.Delivered + r.Delivered, Retrying = run.Retrying + r.Retrying, Failed = run.Failed + r.Failed };
            if (rows.Count < ClaimLimit) break;
        }
        return run;
    }

    /// <summary>
    /// A channel's messages, up to <see cref="ParallelSendsPerChannel"/> side by side (the channel's rate limiter
    /// still keeps the provider's pace): the log is written for each such wave before its sends (one statement)
    /// and after them (one statement), so a crash leaves at most one wave "sending".
    /// </summary>
    private async Task<DeliveryRun> SendChannelAsync(string key, List<ClaimedRow> rows, DateTime claimedAt, CancellationToken ct)
    {
        var channel = channels.Get(key);
        var run = new DeliveryRun(0, 0, 0);
        foreach (var wave in rows.GroupBy(r => r.BatchId).Chunk(ParallelSendsPerChannel))
        {
            HashSet<Guid> mine;
            await using (var connection = await db.OpenConnectionAsync(ct))
            {
                mine = [.. await connection.QueryAsync<Guid>(new CommandDefinition(TouchSql,
                    new { Batches = wave.Select(b => b.Key).ToArray(), At = clock.GetUtcNow().UtcDateTime, ClaimedAt = claimedAt }, cancellationToken: ct))];
            }
            var batches = wave.Where(b => mine.Contains(b.Key)).ToList();
            if (batches.Count == 0) continue;
            var outcomes = await Task.WhenAll(batches.Select(b => channel.SendAsync(new OutgoingMessage(b.Key, b.Select(Render).ToList()), ct)));
            var names = outcomes.Select(o => o switch
            {
                SendOutcome.Delivered => "delivered",
                SendOutcome.Permanent => "permanent",
                _ => "transient",
            }).ToArray();

            Guid[] failedAlerts;
            // The outcome is recorded even if the caller is being stopped: the messages went out (or not).
            await using (var connection = await db.OpenConnectionAsync(CancellationToken.None))
            {
                failedAlerts = await connection.ExecuteScalarAsync<Guid[]>(new CommandDefinition(FinishSql, new
                {
                    Batches = batches.Select(b => b.Key).ToArray(),
                    Outcomes = names,
                    Errors = outcomes.Select(o => o switch { SendOutcome.Permanent p => p.Error, SendOutcome.Transient t => t.Error, _ => null }).ToArray(),
                    RetryAfterSeconds = outcomes.Select(o => o is SendOutcome.Transient { RetryAfter: { } after } ? after.TotalSeconds : (double?)null).ToArray(),
                    At = clock.GetUtcNow().UtcDateTime,
                    settings.GiveUpMinutes,
                    Queue = outbox.Queue,
                })) ?? [];
            }
            if (failedAlerts.Length > 0)
            {
                log.LogWarning("Alert channel {Channel} failed for good; the other channels are told", key);
                await outbox.DispatchAsync(failedAlerts);
            }
            run = new DeliveryRun(run.Delivered + names.Count(n => n == "delivered"), run.Retrying + names.Count(n => n == "transient"),
                run.Failed + names.Count(n => n == "permanent"));
        }
        return run;
    }

    private OutgoingAlert Render(ClaimedRow row) => new(
        row.AlertId, row.Kind, row.Severity, row.DedupeKey, row.SubjectType, row.SubjectId ?? Guid.Empty,
        row.Title, row.Body, StatusCenterLink(row.Link),
        row.Acknowledgeable && row.SubjectId is { } incident ? ackLinks.For(incident) : null,
        row.OccurredAt);

    private Uri StatusCenterLink(string link) => new(new Uri(settings.StatusCenterUrl), link);

    private sealed record ClaimedRow(Guid BatchId, string Channel, Guid AlertId, string Kind, string Severity, string DedupeKey,
        string SubjectType, Guid? SubjectId, string Title, string Body, string Link, DateTime OccurredAt, bool Acknowledgeable);
}

/// <summary>Messages of one delivery run: delivered, scheduled again (transient) and failed for good (permanent).</summary>
public sealed record DeliveryRun(int Delivered, int Retrying, int Failed);
