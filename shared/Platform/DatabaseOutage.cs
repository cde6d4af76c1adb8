using System.Net.Sockets;
using Npgsql;

namespace Leitstand.Platform;

/// <summary>
/// The one rule for "the database cannot be reached right now" (not "the database refused this"): every HTTP
/// endpoint answers it with 503 and Retry-After (HttpEdge), queue and timer functions let it propagate so the
/// message is retried. It covers what a Supabase restart or failover looks like from here:
/// <list type="bullet">
/// <item>no connection: <see cref="NpgsqlException"/> (not a server error) that Npgsql calls transient, or over
/// a <see cref="SocketException"/>, <see cref="IOException"/> or <see cref="TimeoutException"/> (refused, reset,
/// broken stream, connect or command timeout, pool exhausted);</item>
/// <item>the server going away or not accepting yet: SQLSTATE class 08 (connection exception) and 57P (57P01
/// admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 57P04 database dropped, 57P05 idle session
/// timeout), and 53300 (too many connections);</item>
/// <item>timeouts: <see cref="TimeoutException"/>, and an <see cref="OperationCanceledException"/> that is not
/// the caller's own cancellation (<paramref name="callerCancelled"/>): a timeout or the host shutting down.</item>
/// </list>
/// A <see cref="PostgresException"/> of any other class (a check, a unique key, a serialization failure) is the
/// database's answer, not an outage, even where Npgsql calls it transient.
/// </summary>
public static class DatabaseOutage
{
    /// <param name="exception">What was thrown.</param>
    /// <param name="callerCancelled">The caller's token (the request's): its own cancellation is not an outage.</param>
    public static bool Is(Exception exception, CancellationToken callerCancelled = default) => exception switch
    {
        PostgresException server => IsOutageState(server.SqlState),
        NpgsqlException client => client.IsTransient || IsConnectionFailure(client.InnerException),
        TimeoutException or SocketException => true,
        OperationCanceledException => !callerCancelled.IsCancellationRequested,
        AggregateException { InnerExceptions.Count: > 0 } all => all.InnerExceptions.All(e => Is(e, callerCancelled)),
        _ => false,
    };

    /// <summary>SQLSTATE class 08, class 57P, or 53300.</summary>
    public static bool IsOutageState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState.StartsWith("57P", StringComparison.Ordinal)
        || sqlState == PostgresErrorCodes.TooManyConnections;

    private static bool IsConnectionFailure(Exception? inner) => inner switch
    {
        null => false,
        SocketException or IOException or TimeoutException => true,
        PostgresException server => IsOutageState(server.SqlState),
        _ => IsConnectionFailure(inner.InnerException),
    };
}
