using Leitstand.LocalHost.Stack;
using Npgsql;

namespace Leitstand.Tests.Fixtures;

/// <summary>
/// A database of one test's own on the stack's cluster, cloned from the migrated template
/// (<see cref="StackFixture.CreateDatabaseAsync"/>): the schema and the reference rows, no other test's rows.
/// Dropped on dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly PostgresCluster _cluster;

    internal TestDatabase(PostgresCluster cluster, string name)
    {
        _cluster = cluster;
        Name = name;
        Admin = NpgsqlDataSource.Create(cluster.AdminConnectionString(name));
    }

    public string Name { get; }

    /// <summary>As the stack's <see cref="StackFixture.Admin"/>, on this database.</summary>
    public NpgsqlDataSource Admin { get; }

    /// <summary>The functions' role on this database (what a <see cref="RunningHost"/> started with it uses).</summary>
    public string FunctionsConnectionString => _cluster.FunctionsConnectionString(Name);

    public async ValueTask DisposeAsync()
    {
        await Admin.DisposeAsync();
        // A host's pool may still hold connections: FORCE ends them.
        await using var connection = new NpgsqlConnection(_cluster.AdminConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop database if exists {Name} with (force)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
