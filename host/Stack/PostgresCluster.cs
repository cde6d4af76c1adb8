namespace Leitstand.LocalHost.Stack;

/// <summary>
/// A PostgreSQL cluster from the machine's binaries, on 127.0.0.1 only, TCP only, trust authentication
/// (a developer's or a test's throwaway database; never exposed beyond loopback).
/// </summary>
public sealed class PostgresCluster(string directory, int port, bool throwaway) : IAsyncDisposable
{
    public static string BinDirectory =>
        Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } bin ? bin : "/usr/lib/postgresql/15/bin";

    public int Port => port;
    public string DataDirectory => Path.Combine(directory, "data");
    public string LogFile => Path.Combine(directory, "postgres.log");
    public bool Started { get; private set; }

    public string AdminConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={port};Username=postgres;Database={database};Pooling=false;Timeout=15";

    public string FunctionsConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={port};Username=leitstand_functions;Database={database};Maximum Pool Size=50;Max Auto Prepare=20";

    public static void EnsureInstalled()
    {
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")))
            throw new InvalidOperationException(
                $"PostgreSQL 15 server binaries not found in {BinDirectory}. Install them with: apt-get install postgresql-15 " +
                "(or set PG_BIN to the folder that holds initdb and pg_ctl).");
    }

    /// <summary>Creates the cluster if its folder is new, then starts it. Returns true if it was created.</summary>
    public async Task<bool> StartAsync(CancellationToken ct = default)
    {
        EnsureInstalled();
        Directory.CreateDirectory(directory);
        var created = false;
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            if (Processes.IsRoot) await Processes.RunAsync("chown", ["postgres:postgres", directory], ct: ct);
            await Processes.RunAsync(Path.Combine(BinDirectory, "initdb"),
                ["-D", DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", .. (throwaway ? ["--no-sync"] : Array.Empty<string>())], asPostgresUser: true, ct);
            created = true;
        }
        else if (Processes.IsRoot)
        {
            await Processes.RunAsync("chown", ["postgres:postgres", directory], ct: ct);
        }

        var options = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200";
        if (throwaway) options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        await Processes.RunAsync(Path.Combine(BinDirectory, "pg_ctl"),
            ["-D", DataDirectory, "-o", options, "-l", LogFile, "-w", "-t", "60", "start"], asPostgresUser: true, ct);
        Started = true;
        return created;
    }

    public async Task StopAsync()
    {
        if (!Started) return;
        Started = false;
        try
        {
            await Processes.RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "stop"], asPostgresUser: true);
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
