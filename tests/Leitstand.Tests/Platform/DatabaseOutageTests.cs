using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using Leitstand.LocalHost.Stack;
using Leitstand.Platform;
using Leitstand.Tests.Fixtures;
using Npgsql;

namespace Leitstand.Tests.Platform;

/// <summary>
/// The one rule for "the database cannot be reached" (shared/Platform/DatabaseOutage.cs): what a Supabase restart,
/// failover or overload throws counts, the database's own refusals and the caller's own cancellation do not.
/// Real exceptions from the test cluster where they can be provoked, constructed ones for the other SQLSTATEs.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DatabaseOutageTests(StackFixture stack)
{
    private static async Task<Exception> ThrownAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex)
        {
            return ex;
        }
        throw new Xunit.Sdk.XunitException("Expected an exception.");
    }

    [Fact]
    public async Task A_refused_connection_is_an_outage()
    {
        await using var nowhere = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={Processes.FreeTcpPort()};Username=postgres;Timeout=2;Pooling=false");

        var ex = await ThrownAsync(async () => await nowhere.OpenConnectionAsync());

        Assert.IsType<NpgsqlException>(ex);
        Assert.IsType<SocketException>(ex.InnerException);
        Assert.True(DatabaseOutage.Is(ex));
    }

    [Fact]
    public async Task A_session_the_server_terminates_is_an_outage_as_in_a_restart()
    {
        await using var connection = new NpgsqlConnection(stack.Postgres.AdminConnectionString());
        await connection.OpenAsync();
        var pid = await connection.ExecuteScalarAsync<int>("select pg_backend_pid()");
        await using (var admin = await stack.Admin.OpenConnectionAsync())
            await admin.ExecuteAsync("select pg_terminate_backend(@pid)", new { pid });

        var ex = await ThrownAsync(() => connection.ExecuteScalarAsync<int>("select 1"));

        // What a pooled connection meets when PostgreSQL shuts down: 57P01 "terminating connection due to administrator command".
        var server = Assert.IsType<PostgresException>(ex);
        Assert.Equal(PostgresErrorCodes.AdminShutdown, server.SqlState);
        Assert.True(DatabaseOutage.Is(ex));
    }

    [Fact]
    public async Task A_command_timeout_is_an_outage()
    {
        await using var connection = new NpgsqlConnection(stack.Postgres.AdminConnectionString() + ";Command Timeout=1");
        await connection.OpenAsync();

        var ex = await ThrownAsync(() => connection.ExecuteAsync("select pg_sleep(5)"));

        Assert.IsType<NpgsqlException>(ex);
        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.True(DatabaseOutage.Is(ex));
    }

    [Fact]
    public async Task The_callers_own_cancellation_is_not_an_outage_but_a_timeout_token_is()
    {
        await using var connection = new NpgsqlConnection(stack.Postgres.AdminConnectionString());
        await connection.OpenAsync();
        using var request = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var ex = await ThrownAsync(() => connection.ExecuteAsync(new CommandDefinition("select pg_sleep(5)", cancellationToken: request.Token)));

        Assert.IsAssignableFrom<OperationCanceledException>(ex);
        Assert.False(DatabaseOutage.Is(ex, request.Token));
        // The same cancellation from a timeout of the work's own (the request still waits): the database was too slow.
        Assert.True(DatabaseOutage.Is(ex, CancellationToken.None));
    }

    [Fact]
    public async Task The_databases_refusals_are_not_an_outage()
    {
        await using var connection = await stack.Admin.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("create temp table outage_probe (id int primary key, n int check (n > 0)) on commit drop", transaction: tx);
        await connection.ExecuteAsync("insert into outage_probe values (1, 1)", transaction: tx);

        var refusals = new List<Exception>();
        foreach (var sql in new[] { "insert into outage_probe values (1, 1)", "insert into outage_probe values (2, -1)", "select 1 / 0", "select * from no_such_table" })
        {
            await connection.ExecuteAsync("savepoint probe", transaction: tx);
            refusals.Add(await ThrownAsync(() => connection.ExecuteAsync(sql, transaction: tx)));
            await connection.ExecuteAsync("rollback to savepoint probe", transaction: tx);
        }

        Assert.Equal(["23505", "23514", "22012", "42P01"], refusals.Select(r => Assert.IsType<PostgresException>(r).SqlState));
        Assert.All(refusals, r => Assert.False(DatabaseOutage.Is(r)));
    }

    [Theory]
    [InlineData("08000", true)] // connection_exception
    [InlineData("08003", true)] // connection_does_not_exist
    [InlineData("08006", true)] // connection_failure
    [InlineData("08001", true)] // sqlclient_unable_to_establish_sqlconnection
    [InlineData("57P01", true)] // admin_shutdown
    [InlineData("57P02", true)] // crash_shutdown
    [InlineData("57P03", true)] // cannot_connect_now (starting up, shutting down)
    [InlineData("57P04", true)] // database_dropped
    [InlineData("57P05", true)] // idle_session_timeout
    [InlineData("53300", true)] // too_many_connections
    [InlineData("57014", false)] // query_canceled: a statement timeout or a cancel, the request's business
    [InlineData("40001", false)] // serialization_failure: transient for Npgsql, but the database answered
    [InlineData("40P01", false)] // deadlock_detected: likewise
    [InlineData("23514", false)] // check_violation: a rule said no
    [InlineData("P0001", false)] // raise_exception
    public void A_server_error_is_an_outage_only_in_sqlstate_classes_08_and_57P_and_for_too_many_connections(string sqlState, bool outage)
    {
        var ex = new PostgresException("message", "FATAL", "FATAL", sqlState);

        Assert.Equal(outage, DatabaseOutage.Is(ex));
    }

    [Fact]
    public void Exceptions_from_elsewhere_are_not_an_outage_except_timeouts()
    {
        Assert.True(DatabaseOutage.Is(new TimeoutException()));
        Assert.True(DatabaseOutage.Is(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
        Assert.True(DatabaseOutage.Is(new AggregateException(new TimeoutException(), new NpgsqlException("x", new SocketException()))));
        Assert.False(DatabaseOutage.Is(new AggregateException(new TimeoutException(), new InvalidOperationException())));
        Assert.False(DatabaseOutage.Is(new InvalidOperationException("Connection is not open")));
        Assert.False(DatabaseOutage.Is(new JsonException()));
        Assert.False(DatabaseOutage.Is(new NpgsqlException("A client-side problem without a cause")));
    }
}
