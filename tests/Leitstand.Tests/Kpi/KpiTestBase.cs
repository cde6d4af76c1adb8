using System.Globalization;
using System.Text.Json;
using Dapper;
using Leitstand.Tests.Fixtures;

namespace Leitstand.Tests.Kpi;

/// <summary>
/// The KPI board reads the whole database, so each test has a database of its own (<see cref="OwnDatabaseTestBase"/>):
/// every lead a test creates gets the history it names, at the times it names, and the board counts those and no others.
/// </summary>
public abstract class KpiTestBase(StackFixture stack) : OwnDatabaseTestBase(stack, new DateTimeOffset(2024, 12, 30, 12, 0, 0, TimeSpan.Zero))
{
    /// <summary>A step of a lead's history: the stage it moved to and when (the first step is its creation in NEW).</summary>
    protected sealed record Step(string Stage, DateTime At);

    protected static Step At(string stage, DateTime at) => new(stage, at);

    /// <summary>
    /// A lead with exactly this history (allowed moves only). Before a move to WON its <paramref name="packages"/>
    /// become deals at the package's list price (public.packages); a move to LOST takes <paramref name="lostReason"/> (a code of public.lost_reasons).
    /// Creation, history (with its stays worked out again), stage events, deals and won_at are moved to the steps' times.
    /// </summary>
    protected async Task<Guid> LeadAsync(Step[] steps, string? utmSource = null, string[]? packages = null,
        string lostReason = "preis", string name = "Kai Kennzahl")
    {
        if (steps is not [{ Stage: "NEW" }, ..]) throw new ArgumentException("The first step is the creation in NEW.", nameof(steps));
        await using var connection = await Admin.OpenConnectionAsync();
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
                  lost_reason_code = case when @stage = 'LOST' then @lostReason else lost_reason_code end,
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
        await using var connection = await Admin.OpenConnectionAsync();
        await connection.ExecuteAsync(DealSql, new { lead, package, at });
    }

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
