using System.Diagnostics;
using System.Globalization;
using System.Text;
using Leitstand.LocalHost.Functions;
using Leitstand.LocalHost.Stack;

namespace Leitstand.Bench.Alerts;

public static class Report
{
    public const double GoalP99Ms = 1000;
    public const double GoalFloorShare = 0.5;

    public static string Render(Options o, HostJson hostJson, PostgresCluster postgres, PhaseResult floorSequential, PhaseResult floorConcurrent,
        PhaseResult sparse, PhaseResult rate, PhaseResult burst, string database, Receipts receipts)
    {
        var s = new StringBuilder();
        void L(FormattableString line = default!) => s.AppendLine(line is null ? "" : line.ToString(CultureInfo.InvariantCulture));
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        L($"# Alert delivery benchmark, {stamp}{(o.MaxPollingMs is null && !o.GenericPlans ? "" : " (variant)")}");
        L();
        L($"{Environment.ProcessorCount} cores ({CpuModel()}); commit {Commit()}. PostgreSQL {PgVersion()} (throwaway: fsync, synchronous_commit, full_page_writes off), Azurite in memory, the functions host in process ({postgres.FunctionsConnectionString().Split(';').Last()}).");
        L($"Sinks for Slack, Teams and the webhook on 127.0.0.1 answer 200 after {o.SinkDelayMs} ms (Task.Delay). Alerts__*__MessagesPerSecond = 0 on every channel (**no rate limit**; production has Slack 1/s, Teams 4/s), group_window 0, e-mail and Telegram off.");
        L($"host.json queues: batchSize {hostJson.QueueBatchSize}, newBatchThreshold {hostJson.QueueNewBatchThreshold}, maxPollingInterval {hostJson.QueueMaxPollingInterval:c}{(o.MaxPollingMs is null ? "" : " (**variant**: --max-polling-ms, functions/host.json itself unchanged)")}.{(o.GenericPlans ? " **Variant --generic-plans**: plan_alert_deliveries and claim_alert_deliveries set to plan_cache_mode = force_generic_plan on the throwaway cluster (the migrations unchanged)." : "")} Latency: from the producer's commit (host) or the first send (floor) to the sink receiving the request; \"delivered\" = the last of the three channels.");
        L();
        L($"| run | alerts | delivered on all three | time, s | **alerts/s** | p50 / p90 / p99 / max to the last channel, ms | p99 Slack / Teams / webhook, ms | CPU s: this process / postgres / Azurite | CPU ms per alert (all three) | machine busy (other processes) | load average before → after |");
        L($"|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var p in new[] { floorSequential, floorConcurrent, sparse, rate, burst })
        {
            var throughput = p == sparse ? "–" : p == rate ? $"{p.AlertsPerSecond:F0} (fixed rate)" : $"**{p.AlertsPerSecond:F0}**";
            var perAlert = 1000 * (p.Cpu.Self + p.Cpu.Postgres + p.Cpu.Azurite) / p.Alerts;
            L($"| {p.Name} | {p.Alerts} | {p.Alerts - p.Incomplete} | {p.Seconds:F2} | {throughput} | {p.AllThree.P50:F1} / {p.AllThree.P90:F1} / {p.AllThree.P99:F1} / {p.AllThree.Max:F1} | {p.PerChannel[0].P99:F1} / {p.PerChannel[1].P99:F1} / {p.PerChannel[2].P99:F1} | {p.Cpu.Self:F2} / {p.Cpu.Postgres:F2} / {p.Cpu.Azurite:F2} | {perAlert:F2} | {p.Cpu.BusyPercent:F0} % ({p.Cpu.OtherPercent:F0} %) | {p.Cpu.LoadBefore} → {p.Cpu.LoadAfter} |");
        }
        L();
        L($"At {o.Rate}/s without the first {rate.SteadyAfterSeconds:0.#} s (the poller may still be in its back-off from the idle queue before): p50 / p90 / p99 / max {rate.Steady.P50:F1} / {rate.Steady.P90:F1} / {rate.Steady.P99:F1} / {rate.Steady.Max:F1} ms.");
        L($"Isolated alerts: {o.Sparse}, each {hostJson.QueueMaxPollingInterval.TotalSeconds * 3:F1}–{hostJson.QueueMaxPollingInterval.TotalSeconds * 4:F1} s after the previous one was delivered (idle queue, the poller backed off to maxPollingInterval; p99 of so few = their maximum).");
        L($"Burst: {o.Burst} alerts in transactions of {o.BurstBatch} by {o.BurstProducers} producers at once; enqueued (committed and dispatched to the queue) in {burst.EnqueueSeconds:F2} s. Fixed rate: one alert per transaction, {o.Rate}/s for {o.RateSeconds} s, enqueued in {rate.EnqueueSeconds:F2} s.");
        L($"Floors: the same three requests per alert (bodies from the channel classes, the host's \"alerts\" HttpClient, no retry pipeline), without queue or database; {floorSequential.Alerts} alerts each.");
        L();
        L($"Where the time went (delivery log, per alert and channel; database clock):");
        s.Append(database);
        L($"- sink requests: {receipts.Requests} in all, {receipts.Repeats} repeats of an alert and channel, {receipts.Unmatched} without an alert link");
        L();
        var share = burst.AlertsPerSecond / floorConcurrent.AlertsPerSecond;
        var shareSequential = burst.AlertsPerSecond / floorSequential.AlertsPerSecond;
        L($"Goals (issue #8):");
        string Met(PhaseResult p, double value) => value < GoalP99Ms && p.Incomplete == 0 ? "met" : "NOT met";
        L($"- p99 enqueue → delivered < {GoalP99Ms:F0} ms with sinks answering in {o.SinkDelayMs} ms: at {o.Rate}/s **{Met(rate, rate.AllThree.P99)}** ({rate.AllThree.P99:F0} ms; without the first {rate.SteadyAfterSeconds:0.#} s {Met(rate, rate.Steady.P99)}, {rate.Steady.P99:F0} ms); isolated alerts **{Met(sparse, sparse.AllThree.P99)}** (max of {sparse.Alerts}: {sparse.AllThree.Max:F0} ms, p50 {sparse.AllThree.P50:F0} ms); in the burst {Met(burst, burst.AllThree.P99)} ({burst.AllThree.P99:F0} ms)");
        L($"- ≥ {GoalFloorShare * 100:F0} % of the floor's throughput, against the floor with the same concurrency ({o.FloorConcurrency} alerts at a time = host.json batchSize): **{(share >= GoalFloorShare && burst.Incomplete == 0 ? "met" : "NOT met")}** ({burst.AlertsPerSecond:F0} / {floorConcurrent.AlertsPerSecond:F0} alerts/s = {share * 100:F0} %); against the floor one alert after the other: {shareSequential * 100:F0} % ({floorSequential.AlertsPerSecond:F0} alerts/s)");
        if (sparse.Incomplete + rate.Incomplete + burst.Incomplete > 0)
            L($"- **{sparse.Incomplete + rate.Incomplete + burst.Incomplete} alerts were not delivered on all three channels within {o.TimeoutSeconds} s.**");
        return s.ToString();
    }

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?" : "?";

    private static string Commit()
    {
        try
        {
            var head = Run("git", "-C", RepoPaths.Root, "rev-parse", "--short", "HEAD").Trim();
            var dirty = Run("git", "-C", RepoPaths.Root, "status", "--porcelain", "--", "functions", "shared", "host", "supabase", "bench/Alerts").Trim();
            return head + (dirty.Length > 0 ? " with uncommitted changes in functions/shared/host/supabase/bench/Alerts" : "");
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { return "unknown"; }
    }

    private static string PgVersion()
    {
        try { return Run(Path.Combine(PostgresCluster.DefaultBinDirectory, "postgres"), "--version").Trim().Split(' ')[2]; }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { return "?"; }
    }

    private static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info) ?? throw new InvalidOperationException(file);
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }
}
