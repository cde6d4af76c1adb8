using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

// Open-loop (fixed-rate) load generator for bench/run.sh: sends POST heartbeats at a fixed rate on a
// schedule that does not wait for answers, and measures each latency from the moment the request was
// DUE (so a stalled server is not hidden by a waiting client: no coordinated omission). Bounded in
// rate, duration, request count and requests in flight; refuses any target that is not loopback.
//
//   dotnet Leitstand.Bench.LoadGen.dll --url http://127.0.0.1:7071/api/heartbeat --rate 1000 --seconds 20
//       [--warmup-seconds 3] [--agents 1000] [--connections 64] [--dump latencies.tsv]
//
// Prints a human summary and one line "RESULT key=value ..." for the script.

var inv = CultureInfo.InvariantCulture;
var options = ParseArgs(args);
var url = new Uri(Get(options, "url", "http://127.0.0.1:7071/api/heartbeat"));
var rate = int.Parse(Get(options, "rate", "1000"), inv);
var seconds = double.Parse(Get(options, "seconds", "20"), inv);
var warmupSeconds = double.Parse(Get(options, "warmup-seconds", "3"), inv);
var agents = int.Parse(Get(options, "agents", "1000"), inv);
var connections = int.Parse(Get(options, "connections", "64"), inv);
var dump = options.GetValueOrDefault("dump");

if (!IsLoopback(url))
    return Fail($"only loopback targets are allowed, not {url.Host}");
if (rate is < 1 or > 20_000) return Fail("--rate must be 1..20000");
if (seconds is <= 0 or > 120 || warmupSeconds is < 0 or > 60) return Fail("--seconds must be in (0,120], --warmup-seconds in [0,60]");
if (agents is < 1 or > 1_000_000) return Fail("--agents must be 1..1000000");
if (connections is < 1 or > 512) return Fail("--connections must be 1..512");

const int MaxInFlight = 20_000;
var total = (int)Math.Round(rate * seconds);
var warmup = (int)Math.Round(rate * warmupSeconds);
var body = Encoding.UTF8.GetBytes(
    """{"status":"ok","agent_version":"1.0.0","uptime_seconds":60,"messages_handled":1,"failed_runs":0,"queue_depth":0,"latency_p50_ms":12,"latency_p95_ms":40}""");
var keys = Enumerable.Range(1, agents).Select(i => "bench-key-" + i.ToString(inv)).ToArray();
var json = new MediaTypeHeaderValue("application/json");

using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = connections,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    UseProxy = false,
    AllowAutoRedirect = false,
    UseCookies = false,
    AutomaticDecompression = DecompressionMethods.None,
};
using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
client.DefaultRequestVersion = HttpVersion.Version11;

var tickToMs = 1000.0 / Stopwatch.Frequency;
long ok = 0, non2xx = 0, failed = 0, dropped = 0, inFlight = 0;
var corrected = new double[total];     // ms from due time to full answer (the figure that counts)
var uncorrected = new double[total];   // ms from actual send to full answer
Array.Fill(corrected, double.NaN);
Array.Fill(uncorrected, double.NaN);

async Task SendAsync(int index, long due, bool measured)
{
    var started = Stopwatch.GetTimestamp();
    try
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = json;
        request.Headers.TryAddWithoutValidation("X-Agent-Key", keys[Random.Shared.Next(keys.Length)]);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        var end = Stopwatch.GetTimestamp();
        if (!measured) return;
        if ((int)response.StatusCode is >= 200 and < 300) Interlocked.Increment(ref ok);
        else Interlocked.Increment(ref non2xx);
        corrected[index] = (end - due) * tickToMs;
        uncorrected[index] = (end - started) * tickToMs;
    }
    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
    {
        if (measured) Interlocked.Increment(ref failed);
    }
    finally
    {
        Interlocked.Decrement(ref inFlight);
    }
}

var tasks = new List<Task>(warmup + total);
var interval = (double)Stopwatch.Frequency / rate;
var origin = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
var measureStart = origin + (long)(warmup * interval);
var deadline = origin + (long)((warmup + total) * interval) + Stopwatch.Frequency * 30;
var next = 0;
while (next < warmup + total)
{
    var now = Stopwatch.GetTimestamp();
    if (now > deadline) break;
    while (next < warmup + total)
    {
        var due = origin + (long)(next * interval);
        if (due > now) break;
        var measured = next >= warmup;
        if (Interlocked.Read(ref inFlight) >= MaxInFlight)
        {
            if (measured) dropped++;
        }
        else
        {
            Interlocked.Increment(ref inFlight);
            tasks.Add(SendAsync(measured ? next - warmup : -1, due, measured));
        }
        next++;
    }
    // Sleep (≈1 ms granularity) rather than spin: the generator shares the 2 cores with what it measures.
    // A request sent up to ~1 ms late has that delay in its latency (measured from the due time).
    if (origin + (long)(next * interval) > Stopwatch.GetTimestamp()) Thread.Sleep(1);
}
var scheduleEnd = Stopwatch.GetTimestamp();
await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
var lastAnswer = Stopwatch.GetTimestamp();

if (dump is not null)
{
    // one line per measured request: seconds since the measured part began (due time), latency in ms
    await using var writer = new StreamWriter(dump);
    for (var i = 0; i < total; i++)
        await writer.WriteLineAsync(string.Create(inv, $"{i / (double)rate:F4}\t{corrected[i]:F3}"));
}

var done = corrected.Where(v => !double.IsNaN(v)).Order().ToArray();
var raw = uncorrected.Where(v => !double.IsNaN(v)).Order().ToArray();
double P(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
var window = (scheduleEnd - measureStart) * tickToMs / 1000;
var achieved = window > 0 ? (ok + non2xx) / window : 0;

Console.WriteLine(string.Create(inv,
    $"open loop {rate} req/s for {seconds} s (+{warmupSeconds} s warm-up) to {url}, {agents} agents, ≤{connections} connections"));
Console.WriteLine(string.Create(inv,
    $"  answered {ok + non2xx} ({ok} 2xx, {non2xx} other), {failed} failed, {dropped} dropped (>{MaxInFlight} in flight), offered rate reached {achieved:F0} req/s"));
Console.WriteLine(string.Create(inv,
    $"  latency from due time: p50 {P(done, .50):F2} ms, p90 {P(done, .90):F2} ms, p99 {P(done, .99):F2} ms, p99.9 {P(done, .999):F2} ms, max {P(done, 1):F2} ms"));
Console.WriteLine(string.Create(inv,
    $"  latency from send:     p50 {P(raw, .50):F2} ms, p99 {P(raw, .99):F2} ms; last answer {(lastAnswer - scheduleEnd) * tickToMs:F0} ms after the schedule"));
Console.WriteLine(string.Create(inv,
    $"RESULT requests={total} ok={ok} non2xx={non2xx} failed={failed} dropped={dropped} rate={achieved:F1} p50_ms={P(done, .50):F3} p90_ms={P(done, .90):F3} p99_ms={P(done, .99):F3} p999_ms={P(done, .999):F3} max_ms={P(done, 1):F3} raw_p50_ms={P(raw, .50):F3} raw_p99_ms={P(raw, .99):F3}"));
return failed + non2xx + dropped == 0 ? 0 : 2;

static Dictionary<string, string> ParseArgs(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument {args[i]}");
        result[args[i][2..]] = args[i + 1];
    }
    return result;
}

static string Get(Dictionary<string, string> options, string name, string fallback) =>
    options.TryGetValue(name, out var value) ? value : fallback;

static bool IsLoopback(Uri uri) =>
    uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

static int Fail(string message)
{
    Console.Error.WriteLine("loadgen: " + message);
    return 1;
}
