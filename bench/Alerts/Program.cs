using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Leitstand.Alerts;
using Leitstand.Alerts.Channels;
using Leitstand.Bench.Alerts;
using Leitstand.LocalHost.Functions;
using Leitstand.LocalHost.Stack;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

// Alert delivery benchmark (issue #8). Starts a throwaway PostgreSQL cluster and an in-memory Azurite with the
// local stack code (host/Stack), three HTTP sinks for Slack, Teams and the webhook (200 after 5 ms), and the
// functions host in process (queue triggers on, timers off). Alerts go in through the real producer path
// (AlertOutbox.AddAsync → public.enqueue_alerts, commit, AlertOutbox.DispatchAsync → the alerts queue) and are
// delivered by DeliverAlert; the sinks record when each alert arrived on each channel. The floor sends the
// same requests (same bodies, same channel classes, same HttpClient) straight to the sinks, in the same run.
//
//   bash bench/alerts.sh [--rate 20] [--rate-seconds 30] [--burst 1400] [--burst-batch 50] [--burst-producers 4]
//                        [--floor-alerts 1400] [--floor-concurrency 16] [--sink-delay-ms 5] [--warmup 50] [--sparse 6]
//                        [--max-polling-ms N: a variant of host.json's maxPollingInterval, file unchanged]
//                        [--generic-plans: a variant, plan/claim_alert_deliveries with plan_cache_mode = force_generic_plan on the throwaway cluster]

var inv = CultureInfo.InvariantCulture;
var options = Options.Parse(args);
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
var ct = cts.Token;

var directory = Path.Combine("/tmp", "leitstand-bench-alerts-" + Guid.NewGuid().ToString("N")[..8]);
var postgres = new PostgresCluster(Path.Combine(directory, "pg"), Processes.FreeTcpPort(), throwaway: true);
var azurite = new AzuriteServer(Path.Combine(directory, "azurite"), Processes.FreeTcpPort(), Processes.FreeTcpPort(), Processes.FreeTcpPort(), inMemory: true);
var sinks = new List<Sink>();
WebApplication? host = null;
var exitCode = 0;
var started = Stopwatch.GetTimestamp();
void Log(string text) => Console.WriteLine($"[{Stopwatch.GetElapsedTime(started).TotalSeconds,6:F1}s] {text}");

try
{
    Log($"stack: PostgreSQL on 127.0.0.1:{postgres.Port} under {directory}, Azurite in memory");
    await Task.WhenAll(
        Task.Run(async () =>
        {
            await postgres.StartAsync(ct);
            await LocalDatabase.PrepareAsync(postgres, RepoPaths.Supabase, seed: false, ct: ct);
        }, ct),
        azurite.StartAsync(ct));
    // The cluster's superuser: alter system is beyond postgres (which is not a superuser, as on Supabase).
    await using (var admin = new NpgsqlConnection(postgres.SuperuserConnectionString()))
    {
        await admin.OpenAsync(ct);
        // Time per PL/pgSQL and SQL function (pg_stat_user_functions) for the "where the time went" table.
        await admin.ExecuteAsync("alter system set track_functions = 'all'");
        await admin.ExecuteAsync("select pg_reload_conf()");
        if (options.GenericPlans)
            // Variant (--generic-plans): the proposed fix tried on the throwaway cluster only; supabase/ is unchanged.
            await admin.ExecuteAsync("""
                alter function public.plan_alert_deliveries(uuid[], text[], timestamptz) set plan_cache_mode = force_generic_plan;
                alter function public.claim_alert_deliveries(timestamptz, text[], interval, integer) set plan_cache_mode = force_generic_plan;
                """);
        // The benchmark's own kind (public.alert_kinds refuses kinds it does not know) and only its route: every alert
        // of its kind to the three channels at once (no grouping, no quiet hours).
        await admin.ExecuteAsync("""
            insert into public.alert_kinds (kind, label, severity, subject_type, acknowledge_link, route)
            values ('bench_alert', 'Benchmark', 'info', 'alert', false, '#/alerts/{id}');
            update public.alert_routes set enabled = false;
            insert into public.alert_routes (kind, min_severity, channels, group_window, note)
            values ('bench_alert', 'info', '{slack,teams,webhook}', interval '0', 'Benchmark: Slack, Teams und Webhook sofort');
            """);
    }

    var receipts = new Receipts();
    var sinkDelay = TimeSpan.FromMilliseconds(options.SinkDelayMs);
    sinks.Add(await Sink.StartAsync(0, receipts, sinkDelay, "/services/T0BENCH/B0BENCH/bench"));
    sinks.Add(await Sink.StartAsync(1, receipts, sinkDelay, "/workflows/bench/triggers/manual/run"));
    sinks.Add(await Sink.StartAsync(2, receipts, sinkDelay, "/hooks/leitstand"));

    var queueName = "bench-alerts-" + Guid.NewGuid().ToString("N")[..8];
    var settings = new Dictionary<string, string?>
    {
        ["Database:ConnectionString"] = postgres.FunctionsConnectionString(),
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["Logging:LogLevel:Default"] = "Warning",
        ["Leads:LeadCapturedQueue"] = "bench-lead-captured",
        ["Alerts:Queue"] = queueName,
        ["Alerts:Slack:WebhookUrl"] = sinks[0].Url,
        ["Alerts:Slack:MessagesPerSecond"] = "0",
        ["Alerts:Teams:WebhookUrl"] = sinks[1].Url,
        ["Alerts:Teams:MessagesPerSecond"] = "0",
        ["Alerts:Webhook:Url"] = sinks[2].Url,
        ["Alerts:Webhook:Secret"] = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["Alerts:Webhook:MessagesPerSecond"] = "0",
        ["Alerts:Email:Host"] = "",
        ["Alerts:Email:To"] = "",
        ["Alerts:Email:MessagesPerSecond"] = "0",
        ["Alerts:Telegram:BotToken"] = "",
        ["Alerts:Telegram:ChatId"] = "",
        ["Alerts:Telegram:MessagesPerSecond"] = "0",
    };
    // host.json as it is; --max-polling-ms tries another maxPollingInterval without changing the file (a variant, said in the report).
    var fileHostJson = HostJson.Load(Path.Combine(RepoPaths.Root, "functions", "host.json"));
    host = FunctionsWebHost.Build(new FunctionsHostOptions
    {
        Url = "http://127.0.0.1:0",
        Settings = settings,
        RunTimers = false,
        RunQueues = true,
        HostJson = options.MaxPollingMs is { } polling ? fileHostJson with { QueueMaxPollingInterval = TimeSpan.FromMilliseconds(polling) } : fileHostJson,
    });
    await host.StartAsync(ct);
    var hostJson = host.Services.GetRequiredService<HostJson>();
    var alertSettings = host.Services.GetRequiredService<AlertSettings>();
    var enabled = host.Services.GetRequiredService<AlertChannels>().Enabled;
    if (!enabled.SequenceEqual(["slack", "teams", "webhook"]))
        throw new InvalidOperationException($"expected exactly slack, teams and webhook to be on, got {string.Join(", ", enabled)}");
    Log($"host: queue {queueName} (batchSize {hostJson.QueueBatchSize}, newBatchThreshold {hostJson.QueueNewBatchThreshold}, maxPollingInterval {hostJson.QueueMaxPollingInterval}); sinks answer 200 after {options.SinkDelayMs} ms");

    var bench = new Bench(host.Services, receipts, alertSettings, ct);
    var meter = new CpuMeter(() => PostmasterPid(postgres.DataDirectory));
    var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);

    // Warm-up: JIT, connection pools, the queue; not measured.
    var warm = await bench.HostAtRateAsync("warm-up", Math.Max(1, options.Warmup), 25, meter, timeout);
    Log($"warm-up: {warm.Summary()}");
    var warmFloor = await bench.FloorAsync("floor warm-up", Math.Max(1, options.Warmup), 4, meter);
    Log($"floor warm-up: {warmFloor.Summary()}");

    var floorSequential = await bench.FloorAsync("floor, one alert after the other", options.FloorAlerts, 1, meter);
    Log(floorSequential.Summary());
    var floorConcurrent = await bench.FloorAsync($"floor, {options.FloorConcurrency} alerts at a time", options.FloorAlerts, options.FloorConcurrency, meter);
    Log(floorConcurrent.Summary());

    var sparse = await bench.HostSparseAsync($"host, {options.Sparse} isolated alerts", options.Sparse,
        hostJson.QueueMaxPollingInterval * 3, hostJson.QueueMaxPollingInterval, meter, timeout);
    Log(sparse.Summary());
    var functions0 = await bench.FunctionStatsAsync(postgres.AdminConnectionString());
    var rate = await bench.HostAtRateAsync($"host at {options.Rate}/s", (int)Math.Round(options.Rate * options.RateSeconds), options.Rate, meter, timeout,
        steadyAfterSeconds: hostJson.QueueMaxPollingInterval.TotalSeconds);
    Log(rate.Summary() + $"; after the first {hostJson.QueueMaxPollingInterval.TotalSeconds:0.#} s: p50 {rate.Steady.P50:F1} ms, p99 {rate.Steady.P99:F1} ms");
    var functions1 = await bench.FunctionStatsAsync(postgres.AdminConnectionString());
    await Task.Delay(TimeSpan.FromSeconds(1), ct);
    var burst = await bench.HostBurstAsync($"host, burst of {options.Burst}", options.Burst, options.BurstBatch, options.BurstProducers, meter, timeout);
    Log(burst.Summary());
    var functions2 = await bench.FunctionStatsAsync(postgres.AdminConnectionString());
    var functionTable = Bench.FunctionTable([(rate, functions0, functions1), (burst, functions1, functions2)]);

    var database = await bench.DatabaseSummaryAsync(postgres.AdminConnectionString(), [sparse, rate, burst]);
    var diagnosis = await Diagnosis.PlanCostAsync(postgres.AdminConnectionString(), ct);
    Log(diagnosis.Trim());
    var report = Report.Render(options, hostJson, postgres, floorSequential, floorConcurrent, sparse, rate, burst, database + functionTable + diagnosis, receipts);
    Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "bench", "results"));
    var file = Path.Combine(RepoPaths.Root, "bench", "results", $"alerts-{DateTime.UtcNow:yyyy-MM-ddTHHmmssZ}.md");
    await File.WriteAllTextAsync(file, report, CancellationToken.None);
    Console.WriteLine();
    Console.WriteLine(report);
    Log($"report written to {Path.GetRelativePath(RepoPaths.Root, file)}");
    if (sparse.Incomplete + rate.Incomplete + burst.Incomplete > 0) exitCode = 2;
}
catch (OperationCanceledException) when (ct.IsCancellationRequested)
{
    Log("cancelled; stopping everything");
    exitCode = 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"benchmark failed: {e}");
    if (File.Exists(postgres.LogFile))
        Console.Error.WriteLine("last PostgreSQL log lines:\n" + string.Join('\n', File.ReadLines(postgres.LogFile).TakeLast(20)));
    exitCode = 1;
}
finally
{
    if (host is not null)
    {
        try { await host.StopAsync(CancellationToken.None); await host.DisposeAsync(); }
        catch (Exception e) { Console.Error.WriteLine($"host stop: {e.Message}"); }
    }
    foreach (var sink in sinks) await sink.DisposeAsync();
    await azurite.StopAsync();
    await postgres.StopAsync();
    try { Directory.Delete(directory, recursive: true); }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Console.Error.WriteLine($"could not delete {directory}: {e.Message}"); }
}
return exitCode;

static int? PostmasterPid(string dataDirectory)
{
    try
    {
        var first = File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault();
        return int.TryParse(first, out var pid) ? pid : null;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
}

public sealed record Options(double Rate, double RateSeconds, int Burst, int BurstBatch, int BurstProducers, int FloorAlerts,
    int FloorConcurrency, int SinkDelayMs, int Warmup, int TimeoutSeconds, int Sparse, int? MaxPollingMs, bool GenericPlans)
{
    public static Options Parse(string[] args)
    {
        var map = new Dictionary<string, string>();
        var genericPlans = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--generic-plans") { genericPlans = true; continue; }
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected '--name value', got '{args[i]}'");
            map[args[i][2..]] = args[++i];
        }
        double D(string name, double fallback) => map.Remove(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        int I(string name, int fallback) => map.Remove(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var o = new Options(D("rate", 20), D("rate-seconds", 30), I("burst", 1400), I("burst-batch", 50), I("burst-producers", 4),
            I("floor-alerts", 1400), I("floor-concurrency", 16), I("sink-delay-ms", 5), I("warmup", 50), I("timeout-seconds", 90), I("sparse", 6),
            map.Remove("max-polling-ms", out var polling) ? int.Parse(polling, CultureInfo.InvariantCulture) : null, genericPlans);
        if (map.Count > 0) throw new ArgumentException($"unknown option(s): {string.Join(", ", map.Keys.Select(k => "--" + k))}");
        if (o.Rate is <= 0 or > 500 || o.RateSeconds is <= 0 or > 300 || o.Burst is < 1 or > 20_000 || o.BurstBatch is < 1 or > 500
            || o.BurstProducers is < 1 or > 64 || o.FloorAlerts is < 1 or > 20_000 || o.FloorConcurrency is < 1 or > 256
            || o.SinkDelayMs is < 0 or > 1000 || o.Warmup is < 0 or > 1000 || o.TimeoutSeconds is < 5 or > 600 || o.Sparse is < 1 or > 100 || o.MaxPollingMs is < 100 or > 60_000)
            throw new ArgumentException("an option is out of range (rate ≤ 500/s, rate-seconds ≤ 300, burst and floor-alerts ≤ 20000, burst-batch ≤ 500, ...)");
        return o;
    }
}

/// <summary>One measured phase: per alert the start (commit, or the floor's send) and the three receive times.</summary>
/// <param name="Steady">AllThree for the alerts that started at least SteadyAfterSeconds into the phase (NaN if not asked for).</param>
public sealed record PhaseResult(string Name, int Alerts, int Incomplete, double Seconds, double EnqueueSeconds,
    Percentiles AllThree, Percentiles[] PerChannel, CpuDelta Cpu, Guid[] Subjects, Percentiles Steady, double SteadyAfterSeconds)
{
    public double AlertsPerSecond => (Alerts - Incomplete) / Seconds;

    public string Summary() =>
        $"{Name}: {Alerts - Incomplete}/{Alerts} delivered on all three in {Seconds:F2} s = {AlertsPerSecond:F1} alerts/s; " +
        $"latency to the last channel p50 {AllThree.P50:F1} ms, p99 {AllThree.P99:F1} ms, max {AllThree.Max:F1} ms; " +
        $"CPU self {Cpu.Self:F2} s, postgres {Cpu.Postgres:F2} s, Azurite {Cpu.Azurite:F2} s; machine busy {Cpu.BusyPercent:F0} % " +
        $"(other processes {Cpu.OtherPercent:F0} %); load {Cpu.LoadBefore} → {Cpu.LoadAfter}";
}

public sealed record Percentiles(double P50, double P90, double P99, double Max)
{
    public static Percentiles Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return new(double.NaN, double.NaN, double.NaN, double.NaN);
        var sorted = values.Order().ToArray();
        double Rank(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new(Rank(0.50), Rank(0.90), Rank(0.99), sorted[^1]);
    }
}

public sealed class Bench(IServiceProvider services, Receipts receipts, AlertSettings settings, CancellationToken ct)
{
    private const string Title = "Benchmark-Alert";
    private const string Text = "Benchmark: ein Alert an Slack, Teams und den Webhook.";
    private static readonly double MsPerTick = 1000.0 / Stopwatch.Frequency;

    private readonly NpgsqlDataSource _db = services.GetRequiredService<NpgsqlDataSource>();
    private readonly AlertOutbox _outbox = services.GetRequiredService<AlertOutbox>();
    // The channel classes themselves (no retry/breaker pipeline): same bodies, same "alerts" HttpClient.
    private readonly IAlertChannel[] _channels =
        [services.GetRequiredService<SlackChannel>(), services.GetRequiredService<TeamsChannel>(), services.GetRequiredService<WebhookChannel>()];
    private readonly ConcurrentDictionary<Guid, long> _started = new();

    private static NewAlert Alert(Guid subject) =>
        new("bench_alert", "info", "bench:" + subject, "alert", subject, Title, Text, DateTime.UtcNow);

    /// <summary>One producer transaction: the alerts with their outbox message, commit (the start time), then the dispatch.</summary>
    private async Task ProduceAsync(IReadOnlyList<Guid> subjects)
    {
        Guid[] ids;
        await using (var connection = await _db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            ids = await _outbox.AddAsync(connection, tx, subjects.Select(Alert), ct);
            await tx.CommitAsync(ct);
        }
        var committed = Stopwatch.GetTimestamp();
        foreach (var s in subjects) _started[s] = committed;
        // One queue message per producer call, listing its alerts.
        if (ids.Length != 1) throw new InvalidOperationException($"enqueue_alerts returned {ids.Length} message ids for {subjects.Count} alerts (expected one)");
        await _outbox.DispatchAsync(ids);
    }

    /// <summary>One alert per transaction at a fixed rate (open loop: a slow enqueue does not delay the next).</summary>
    public async Task<PhaseResult> HostAtRateAsync(string name, int count, double perSecond, CpuMeter meter, TimeSpan timeout, double steadyAfterSeconds = 0)
    {
        var subjects = NewSubjects(count);
        var cpu0 = meter.Take();
        var begin = Stopwatch.GetTimestamp();
        var producers = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var due = begin + (long)(i * Stopwatch.Frequency / perSecond);
            var wait = (due - Stopwatch.GetTimestamp()) * MsPerTick;
            if (wait > 1) await Task.Delay(TimeSpan.FromMilliseconds(wait), ct);
            var subject = subjects[i];
            producers.Add(Task.Run(() => ProduceAsync([subject]), ct));
        }
        await Task.WhenAll(producers);
        var enqueued = Stopwatch.GetTimestamp();
        await WaitForAsync(subjects, timeout);
        return Result(name, subjects, begin, enqueued, meter.Take(), cpu0, steadyAfterSeconds);
    }

    /// <summary>
    /// Isolated alerts: each after a pause longer than the queue's maxPollingInterval (the queue idle, as between
    /// real alerts), the next only once the previous one is delivered.
    /// </summary>
    public async Task<PhaseResult> HostSparseAsync(string name, int count, TimeSpan pause, TimeSpan jitter, CpuMeter meter, TimeSpan timeout)
    {
        var subjects = NewSubjects(count);
        var cpu0 = meter.Take();
        var begin = Stopwatch.GetTimestamp();
        foreach (var subject in subjects)
        {
            // Long enough for the poller to reach its longest interval, plus a random part of one interval, so the
            // alert lands anywhere between two polls (as a real alert after a quiet time does).
            await Task.Delay(pause + jitter * Random.Shared.NextDouble(), ct);
            await ProduceAsync([subject]);
            await WaitForAsync([subject], timeout);
        }
        var end = Stopwatch.GetTimestamp();
        return Result(name, subjects, begin, end, meter.Take(), cpu0);
    }

    /// <summary>As fast as possible: transactions of <paramref name="batch"/> alerts by <paramref name="producers"/> producers at once.</summary>
    public async Task<PhaseResult> HostBurstAsync(string name, int count, int batch, int producers, CpuMeter meter, TimeSpan timeout)
    {
        var subjects = NewSubjects(count);
        var chunks = subjects.Chunk(batch).ToArray();
        var next = -1;
        var cpu0 = meter.Take();
        var begin = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < chunks.Length) await ProduceAsync(chunks[i]);
        }, ct)));
        var enqueued = Stopwatch.GetTimestamp();
        await WaitForAsync(subjects, timeout);
        return Result(name, subjects, begin, enqueued, meter.Take(), cpu0);
    }

    /// <summary>The floor: per alert the three requests at once, <paramref name="concurrency"/> alerts at a time, no queue, no database.</summary>
    public async Task<PhaseResult> FloorAsync(string name, int count, int concurrency, CpuMeter meter)
    {
        var subjects = NewSubjects(count);
        var next = -1;
        var cpu0 = meter.Take();
        var begin = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var subject = subjects[i];
                var message = new OutgoingMessage(Guid.NewGuid(),
                [
                    new OutgoingAlert(Guid.NewGuid(), "bench_alert", "info", "bench:" + subject, "alert", subject, Title, Text,
                        new Uri(new Uri(settings.StatusCenterUrl), "#/alerts/" + subject), null, DateTime.UtcNow),
                ]);
                _started[subject] = Stopwatch.GetTimestamp();
                var outcomes = await Task.WhenAll(_channels.Select(c => c.SendAsync(message, ct)));
                if (outcomes.FirstOrDefault(o => o is not SendOutcome.Delivered) is { } bad)
                    throw new InvalidOperationException($"floor: a sink did not accept a request: {bad}");
            }
        }, ct)));
        var end = Stopwatch.GetTimestamp();
        return Result(name, subjects, begin, end, meter.Take(), cpu0);
    }

    private async Task WaitForAsync(Guid[] subjects, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (receipts.CountComplete(subjects) < subjects.Length && Stopwatch.GetTimestamp() < deadline)
            await Task.Delay(20, ct);
    }

    private PhaseResult Result(string name, Guid[] subjects, long begin, long enqueued, CpuSnapshot cpu1, CpuSnapshot cpu0, double steadyAfterSeconds = 0)
    {
        var all = new List<double>();
        var steady = new List<double>();
        var steadyFrom = begin + (long)(steadyAfterSeconds * Stopwatch.Frequency);
        var perChannel = Enumerable.Range(0, Receipts.Channels).Select(_ => new List<double>()).ToArray();
        long last = begin;
        var incomplete = 0;
        foreach (var s in subjects)
        {
            if (receipts.Complete(s) is not { } times || !_started.TryGetValue(s, out var start)) { incomplete++; continue; }
            for (var c = 0; c < times.Length; c++) perChannel[c].Add((times[c] - start) * MsPerTick);
            var done = times.Max();
            all.Add((done - start) * MsPerTick);
            if (steadyAfterSeconds > 0 && start >= steadyFrom) steady.Add((done - start) * MsPerTick);
            last = Math.Max(last, done);
        }
        // Until the last delivery (or, if some never arrived, until the wait gave up).
        var endOfPhase = incomplete > 0 ? cpu1.At : last;
        return new PhaseResult(name, subjects.Length, incomplete, (endOfPhase - begin) * MsPerTick / 1000, (enqueued - begin) * MsPerTick / 1000,
            Percentiles.Of(all), perChannel.Select(Percentiles.Of).ToArray(), cpu0.To(cpu1), subjects, Percentiles.Of(steady), steadyAfterSeconds);
    }

    /// <summary>
    /// Calls and time (ms) per database function so far. The host's pooled connections are closed first: a
    /// backend reports its function statistics when it goes idle at most every 10 s, or when it exits.
    /// </summary>
    public async Task<Dictionary<string, (long Calls, double TotalMs, double SelfMs)>> FunctionStatsAsync(string adminConnectionString)
    {
        _db.Clear();
        await Task.Delay(300, ct);
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string Name, long Calls, double TotalMs, double SelfMs)>(
            "select funcname, calls, total_time, self_time from pg_stat_user_functions where schemaname = 'public'");
        return rows.ToDictionary(r => r.Name, r => (r.Calls, r.TotalMs, r.SelfMs));
    }

    public static string FunctionTable(IEnumerable<(PhaseResult Phase, Dictionary<string, (long Calls, double TotalMs, double SelfMs)> Before,
        Dictionary<string, (long Calls, double TotalMs, double SelfMs)> After)> phases)
    {
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("Database functions per alert (pg_stat_user_functions, track_functions = all; time inside the function, wall clock; total includes the functions it calls):");
        text.AppendLine();
        text.AppendLine("| run | function | calls per alert | total ms per alert | self ms per alert |");
        text.AppendLine("|---|---|---:|---:|---:|");
        foreach (var (phase, before, after) in phases)
            foreach (var (name, a) in after.OrderByDescending(kv => kv.Value.TotalMs - before.GetValueOrDefault(kv.Key).TotalMs))
            {
                var b = before.GetValueOrDefault(name);
                var calls = a.Calls - b.Calls;
                if (calls == 0) continue;
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {phase.Name} | {name} | {(double)calls / phase.Alerts:F2} | {(a.TotalMs - b.TotalMs) / phase.Alerts:F3} | {(a.SelfMs - b.SelfMs) / phase.Alerts:F3} |"));
            }
        return text.ToString();
    }

    private static Guid[] NewSubjects(int count) => Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray();

    /// <summary>Where the time went, from the delivery log: enqueue → planned (queue), planned → claimed, claimed → delivered.</summary>
    public async Task<string> DatabaseSummaryAsync(string adminConnectionString, IEnumerable<PhaseResult> phases)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(ct);
        var text = new StringBuilder();
        foreach (var phase in phases)
        {
            var rows = (await connection.QueryAsync<(string Step, double P50, double P99)>("""
                with d as (
                  select extract(epoch from d.created_at - a.created_at) * 1000 as queued,
                         extract(epoch from d.first_attempt_at - d.created_at) * 1000 as claimed,
                         extract(epoch from d.delivered_at - d.first_attempt_at) * 1000 as sent
                  from public.alerts a join public.alert_deliveries d on d.alert_id = a.id
                  where a.subject_id = any(@Subjects) and d.state = 'delivered')
                select 'enqueue transaction → planned (outbox, queue, polling, plan)' as step,
                       percentile_cont(0.5) within group (order by queued), percentile_cont(0.99) within group (order by queued) from d
                union all
                select 'planned → claimed', percentile_cont(0.5) within group (order by claimed), percentile_cont(0.99) within group (order by claimed) from d
                union all
                select 'claimed → recorded delivered (send, 5 ms sink, finish)', percentile_cont(0.5) within group (order by sent), percentile_cont(0.99) within group (order by sent) from d
                """, new { Subjects = phase.Subjects })).ToList();
            text.AppendLine($"- {phase.Name}: " + string.Join("; ", rows.Select(r =>
                string.Create(CultureInfo.InvariantCulture, $"{r.Step} p50 {r.P50:F0} ms, p99 {r.P99:F0} ms"))));
        }
        var states = await connection.QueryAsync<(string State, long Count)>(
            "select state::text, count(*) from public.alert_deliveries group by 1 order by 1");
        var unsent = await connection.ExecuteScalarAsync<long>("select count(*) from public.outbox_messages where sent_at is null");
        text.AppendLine($"- delivery log at the end (all phases): {string.Join(", ", states.Select(s => $"{s.State} {s.Count}"))}; outbox rows not sent: {unsent}");
        return text.ToString();
    }
}
