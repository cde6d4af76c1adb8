using Leitstand.LocalHost.Stack;
using Npgsql;

namespace Leitstand.Tests.Fixtures;

/// <summary>
/// One throwaway PostgreSQL cluster (free port, temp folder, migrations applied) and one in-memory
/// Azurite for the whole test run. Tests create their own data (unique emails) and never depend on
/// another test's rows; tests that read the whole database get a database of their own
/// (<see cref="CreateDatabaseAsync"/>).
/// </summary>
public sealed class StackFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "leitstand-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public PostgresCluster Postgres { get; private set; } = null!;
    public AzuriteServer Azurite { get; private set; } = null!;
    public NpgsqlDataSource Admin { get; private set; } = null!;

    public string FunctionsConnectionString => Postgres.FunctionsConnectionString();

    public async Task InitializeAsync()
    {
        Postgres = new PostgresCluster(Path.Combine(_directory, "pg"), Processes.FreeTcpPort(), throwaway: true);
        Azurite = new AzuriteServer(Path.Combine(_directory, "azurite"), Processes.FreeTcpPort(), Processes.FreeTcpPort(), Processes.FreeTcpPort(), inMemory: true);
        await Task.WhenAll(StartPostgresAsync(), Azurite.StartAsync());
        Admin = NpgsqlDataSource.Create(Postgres.AdminConnectionString());
    }

    private async Task StartPostgresAsync()
    {
        await Postgres.StartAsync();
        // before the migrations: every database of the cluster records the seeded PII and what the app writes (PiiCapture)
        await PiiCapture.RecordAsync(Postgres);
        await LocalDatabase.PrepareAsync(Postgres, RepoPaths.Supabase, seed: false);
        await CreateTemplateAsync();
    }

    /// <summary>The migrated database as it is before any test, copied once; no test connects to it (a clone needs it idle).</summary>
    public const string TemplateDatabase = "leitstand_template";

    private async Task CreateTemplateAsync()
    {
        await using var connection = new NpgsqlConnection(Postgres.AdminConnectionString("template1"));
        await connection.OpenAsync();
        foreach (var sql in new[]
        {
            $"create database {TemplateDatabase} template postgres strategy file_copy",
            $"alter database {TemplateDatabase} with is_template true allow_connections false",
        })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private readonly Lock _clones = new();
    private Task<string>? _nextClone;
    private readonly List<Task> _drops = [];

    /// <summary>
    /// A fresh database cloned from <see cref="TemplateDatabase"/>, for tests that read the whole database and so
    /// must not see other tests' rows. Dispose it to drop it. A clone is a file copy (a fraction of a second), and
    /// the next one is made while the test runs, as the drop after it is, so a test hardly waits for either.
    /// </summary>
    public async Task<TestDatabase> CreateDatabaseAsync()
    {
        Task<string> clone;
        lock (_clones)
        {
            clone = _nextClone ?? CloneAsync();
            _nextClone = CloneAfterAsync(clone);
        }
        string name;
        try { name = await clone; }
        catch (NpgsqlException) { name = await CloneAsync(); } // made ahead while the cluster was unwell: once more, now
        return new TestDatabase(this, Postgres, name);
    }

    private async Task<string> CloneAfterAsync(Task previous)
    {
        try { await previous; } catch (NpgsqlException) { } catch (InvalidOperationException) { } // the caller sees it
        return await CloneAsync();
    }

    private async Task<string> CloneAsync()
    {
        var name = "test_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(Postgres.AdminConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"create database {name} template {TemplateDatabase} strategy file_copy", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    internal void DropLater(string database)
    {
        lock (_clones) _drops.Add(DropAsync(database));
    }

    private async Task DropAsync(string database)
    {
        // A host's pool may still hold connections: FORCE ends them. As the superuser, because connections of other
        // roles (supabase_admin, authenticated) may be among them and postgres may not end those.
        await using var connection = new NpgsqlConnection(Postgres.SuperuserConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop database if exists {database} with (force)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        if (Admin is not null) await Admin.DisposeAsync();
        Task[] pending;
        lock (_clones) pending = [.. _drops, _nextClone ?? Task.CompletedTask];
        try { await Task.WhenAll(pending); } catch (NpgsqlException) { } // the cluster goes anyway
        await Azurite.StopAsync();
        await Postgres.StopAsync();
        PiiCapture.CopyLog(Postgres.LogFile);
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The stack, and Chromium for the browser tests (launched only when a test first asks for a context).</summary>
[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>, ICollectionFixture<Leitstand.Tests.Browser.Chromium>
{
    public const string Name = "stack";
}
