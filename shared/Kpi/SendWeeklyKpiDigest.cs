using Cronos;
using Dapper;
using Leitstand.Alerts;
using Leitstand.Platform;
using Npgsql;

namespace Leitstand.Kpi;

/// <summary>
/// The weekly digest: every Monday 08:00 in Berlin, the figures of the week before as one alert (kind
/// kpi_weekly, figures only, link to the board). Timers run in UTC on Flex Consumption, so a 15-minute timer
/// calls <see cref="RunScheduledAsync"/>, which finds the latest occurrence of <see cref="Schedule"/> in
/// Europe/Berlin (Cronos, right across the daylight saving changes); public.send_kpi_digest sends it once per
/// ISO week (ledger row public.kpi_digest_runs plus the alert's dedupe key), whichever instance comes first. A
/// host that was down on Monday morning sends it on its next run, up to <see cref="MaxLateness"/> after the
/// occurrence; later (a new deployment on a Thursday) the week is left out instead of reporting stale figures.
/// </summary>
public sealed class SendWeeklyKpiDigest(NpgsqlDataSource db, AlertOutbox alerts, TimeProvider clock)
{
    public const string Cron = "0 8 * * 1";
    public static readonly CronExpression Schedule = CronExpression.Parse(Cron);

    public static readonly TimeSpan MaxLateness = TimeSpan.FromDays(2);

    private const string Sql = "select public.send_kpi_digest(@WeekStart::date, @DueAt, @At, @Queue)";

    /// <summary>The latest occurrence of the schedule at or before <paramref name="utcNow"/> (UTC).</summary>
    public static DateTime LatestOccurrence(DateTime utcNow) =>
        Schedule.GetOccurrences(utcNow.AddDays(-8), utcNow, BerlinTime.Zone, fromInclusive: true, toInclusive: true).Last();

    public async Task<KpiDigestResult> RunScheduledAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = LatestOccurrence(now);
        // Monday 08:00 reports the ISO week that ended the night before.
        var weekStart = BerlinTime.Today(due).AddDays(-7);
        if (now - due > MaxLateness) return new KpiDigestResult(weekStart, due, false);
        Guid[] ids;
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            ids = await connection.ExecuteScalarAsync<Guid[]>(new CommandDefinition(Sql, new
            {
                WeekStart = weekStart.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                DueAt = due,
                At = now,
                alerts.Queue,
            }, tx, cancellationToken: ct)) ?? [];
            await tx.CommitAsync(ct);
        }
        // Committed; the alert goes out now or, if the queue is down, with the outbox timer.
        await alerts.DispatchAsync(ids);
        return new KpiDigestResult(weekStart, due, ids.Length > 0);
    }
}

/// <summary>The week a run looked at, the occurrence it belongs to, and whether this run sent its digest.</summary>
public sealed record KpiDigestResult(DateOnly WeekStart, DateTime DueAt, bool Sent);
