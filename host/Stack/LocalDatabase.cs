using Dapper;
using Npgsql;

namespace Leitstand.LocalHost.Stack;

/// <summary>
/// Applies, in order: the Supabase bootstrap (local only), every migration not yet applied (tracked in
/// supabase_migrations.schema_migrations like the Supabase CLI does), the local after-migration step,
/// and seed.sql once. Each file runs in its own transaction.
/// </summary>
public static class LocalDatabase
{
    public static async Task<IReadOnlyList<string>> PrepareAsync(string adminConnectionString, string supabaseDirectory, bool seed, CancellationToken ct = default)
    {
        var applied = new List<string>();
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(ct);

        await ExecuteFileAsync(connection, Path.Combine(supabaseDirectory, "local", "bootstrap.sql"), ct);
        await connection.ExecuteAsync("""
            create schema if not exists supabase_migrations;
            create table if not exists supabase_migrations.schema_migrations (version text primary key, statements text[], name text);
            create table if not exists supabase_migrations.seed_files (path text primary key, hash text not null);
            """);

        var done = (await connection.QueryAsync<string>("select version from supabase_migrations.schema_migrations")).ToHashSet();
        foreach (var file in Directory.GetFiles(Path.Combine(supabaseDirectory, "migrations"), "*.sql").Order(StringComparer.Ordinal))
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
            throw new InvalidOperationException($"{Path.GetFileName(file)}: {ex.MessageText} ({ex.SqlState}) {ex.Where}", ex);
        }
    }
}
