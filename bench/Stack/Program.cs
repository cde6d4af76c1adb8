using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Leitstand.LocalHost.Stack;

// The benchmarks' throwaway stack, started with the local stack code (host/Stack) like the tests and bench/Alerts:
// a PostgreSQL 15 cluster (PostgresCluster, throwaway: fsync off; free port; 127.0.0.1 only, no unix socket; as root
// run as the postgres user) with bootstrap, migrations and after-migrations applied (LocalDatabase.PrepareAsync),
// and Azurite in memory (AzuriteServer) on free ports of 127.0.0.1. When everything is up it prints the connection
// details as shell lines (NAME='value') on stdout and, with --env-file, writes the same lines to that file (created
// when ready, removed when stopped). It stays up until SIGTERM, SIGINT, SIGHUP or SIGQUIT (or, when asked, until its
// standard input closes or a given process is gone), then stops both servers and removes its folder under /tmp.
//
//   bash bench/stack.sh [--env-file PATH] [--parent PID] [--stdin] [--durable] [--seed] [--no-azurite]
//   dotnet run --project bench/Stack -c Release -- --env-file /tmp/stack.env
//
// See bench/README.md ("Stack für Benchmarks").

var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

var stopping = new CancellationTokenSource();
var stopReason = "";
void Stop(string why)
{
    lock (stopping)
    {
        if (stopping.IsCancellationRequested) return;
        stopReason = why;
        stopping.Cancel();
    }
}
var signals = new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
    .Select(signal => PosixSignalRegistration.Create(signal, context =>
    {
        context.Cancel = true;
        Stop(context.Signal.ToString());
    }))
    .ToList();

void Status(string text) => Console.Error.WriteLine($"[stack {DateTime.UtcNow:HH:mm:ss}] {text}");

var directory = Path.Combine("/tmp", "leitstand-bench-stack-" + Guid.NewGuid().ToString("N")[..8]);
var postgres = new PostgresCluster(Path.Combine(directory, "pg"), Processes.FreeTcpPort(), throwaway: !options.Durable);
var azurite = options.Azurite
    ? new AzuriteServer(Path.Combine(directory, "azurite"), Processes.FreeTcpPort(), Processes.FreeTcpPort(), Processes.FreeTcpPort(), inMemory: true)
    : null;
var wroteEnvFile = false;
var exitCode = 0;

try
{
    PostgresCluster.EnsureInstalled();
    if (azurite is not null) AzuriteServer.EnsureInstalled();
    if (Processes.IsRoot) await EnsurePostgresUserAsync();
    if (options.EnvFile is { } envFile && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(envFile))))
        throw new InvalidOperationException($"The folder of --env-file {envFile} does not exist.");
    if (options.Parent is { } parent && !IsRunning(parent))
        throw new InvalidOperationException($"--parent {parent}: no such process.");

    Directory.CreateDirectory(directory);
    Status($"PostgreSQL 15 on 127.0.0.1:{postgres.Port} ({(options.Durable ? "fsync on" : "throwaway: fsync off")}) under {directory}" +
           (azurite is null ? "" : $", Azurite in memory on 127.0.0.1:{azurite.BlobPort}/{azurite.QueuePort}/{azurite.TablePort}"));
    // The servers' own starts are not cancelled half-way (a postmaster started after a cancelled pg_ctl would be
    // left behind); a signal during the start takes effect once they are up. The migrations can be cancelled.
    var database = Task.Run(async () =>
    {
        await postgres.StartAsync(CancellationToken.None);
        return await LocalDatabase.PrepareAsync(postgres, RepoPaths.Supabase, options.Seed, ct: stopping.Token);
    });
    var storage = azurite?.StartAsync(CancellationToken.None) ?? Task.CompletedTask;
    await Task.WhenAll(database, storage);
    var applied = await database;
    stopping.Token.ThrowIfCancellationRequested();

    var postmaster = PostmasterPid(postgres.DataDirectory)
        ?? throw new InvalidOperationException($"No postmaster.pid in {postgres.DataDirectory}.");
    var lines = new List<(string Name, string Value)>
    {
        ("STACK_PID", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)),
        ("STACK_DIR", directory),
        ("PGHOST", "127.0.0.1"),
        ("PGPORT", postgres.Port.ToString(CultureInfo.InvariantCulture)),
        ("PGUSER", "postgres"),
        ("PGDATABASE", "postgres"),
        ("PG_BIN", postgres.BinDirectory),
        ("PG_DATA", postgres.DataDirectory),
        ("PG_LOG", postgres.LogFile),
        ("PG_POSTMASTER_PID", postmaster.ToString(CultureInfo.InvariantCulture)),
        ("PG_DURABLE", options.Durable ? "1" : "0"),
        ("PG_MIGRATIONS", applied.Count(file => file != "seed.sql").ToString(CultureInfo.InvariantCulture)),
        ("PG_SEEDED", applied.Contains("seed.sql") ? "1" : "0"),
        ("ADMIN_CONNECTION_STRING", postgres.AdminConnectionString()),
        ("SUPERUSER_CONNECTION_STRING", postgres.SuperuserConnectionString()),
        ("FUNCTIONS_CONNECTION_STRING", postgres.FunctionsConnectionString()),
    };
    if (azurite is not null)
    {
        lines.Add(("AZURITE_PID", azurite.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? ""));
        lines.Add(("AZURITE_BLOB_PORT", azurite.BlobPort.ToString(CultureInfo.InvariantCulture)));
        lines.Add(("AZURITE_QUEUE_PORT", azurite.QueuePort.ToString(CultureInfo.InvariantCulture)));
        lines.Add(("AZURITE_TABLE_PORT", azurite.TablePort.ToString(CultureInfo.InvariantCulture)));
        lines.Add(("STORAGE_CONNECTION_STRING", azurite.ConnectionString));
    }
    var text = new StringBuilder();
    text.Append(CultureInfo.InvariantCulture,
        $"# bench/Stack (PID {Environment.ProcessId}): up until SIGTERM; read with: set -a; . <this file>; set +a\n");
    foreach (var (name, value) in lines) text.Append(CultureInfo.InvariantCulture, $"{name}={ShellQuote(value)}\n");

    if (options.EnvFile is { } path)
    {
        // Written whole and then renamed, so whoever waits for the file never reads half of it.
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        await File.WriteAllTextAsync(temporary, text.ToString(), CancellationToken.None);
        File.Move(temporary, path, overwrite: true);
        wroteEnvFile = true;
    }
    Console.Out.Write(text.ToString());
    Console.Out.Flush();
    Status($"ready: {applied.Count(file => file != "seed.sql")} migrations applied{(applied.Contains("seed.sql") ? ", seed.sql" : "")}" +
           (options.EnvFile is null ? "" : $", written to {options.EnvFile}") + "; stop with SIGTERM or Ctrl-C");

    if (options.Stdin)
    {
        _ = Task.Run(() =>
        {
            try
            {
                using var input = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (input.Read(buffer, 0, buffer.Length) > 0) { }
            }
            catch (IOException)
            {
                // closed as well
            }
            Stop("standard input closed");
        });
    }

    // Until stopped: also stops when the parent (--parent) is gone, and fails when a server died.
    while (!stopping.IsCancellationRequested)
    {
        try { await Task.Delay(500, stopping.Token); }
        catch (OperationCanceledException) { break; }
        if (options.Parent is { } watched && !IsRunning(watched))
            Stop($"process {watched} (--parent) is gone");
        else if (!IsRunning(postmaster))
            throw new InvalidOperationException($"PostgreSQL (postmaster {postmaster}) stopped on its own.");
        else if (azurite is not null && azurite.ProcessId is null)
            throw new InvalidOperationException("Azurite stopped on its own.");
    }
    Status($"stopping ({stopReason})");
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    Status($"stopped during the start ({stopReason})");
    exitCode = 1;
}
catch (Exception e)
{
    Console.Error.WriteLine($"bench/Stack failed: {e.Message}");
    if (File.Exists(postgres.LogFile))
        Console.Error.WriteLine("last PostgreSQL log lines:\n" + string.Join('\n', File.ReadLines(postgres.LogFile).TakeLast(20)));
    exitCode = 1;
}
finally
{
    if (wroteEnvFile && options.EnvFile is { } path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Status($"could not delete {path}: {e.Message}"); }
    }
    if (azurite is not null) await azurite.StopAsync();
    await postgres.StopAsync();
    try
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        Status($"could not delete {directory}: {e.Message}");
    }
    Status("stopped and removed");
    foreach (var registration in signals) registration.Dispose();
}
return exitCode;

static int? PostmasterPid(string dataDirectory)
{
    try
    {
        var first = File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault();
        return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
}

// Whether a process exists and has not exited: a process that ended but was not reaped yet (a zombie, e.g. when its
// parent is gone and PID 1 does not reap) still has its /proc entry.
static bool IsRunning(int pid)
{
    try
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var state = stat[(stat.LastIndexOf(')') + 2)..];
        return state.Length > 0 && state[0] is not ('Z' or 'X' or 'x');
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
    {
        return false;
    }
}

// As root, PostgreSQL runs as the postgres user (host/Stack uses runuser); say so clearly when that user is missing.
static async Task EnsurePostgresUserAsync()
{
    try
    {
        await Processes.RunAsync("id", ["-u", "postgres"]);
    }
    catch (InvalidOperationException)
    {
        throw new InvalidOperationException(
            "As root, PostgreSQL runs as the user 'postgres', which does not exist (it comes with apt-get install postgresql-15).");
    }
}

// One shell word: single quotes, an inner ' as '\''.
static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

internal sealed record Options(string? EnvFile, int? Parent, bool Stdin, bool Durable, bool Seed, bool Azurite)
{
    public const string Usage = """
        usage: bench/stack.sh [--env-file PATH] [--parent PID] [--stdin] [--durable] [--seed] [--no-azurite]
          --env-file PATH  also write the NAME='value' lines to PATH once everything is up (removed at the stop)
          --parent PID     stop when process PID is gone (e.g. the calling script's $$)
          --stdin          stop when standard input closes
          --durable        fsync, synchronous_commit and full_page_writes on (default off: a throwaway cluster)
          --seed           also apply supabase/seed.sql (demo data)
          --no-azurite     PostgreSQL only
        """;

    public static Options? Parse(string[] args)
    {
        string? envFile = null;
        int? parent = null;
        bool stdin = false, durable = false, seed = false, azurite = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--env-file" when i + 1 < args.Length:
                    envFile = args[++i];
                    break;
                case "--parent" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0:
                    parent = pid;
                    i++;
                    break;
                case "--stdin": stdin = true; break;
                case "--durable": durable = true; break;
                case "--seed": seed = true; break;
                case "--no-azurite": azurite = false; break;
                default:
                    Console.Error.WriteLine(args[i] is "--help" or "-h" ? "" : $"unknown or incomplete option: {args[i]}");
                    return null;
            }
        }
        return new Options(envFile, parent, stdin, durable, seed, azurite);
    }
}
