using System.Collections.Concurrent;
using Dapper;
using Leitstand.LocalHost.Stack;
using Leitstand.Tests.Fixtures;
using Npgsql;

namespace Leitstand.Tests.Database.Migrations;

/// <summary>
/// A database of one test's own as a deployed one stood before a migration: the bootstrap and the migrations before
/// that file, applied by <see cref="LocalDatabase.PrepareAsync(PostgresCluster, string, bool, string, CancellationToken, string?)"/>
/// exactly as the fixtures and <c>supabase db push</c> do. The test writes rows in the old shape, then
/// <see cref="MigrateAsync"/> applies the rest (the same call without a limit: what a deploy does), and the test reads
/// the new shape. The database is cloned from a template migrated once per migration and cluster (a file copy), and
/// dropped as the superuser on dispose.
/// </summary>
public sealed class DatabaseBeforeMigration : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<(int Port, string Migration), Lazy<Task<string>>> Templates = new();

    private readonly StackFixture _stack;

    private DatabaseBeforeMigration(StackFixture stack, string name)
    {
        _stack = stack;
        Name = name;
        Admin = NpgsqlDataSource.Create(stack.Postgres.AdminConnectionString(name));
    }

    public string Name { get; }

    /// <summary>The role postgres on this database (owner of the tables, as the migrations and the team's psql).</summary>
    public NpgsqlDataSource Admin { get; }

    /// <param name="migration">The file name of the migration under test, e.g. <c>20261207182000_task_texts_without_names.sql</c>.</param>
    public static async Task<DatabaseBeforeMigration> CreateAsync(StackFixture stack, string migration)
    {
        var template = await Templates.GetOrAdd((stack.Postgres.Port, migration),
            key => new Lazy<Task<string>>(() => CreateTemplateAsync(stack, key.Migration))).Value;
        var name = "migr_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(stack.Postgres.AdminConnectionString());
        await connection.OpenAsync();
        await connection.ExecuteAsync($"create database {name} template {template} strategy file_copy");
        return new DatabaseBeforeMigration(stack, name);
    }

    private static async Task<string> CreateTemplateAsync(StackFixture stack, string migration)
    {
        var name = "before_" + migration[..Math.Min(14, migration.Length)] + "_" + Guid.NewGuid().ToString("N")[..6];
        await stack.Postgres.CreateDatabaseAsync(name);
        await LocalDatabase.PrepareAsync(stack.Postgres, RepoPaths.Supabase, seed: false, name, before: migration);
        await using var connection = new NpgsqlConnection(stack.Postgres.AdminConnectionString());
        await connection.OpenAsync();
        await connection.ExecuteAsync($"alter database {name} with is_template true allow_connections false");
        return name;
    }

    /// <summary>
    /// Applies the migrations not yet applied, as a deploy does (<paramref name="before"/>: only up to that file).
    /// Returns the files applied.
    /// </summary>
    public Task<IReadOnlyList<string>> MigrateAsync(string? before = null) =>
        LocalDatabase.PrepareAsync(_stack.Postgres, RepoPaths.Supabase, seed: false, Name, before: before);

    public async Task ExecuteAsync(string sql, object? param = null)
    {
        await using var connection = await Admin.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, param);
    }

    public async Task<T> ScalarAsync<T>(string sql, object? param = null)
    {
        await using var connection = await Admin.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, param))!;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? param = null)
    {
        await using var connection = await Admin.OpenConnectionAsync();
        return (await connection.QueryAsync<T>(sql, param)).ToList();
    }

    /// <summary>A query as a signed-in Supabase user (role authenticated, JWT claims set), as the status center runs it.</summary>
    public async Task<List<T>> QueryAsUserAsync<T>(Guid userId, string sql, object? param = null)
    {
        await using var connection = await Admin.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var claims = System.Text.Json.JsonSerializer.Serialize(new { sub = userId, role = "authenticated" });
        await connection.ExecuteAsync("select set_config('request.jwt.claims', @claims, true); set local role authenticated;", new { claims }, tx);
        var rows = (await connection.QueryAsync<T>(sql, param, tx)).ToList();
        await tx.CommitAsync();
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await Admin.DisposeAsync();
        // As the superuser: FORCE ends the sessions of any role, which postgres may not.
        await using var connection = new NpgsqlConnection(_stack.Postgres.SuperuserConnectionString());
        await connection.OpenAsync();
        await connection.ExecuteAsync($"drop database if exists {Name} with (force)");
    }
}
