using System.Text.Json;
using Dapper;
using Leitstand.Alerts;
using Leitstand.Platform;
using Npgsql;

namespace Leitstand.Tasks;

/// <summary>
/// The daily list. The 15-minute timer calls <see cref="RunScheduledAsync"/>: the database works out the
/// Berlin date and hour (timers run in UTC on Flex Consumption) and generates the day's tasks once, after
/// task_settings.generate_at_hour, remembered in a ledger row per date (public.run_daily_tasks). The team
/// (or the command line) can run it for any date with <see cref="ExecuteAsync"/>; every rule is idempotent by
/// its dedupe key, so a second run creates nothing. The digest alert is sent after the commit.
/// </summary>
public sealed class GenerateDailyTasks(NpgsqlDataSource db, AlertOutbox alerts, TimeProvider clock)
{
    private const string ScheduledSql = "select public.run_daily_tasks(@At, @Queue)::text";
    // Today: as of now. Another date: as of that date's generation hour in Berlin.
    private const string OnDemandSql = """
        select public.generate_daily_tasks(@Date::date,
                 case when @Date::date = @Today::date then @Now
                      else (@Date::date + make_time((select s.generate_at_hour from public.task_settings s), 0, 0)) at time zone 'Europe/Berlin' end,
                 @Queue, 'on_demand')::text
        """;

    /// <summary>How far from today the team may generate a list.</summary>
    public const int MaxDaysAway = 31;

    public Task<DailyTasksResult> RunScheduledAsync(CancellationToken ct) =>
        RunAsync(ScheduledSql, new { At = clock.GetUtcNow().UtcDateTime, alerts.Queue }, ct);

    /// <summary>
    /// Generates the list of one Berlin date: for today as of now, for another date as of that date's
    /// generation hour (the rules compare with a point in time: "waiting longer than 24 h", "call today").
    /// </summary>
    public Task<DailyTasksResult> ExecuteAsync(DateOnly date, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return RunAsync(OnDemandSql, new { Date = Iso(date), Today = Iso(BerlinTime.Today(now)), Now = now, alerts.Queue }, ct);
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<DailyTasksResult> RunAsync(string sql, object parameters, CancellationToken ct)
    {
        string json;
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            json = await connection.ExecuteScalarAsync<string>(new CommandDefinition(sql, parameters, tx, cancellationToken: ct)) ?? "{}";
            await tx.CommitAsync(ct);
        }
        var result = DailyTasksResult.Parse(json);
        // The tasks are committed; the digest goes out now or, if the queue is down, with the outbox timer.
        await alerts.DispatchAsync(result.DigestMessageIds);
        return result;
    }
}

/// <summary>What one run did: the Berlin date, whether the whole list was generated, and the tasks created per rule.</summary>
public sealed record DailyTasksResult(DateOnly Date, bool Generated, string? Reason, IReadOnlyDictionary<string, int> Created, IReadOnlyList<Guid> DigestMessageIds)
{
    public static DailyTasksResult Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var created = new SortedDictionary<string, int>(StringComparer.Ordinal);
        if (root.TryGetProperty("created", out var c))
            foreach (var p in c.EnumerateObject()) created[p.Name] = p.Value.GetInt32();
        var digest = root.TryGetProperty("digest_message_ids", out var d) && d.ValueKind == JsonValueKind.Array
            ? d.EnumerateArray().Select(e => e.GetGuid()).ToArray() : [];
        return new DailyTasksResult(
            DateOnly.Parse(root.GetProperty("date").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            !root.TryGetProperty("generated", out var g) || g.GetBoolean(),
            root.TryGetProperty("reason", out var r) ? r.GetString() : null,
            created, digest);
    }
}
