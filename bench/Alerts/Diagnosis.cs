using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;

namespace Leitstand.Bench.Alerts;

public static class Diagnosis
{
    /// <summary>
    /// After all phases: the time of one public.plan_alert_deliveries and one public.claim_alert_deliveries call on a fresh connection by plan_cache_mode,
    /// median of calls 11-40. If "auto" costs about what "force_custom_plan" does and "force_generic_plan" much less,
    /// its statements are planned again on every call. The alerts are planned for a channel no route sends to
    /// (e-mail, which is off), so nothing is created or sent.
    /// </summary>
    public static async Task<string> PlanCostAsync(string adminConnectionString, CancellationToken ct)
    {
        var text = new StringBuilder();
        text.AppendLine();
        text.Append("- one call of public.plan_alert_deliveries / public.claim_alert_deliveries (e-mail, which is off: nothing to plan or claim) on one connection by plan_cache_mode, median of calls 11-40, client side:");
        foreach (var mode in new[] { "auto", "force_custom_plan", "force_generic_plan" })
        {
            await using var connection = new NpgsqlConnection(adminConnectionString);
            await connection.OpenAsync(ct);
            await connection.ExecuteAsync($"set plan_cache_mode = {mode}");
            var items = string.Join(',', Enumerable.Range(0, 40).Select(_ =>
                "{\"kind\":\"bench_alert\",\"severity\":\"info\",\"dedupe_key\":\"diag:" + Guid.NewGuid() + "\",\"subject_type\":\"alert\",\"subject_id\":\""
                + Guid.NewGuid() + "\",\"title\":\"Diagnose\",\"text\":\"Diagnose\",\"occurred_at\":\"" + DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture) + "\"}"));
            await connection.ExecuteScalarAsync<Guid[]>("select public.enqueue_alerts('bench-diagnosis', @Items::jsonb)", new { Items = "[" + items + "]" });
            // One queue message lists them all; plan and claim are timed per alert.
            var ids = (await connection.QueryAsync<Guid>("""
                select (a ->> 'alert_id')::uuid from public.outbox_messages o, jsonb_array_elements(o.payload -> 'alerts') a
                where o.queue = 'bench-diagnosis'
                """)).ToList();
            await connection.ExecuteAsync("delete from public.outbox_messages where queue = 'bench-diagnosis'");
            var plan = new List<double>();
            var claim = new List<double>();
            foreach (var id in ids)
            {
                var t0 = Stopwatch.GetTimestamp();
                await connection.ExecuteScalarAsync<DateTime?>("select public.plan_alert_deliveries(array[@Id], @Channels, now())",
                    new { Id = id, Channels = new[] { "email" } });
                plan.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                t0 = Stopwatch.GetTimestamp();
                await connection.QueryAsync("select * from public.claim_alert_deliveries(now(), @Channels, interval '120 seconds', 200)",
                    new { Channels = new[] { "email" } });
                claim.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            static double Median(List<double> all) { var warm = all.Skip(10).Order().ToList(); return warm[warm.Count / 2]; }
            text.Append(string.Create(CultureInfo.InvariantCulture, $" {mode}: plan {Median(plan):F2} ms, claim {Median(claim):F2} ms;"));
        }
        text.AppendLine();
        return text.ToString();
    }
}
