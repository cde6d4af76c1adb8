using System.Globalization;
using System.Text.Json;
using Dapper;
using Leitstand.Platform;
using Leitstand.Tasks;
using Leitstand.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Kpi;

/// <summary>
/// The KPI board reads the whole database, so its tests live in the past (2024), where no other test's rows
/// are: every lead a test creates gets the history it names, at the times it names. Before and after each
/// test, everything created before <see cref="PastEnd"/> is deleted (leads with their history and deals, the
/// digest's ledger rows and alerts). The host runs on a clock the test sets.
/// </summary>
public abstract class KpiTestBase(StackFixture stack) : IAsyncLifetime
{
    protected static readonly TimeZoneInfo Berlin = BerlinTime.Zone;
    protected static readonly DateTime PastEnd = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    protected StackFixture Stack { get; } = stack;
    protected ManualClock Clock { get; } = new(new DateTimeOffset(2024, 12, 30, 12, 0, 0, TimeSpan.Zero));
    protected RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await CleanUpAsync();
        Host = await StartHostAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await CleanUpAsync();
    }

    protected Task<RunningHost> StartHostAsync() =>
        RunningHost.StartAsync(Stack, options: o => o with { ConfigureServices = s => s.AddSingleton<TimeProvider>(Clock) });

    private async Task CleanUpAsync()
    {
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            delete from leads where created_at < @PastEnd;
            delete from kpi_digest_runs where week_start < @PastEnd::date;
            delete from kpi_period_figures where period_start < @PastEnd::date;
            delete from alerts where kind = 'kpi_weekly' and occurred_at < @PastEnd;
            """, new { PastEnd });
    }

    /// <summary>An instant from a Berlin wall-clock time.</summary>
    protected static DateTime Local(int year, int month, int day, int hour, int minute = 0) =>
        TimeZoneInfo.ConvertTimeToUtc(new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified), Berlin);

    /// <summary>A step of a lead's history: the stage it moved to and when (the first step is its creation in NEW).</summary>
    protected sealed record Step(string Stage, DateTime At);

    protected static Step At(string stage, DateTime at) => new(stage, at);

    /// <summary>
    /// A lead with exactly this history (allowed moves only). Before a move to WON its <paramref name="packages"/>
    /// become deals at the package's list price (public.packages); a move to LOST takes <paramref name="lostReason"/>.
    /// Creation, history (with its stays worked out again), stage events, deals and won_at are moved to the steps' times.
    /// </summary>
    protected async Task<Guid> LeadAsync(Step[] steps, string? utmSource = null, string[]? packages = null,
        string lostReason = "Kein Budget", string name = "Kai Kennzahl")
    {
        if (steps is not [{ Stage: "NEW" }, ..]) throw new ArgumentException("The first step is the creation in NEW.", nameof(steps));
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        var id = await connection.ExecuteScalarAsync<Guid>("""
            insert into leads (name, email, consent_at, consent_text_version, consent_source, utm_source)
            values (@name, @email, now(), '2026-11-25', 'test', @utmSource) returning id
            """, new { name, email = $"kpi-{Guid.NewGuid():N}@example.de", utmSource });
        foreach (var step in steps.Skip(1))
        {
            if (step.Stage == "WON")
                foreach (var package in packages ?? ["SETUP"])
                    await connection.ExecuteAsync(DealSql, new { lead = id, package, at = step.At });
            await connection.ExecuteAsync("""
                update leads set stage = @stage::lead_stage,
                  lost_reason = case when @stage = 'LOST' then @lostReason else lost_reason end,
                  call_at = case when @stage = 'CALL_BOOKED' then @at else call_at end
                where id = @id
                """, new { id, stage = step.Stage, lostReason, at = step.At });
        }
        var times = steps.Select(s => s.At).ToArray();
        await connection.ExecuteAsync("""
            update lead_stage_history h set changed_at = (@times::timestamptz[])[x.n]
            from (select id, row_number() over (order by id) as n from lead_stage_history where lead_id = @id) x
            where h.id = x.id;
            update pipeline_events e set occurred_at = (@times::timestamptz[])[x.n + 1]
            from (select id, row_number() over (order by id) as n from pipeline_events where lead_id = @id) x
            where e.id = x.id;
            update leads set created_at = (@times::timestamptz[])[1], stage_changed_at = (@times::timestamptz[])[cardinality(@times::timestamptz[])]
            where id = @id;
            update deals set created_at = (@times::timestamptz[])[1],
              won_at = case when won_at is not null then (select max(h.changed_at) from lead_stage_history h where h.lead_id = @id and h.to_stage = 'WON') end
            where lead_id = @id;
            select public.recompute_stage_stays(array[@id]);
            """, new { id, times });
        return id;
    }

    private const string DealSql = """
        insert into deals (lead_id, package, amount_cents, created_at)
        select @lead, p.key, p.price_cents, @at from packages p where p.key = @package::deal_package
        """;

    /// <summary>An open deal of a lead at the package's list price, created at <paramref name="at"/>.</summary>
    protected async Task OpenDealAsync(Guid lead, string package, DateTime at)
    {
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        await connection.ExecuteAsync(DealSql, new { lead, package, at });
    }

    protected async Task ExecuteAsync(string sql, object? param = null)
    {
        await using var connection = await Stack.Admin.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, param);
    }

    protected Task<T> ScalarAsync<T>(string sql, object? param = null) => Crm.ScalarAsync<T>(Stack.Admin, sql, param);

    /// <summary>GET /api/kpi with the query, as of <paramref name="now"/>; the board must be a 200.</summary>
    protected async Task<JsonElement> BoardAsync(string query, DateTime now)
    {
        Clock.Set(now);
        using var response = await Host.TeamClient.GetAsync("/api/kpi?" + query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    /// <summary>The metric's value and target in the period and its trend (the values of the periods before, oldest first).</summary>
    protected static (int Value, int Target, string Trend) Metric(JsonElement board, string metric)
    {
        var m = board.GetProperty("metrics").EnumerateArray().Single(x => x.GetProperty("metric").GetString() == metric);
        return (m.GetProperty("value").GetInt32(), m.GetProperty("target").GetInt32(),
            string.Join(' ', m.GetProperty("trend").EnumerateArray().Select(t => t.GetProperty("value").GetInt32())));
    }

    protected static JsonElement Stage(JsonElement board, string stage) =>
        board.GetProperty("funnel").EnumerateArray().Single(x => x.GetProperty("stage").GetString() == stage);

    protected static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
