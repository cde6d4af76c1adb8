using Leitstand.LocalHost.Stack;
using Npgsql;

namespace Leitstand.Tests.Fixtures;

/// <summary>
/// A database of one test's own on the stack's cluster, cloned from the migrated template
/// (<see cref="StackFixture.CreateDatabaseAsync"/>): the schema and the reference rows, no other test's rows.
/// Dropped after dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly StackFixture _stack;
    private readonly PostgresCluster _cluster;

    internal TestDatabase(StackFixture stack, PostgresCluster cluster, string name)
    {
        _stack = stack;
        _cluster = cluster;
        Name = name;
        Admin = NpgsqlDataSource.Create(cluster.AdminConnectionString(name));
    }

    public string Name { get; }

    /// <summary>As the stack's <see cref="StackFixture.Admin"/>, on this database.</summary>
    public NpgsqlDataSource Admin { get; }

    /// <summary>The functions' role on this database (what a <see cref="RunningHost"/> started with it uses).</summary>
    public string FunctionsConnectionString => _cluster.FunctionsConnectionString(Name);

    /// <summary>Closes <see cref="Admin"/> and has the stack drop the database in the background.</summary>
    public async ValueTask DisposeAsync()
    {
        await Admin.DisposeAsync();
        _stack.DropLater(Name);
    }
}
