using Leitstand.Platform;
using Microsoft.Extensions.DependencyInjection;

namespace Leitstand.Tests.Fixtures;

/// <summary>
/// For features that read the whole database (the KPI board, the daily list): each test gets a database of its
/// own, cloned from the migrated template (<see cref="StackFixture.CreateDatabaseAsync"/>), so it sees exactly
/// the rows it creates, at the dates it names, and leaves nothing behind (the database is dropped after it).
/// The host runs against that database on a clock the test sets.
/// </summary>
public abstract class OwnDatabaseTestBase(StackFixture stack, DateTimeOffset clockStart) : IAsyncLifetime
{
    protected static readonly TimeZoneInfo Berlin = BerlinTime.Zone;

    private TestDatabase _database = null!;

    protected ManualClock Clock { get; } = new(clockStart);
    protected RunningHost Host { get; private set; } = null!;

    /// <summary>The test's own database, as its owner (the stack's shared database is not the test's: never use <c>StackFixture.Admin</c> here).</summary>
    protected Npgsql.NpgsqlDataSource Admin => _database.Admin;

    public async Task InitializeAsync()
    {
        _database = await stack.CreateDatabaseAsync();
        Host = await StartHostAsync();
    }

    public async Task DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }

    /// <summary>A host on the test's database and clock (<see cref="Host"/> is one; a test may start another).</summary>
    protected Task<RunningHost> StartHostAsync() =>
        RunningHost.StartAsync(stack, options: o => o with { ConfigureServices = s => s.AddSingleton<TimeProvider>(Clock) }, database: _database);

    /// <summary>An instant from a Berlin wall-clock time.</summary>
    protected static DateTime Local(int year, int month, int day, int hour, int minute = 0) =>
        TimeZoneInfo.ConvertTimeToUtc(new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified), Berlin);

    /// <summary>The Berlin date of an instant.</summary>
    protected static DateOnly Day(DateTime utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, Berlin));

    protected async Task ExecuteAsync(string sql, object? param = null)
    {
        await using var connection = await Admin.OpenConnectionAsync();
        await Dapper.SqlMapper.ExecuteAsync(connection, sql, param);
    }

    protected Task<T> ScalarAsync<T>(string sql, object? param = null) => Crm.ScalarAsync<T>(Admin, sql, param);
}
