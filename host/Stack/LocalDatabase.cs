using Dapper;
using Npgsql;

namespace Leitstand.LocalHost.Stack;

/// <summary>
/// Prepares a database the way a Supabase project gets it: the Supabase bootstrap (local only) as the superuser
/// supabase_admin, then, as the role postgres (not a superuser, like `supabase db push`), every migration not yet
/// applied (tracked in supabase_migrations.schema_migrations like the Supabase CLI does), the local after-migration
/// step and seed.sql once. Each file runs in its own transaction; a failure names the file.
/// </summary>
public static class LocalDatabase
{
    /// <summary>Bootstrap, migrations, after-migrations and (if <paramref name="seed"/>) seed.sql in one of the cluster's databases.</summary>
    public static Task<IReadOnlyList<string>> PrepareAsync(PostgresCluster cluster, string supabaseDirectory, bool seed,
        string database = "postgres", CancellationToken ct = default, string? before = null) =>
        PrepareAsync(cluster.SuperuserConnectionString(database), cluster.AdminConnectionString(database), supabaseDirectory, seed, ct, before);

    /// <param name="superuserConnectionString">supabase_admin in the database to prepare: runs local/bootstrap.sql.</param>
    /// <param name="postgresConnectionString">postgres (not a superuser) in the same database: runs the migrations, after-migrations.sql and seed.sql.</param>
    /// <param name="before">
    /// A migration's file name (e.g. <c>20261207182000_task_texts_without_names.sql</c>): only the migrations before it
    /// are applied, without after-migrations.sql and seed.sql, as a database deployed before that file has them; a
    /// later call without it applies the rest (the tests of migrations that rewrite existing rows). Null: all.
    /// </param>
    /// <returns>The files applied this time (migrations and seed.sql).</returns>
    public static async Task<IReadOnlyList<string>> PrepareAsync(string superuserConnectionString, string postgresConnectionString,
        string supabaseDirectory, bool seed, CancellationToken ct = default, string? before = null)
    {
        var migrations = Directory.GetFiles(Path.Combine(supabaseDirectory, "migrations"), "*.sql")
            .Order(StringComparer.Ordinal).ToList();
        if (before is not null)
        {
            var index = migrations.FindIndex(file => Path.GetFileName(file) == before);
            if (index < 0) throw new ArgumentException($"No migration {before} in {supabaseDirectory}/migrations.", nameof(before));
            migrations = migrations[..index];
        }

        await BootstrapAsync(superuserConnectionString, supabaseDirectory, ct);

        var applied = new List<string>();
        await using var connection = new NpgsqlConnection(postgresConnectionString);
        await connection.OpenAsync(ct);
        if (await connection.ExecuteScalarAsync<bool>("select rolsuper from pg_roles where rolname = current_user"))
            throw new InvalidOperationException(
                $"Migrations must run as a role that is not a superuser (postgres, like `supabase db push` on Supabase); {connection.UserName} is one.");

        await connection.ExecuteAsync("""
            create schema if not exists supabase_migrations;
            create table if not exists supabase_migrations.schema_migrations (version text primary key, statements text[], name text);
            create table if not exists supabase_migrations.seed_files (path text primary key, hash text not null);
            """);

        var done = (await connection.QueryAsync<string>("select version from supabase_migrations.schema_migrations")).ToHashSet();
        foreach (var file in migrations)
        {
            var fileName = Path.GetFileNameWithoutExtension(file);
            var separator = fileName.IndexOf('_');
            var version = separator > 0 ? fileName[..separator] : fileName;
            if (done.Contains(version)) continue;
            await ExecuteFileAsync(connection, file, ct, tx => connection.ExecuteAsync(
                "insert into supabase_migrations.schema_migrations (version, name) values (@version, @name)",
                new { version, name = separator > 0 ? fileName[(separator + 1)..] : fileName }, tx));
            applied.Add(Path.GetFileName(file));
        }
        if (before is not null) return applied;

        await ExecuteFileAsync(connection, Path.Combine(supabaseDirectory, "local", "after-migrations.sql"), ct);

        var seedFile = Path.Combine(supabaseDirectory, "seed.sql");
        if (seed && File.Exists(seedFile)
            && await connection.ExecuteScalarAsync<int>("select count(*) from supabase_migrations.seed_files where path = 'seed.sql'") == 0)
        {
            await ExecuteFileAsync(connection, seedFile, ct, tx => connection.ExecuteAsync(
                "insert into supabase_migrations.seed_files (path, hash) values ('seed.sql', md5(@text))",
                new { text = File.ReadAllText(seedFile) }, tx));
            applied.Add("seed.sql");
        }
        return applied;
    }

    /// <summary>supabase/local/bootstrap.sql as the superuser: Supabase's roles, schemas auth and extensions, grants.</summary>
    public static async Task BootstrapAsync(string superuserConnectionString, string supabaseDirectory, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(superuserConnectionString);
        await connection.OpenAsync(ct);
        await ExecuteFileAsync(connection, Path.Combine(supabaseDirectory, "local", "bootstrap.sql"), ct);
    }

    /// <summary>One SQL file in one transaction on a new connection (e.g. schema files as postgres); a failure names the file.</summary>
    public static async Task ExecuteFileAsync(string connectionString, string file, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await ExecuteFileAsync(connection, file, ct);
    }

    private static async Task ExecuteFileAsync(NpgsqlConnection connection, string file, CancellationToken ct,
        Func<NpgsqlTransaction, Task<int>>? record = null)
    {
        var sql = await File.ReadAllTextAsync(file, ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            await using (var command = new NpgsqlCommand(sql, connection, tx))
                await command.ExecuteNonQueryAsync(ct);
            if (record is not null) await record(tx);
            await tx.CommitAsync(ct);
        }
        catch (PostgresException ex)
        {
            var hint = ex.SqlState == PostgresErrorCodes.InsufficientPrivilege
                ? $" [ran as {connection.UserName}; the migrations run as postgres, which is not a superuser on Supabase]"
                : "";
            var where = string.IsNullOrEmpty(ex.Where) ? "" : " " + ex.Where;
            throw new InvalidOperationException($"{Path.GetFileName(file)}: {ex.MessageText} ({ex.SqlState}){where}{hint}", ex);
        }
    }
}
