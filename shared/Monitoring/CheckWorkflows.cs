using Cronos;
using Dapper;
using Leitstand.Alerts;
using Leitstand.Platform;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>
/// The minute check of the agents' workflows (public.check_workflows): reads the workflows whose next expected start is
/// unknown or past with its grace, computes the next one here (Cronos for cron schedules, in Europe/Berlin, right across
/// the daylight saving changes; start + interval otherwise) and hands them to the database, which moves them by
/// compare-and-set and opens workflow_missed (expected start + grace passed without a check-in) and workflow_overrun
/// (a run in progress beyond its max runtime). Concurrent runs act once.
/// </summary>
public sealed class CheckWorkflows(NpgsqlDataSource db, AlertOutbox alerts, TimeProvider clock)
{
    private const string DueSql = """
        select w.id, w.schedule, extract(epoch from w.run_interval)::float8 as intervalseconds,
               w.next_expected_at as nextexpectedat, w.last_started_at as laststartedat
        from public.agent_workflows w join public.agents a on a.id = w.agent_id
        where a.revoked_at is null and (w.next_expected_at is null or w.next_expected_at + w.grace < @At)
        """;

    private const string CheckSql = "select public.check_workflows(@At, @Ids, @Expected, @Next, @Queue)";

    public sealed record DueWorkflow(Guid Id, string? Schedule, double? IntervalSeconds, DateTime? NextExpectedAt, DateTime? LastStartedAt);

    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        var at = clock.GetUtcNow().UtcDateTime;
        Guid[] created;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            var due = (await connection.QueryAsync<DueWorkflow>(new CommandDefinition(DueSql, new { At = at }, cancellationToken: ct))).ToList();
            var moves = due.Select(w => (w.Id, w.NextExpectedAt, Next: NextExpected(w, at))).Where(m => m.Next is not null).ToList();
            created = await connection.ExecuteScalarAsync<Guid[]>(new CommandDefinition(CheckSql, new
            {
                At = at,
                Ids = moves.Select(m => m.Id).ToArray(),
                Expected = moves.Select(m => m.NextExpectedAt).ToArray(),
                Next = moves.Select(m => m.Next!.Value).ToArray(),
                Queue = alerts.Queue,
            }, cancellationToken: ct)) ?? [];
        }
        if (created.Length > 0) await alerts.DispatchAsync(created);
        return created.Length;
    }

    /// <summary>
    /// The next expected start: unknown so far → the first after the last start (or after now, before any run); past with
    /// its grace (missed) → the first after now. Null for a schedule that never fires again.
    /// </summary>
    public static DateTime? NextExpected(DueWorkflow w, DateTime nowUtc)
    {
        var from = w.NextExpectedAt is null && w.LastStartedAt is { } started ? DateTime.SpecifyKind(started, DateTimeKind.Utc) : nowUtc;
        return Next(w.Schedule, w.IntervalSeconds is { } s ? TimeSpan.FromSeconds(s) : null, from);
    }

    /// <summary>The first start after <paramref name="fromUtc"/>: a cron schedule in Europe/Berlin, or an interval.</summary>
    public static DateTime? Next(string? cron, TimeSpan? interval, DateTime fromUtc)
    {
        if (interval is { } i) return fromUtc + i;
        if (cron is null || !CronExpression.TryParse(cron, CronFormat.Standard, out var expression)) return null;
        return expression.GetNextOccurrence(DateTime.SpecifyKind(fromUtc, DateTimeKind.Utc), BerlinTime.Zone);
    }
}
