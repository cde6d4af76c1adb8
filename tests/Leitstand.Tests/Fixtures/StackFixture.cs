using Leitstand.LocalHost.Stack;
using Npgsql;

namespace Leitstand.Tests.Fixtures;

/// <summary>
/// One throwaway PostgreSQL cluster (free port, temp folder, migrations applied) and one in-memory
/// Azurite for the whole test run. Tests create their own data (unique emails) and never depend on
/// another test's rows.
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
        await LocalDatabase.PrepareAsync(Postgres, RepoPaths.Supabase, seed: false);
    }

    public async Task DisposeAsync()
    {
        if (Admin is not null) await Admin.DisposeAsync();
        await Azurite.StopAsync();
        await Postgres.StopAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
