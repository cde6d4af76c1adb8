using System.Diagnostics;
using System.Threading.Channels;

namespace Leitstand.Agent.Supervision;

/// <summary>
/// What the supervisor knows about the child, shared with the heartbeat loop. Holds operational facts only
/// (status, error class and code, counts, times): never the child's output, arguments, environment or file names.
/// </summary>
internal sealed class AgentState(TimeProvider clock)
{
    private readonly Lock _lock = new();
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly List<Guid> _acks = [];
    private string _status = "ok";
    private string? _errorClass;
    private string? _errorCode;
    private long _failedRuns;
    private long _restarts;
    private DateTimeOffset? _childStartedAt;
    private Process? _child;

    public Snapshot Current()
    {
        Process? child;
        Snapshot snapshot;
        lock (_lock)
        {
            child = _child;
            var uptime = _childStartedAt is { } started ? (long)Math.Max(0, (clock.GetUtcNow() - started).TotalSeconds) : 0;
            snapshot = new Snapshot(_status, _errorClass, _errorCode, uptime, _failedRuns, _restarts, [.. _acks.Take(10)], null, null);
        }
        // Memory (resident) and CPU time of the child while it runs: heartbeat fields memory_bytes and cpu_seconds.
        try
        {
            if (child is { HasExited: false })
            {
                child.Refresh();
                return snapshot with { MemoryBytes = child.WorkingSet64, CpuTime = child.TotalProcessorTime };
            }
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
        return snapshot;
    }

    /// <summary>The child runs; <paramref name="carriedOut"/> are restart commands this start answers.</summary>
    public void Started(Process child, IEnumerable<Guid> carriedOut, bool afterRestart)
    {
        lock (_lock)
        {
            _child = child;
            _childStartedAt = clock.GetUtcNow();
            if (afterRestart) _restarts++;
            _acks.AddRange(carriedOut);
        }
        Notify();
    }

    /// <summary>The child has run long enough to count as healthy: a crash loop or an earlier failure is over.</summary>
    public void Healthy()
    {
        lock (_lock)
        {
            if (_status == "ok") return;
            (_status, _errorClass, _errorCode) = ("ok", null, null);
        }
        Notify();
    }

    /// <summary>The child ended (or could not start). A failure is reported as degraded, a crash loop as error.</summary>
    public void Ended(int exitCode, bool failed, bool crashLoop)
    {
        lock (_lock)
        {
            _child = null;
            _childStartedAt = null;
            if (failed)
            {
                _failedRuns++;
                _errorCode = ExitCode(exitCode);
                (_status, _errorClass) = crashLoop ? ("error", "crash_loop") : _status == "error" ? ("error", _errorClass) : ("degraded", null);
            }
        }
        Notify();
    }

    /// <summary>Commands the server has confirmed (acknowledged in an accepted heartbeat).</summary>
    public void Acknowledged(IReadOnlyCollection<Guid> ids)
    {
        if (ids.Count == 0) return;
        lock (_lock) _acks.RemoveAll(ids.Contains);
    }

    public void Notify() => _changed.Writer.TryWrite(true);

    /// <summary>Waits until the state changes or <paramref name="timeout"/> passes.</summary>
    public async Task WaitForChangeAsync(TimeSpan timeout, CancellationToken stop)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
        wait.CancelAfter(timeout);
        try
        {
            await _changed.Reader.WaitToReadAsync(wait.Token);
            _changed.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested) { }
    }

    private static string ExitCode(int code) => code >= 0 ? $"EXIT_{code}" : $"EXIT_M{-(long)code}";

    public sealed record Snapshot(string Status, string? ErrorClass, string? ErrorCode, long UptimeSeconds, long FailedRuns, long Restarts,
        Guid[] Acks, long? MemoryBytes, TimeSpan? CpuTime);
}
