using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Leitstand.Agent.Supervision;

internal enum RestartPolicy { OnFailure, Always, Never }

internal sealed record SupervisorOptions(
    string Command,
    IReadOnlyList<string> Arguments,
    RestartPolicy Restart,
    int CrashLoopStarts,
    TimeSpan CrashLoopWindow,
    TimeSpan HealthyAfter)
{
    public TimeSpan BackoffFirst { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Runs the child with the agent's own stdin, stdout and stderr (inherited, never read), restarts it by policy with
/// backoff (1 s doubling to 60 s, back to 1 s after a healthy run), and calls a crash loop what it is: N failed starts
/// within the window. Restart commands from the server interrupt a run or a backoff. Nothing here waits for the server.
/// </summary>
internal sealed partial class Supervisor(SupervisorOptions options, AgentState state, TimeProvider clock, ILogger log)
{
    private readonly Channel<Guid> _restarts = Channel.CreateUnbounded<Guid>();

    /// <summary>A restart command from the server; acknowledged once the new child runs.</summary>
    public void RequestRestart(Guid commandId) => _restarts.Writer.TryWrite(commandId);

    /// <summary>Supervises until the policy ends it or <paramref name="stop"/>; returns the exit code to leave with.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        var stopped = Task.Delay(Timeout.Infinite, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        Task<bool>? pendingRestart = null;
        Task<bool> RestartRequested() => pendingRestart is { IsCompleted: false } ? pendingRestart : pendingRestart = _restarts.Reader.WaitToReadAsync().AsTask();

        var backoff = options.BackoffFirst;
        var failedStarts = new Queue<DateTimeOffset>();
        var carriedOut = new List<Guid>();
        var afterRestart = false;
        var lastExit = 0;
        while (!stop.IsCancellationRequested)
        {
            var child = TryStart();
            var healthy = false;
            var restartCommanded = false;
            if (child is null)
            {
                lastExit = 127;
            }
            else
            {
                state.Started(child, carriedOut, afterRestart);
                if (carriedOut.Count > 0) log.LogInformation("Restart carried out for {Commands} command(s)", carriedOut.Count);
                carriedOut.Clear();
                log.LogInformation("Child started (pid {Pid})", child.Id);
                var exited = child.WaitForExitAsync(CancellationToken.None);
                var healthyTimer = Task.Delay(options.HealthyAfter, clock, CancellationToken.None);
                while (true)
                {
                    var done = healthy
                        ? await Task.WhenAny(exited, RestartRequested(), stopped)
                        : await Task.WhenAny(exited, RestartRequested(), stopped, healthyTimer);
                    if (done == healthyTimer)
                    {
                        healthy = true;
                        backoff = options.BackoffFirst;
                        failedStarts.Clear();
                        state.Healthy();
                        continue;
                    }
                    if (done == exited) break;
                    if (done == stopped)
                    {
                        log.LogInformation("Stopping: ending the child");
                        await TerminateAsync(child);
                        var code = child.ExitCode;
                        state.Ended(code, failed: false, crashLoop: false);
                        child.Dispose();
                        return code;
                    }
                    while (_restarts.Reader.TryRead(out var id)) carriedOut.Add(id);
                    log.LogInformation("Restart requested by Leitstand: ending the child");
                    await TerminateAsync(child);
                    restartCommanded = true;
                    break;
                }
                lastExit = child.ExitCode;
                child.Dispose();
            }

            if (restartCommanded)
            {
                state.Ended(lastExit, failed: false, crashLoop: false);
                backoff = options.BackoffFirst;
                afterRestart = true;
                continue;
            }

            var failed = lastExit != 0;
            log.LogInformation("Child exited with code {ExitCode}", lastExit);
            if (options.Restart == RestartPolicy.Never || (options.Restart == RestartPolicy.OnFailure && !failed))
            {
                state.Ended(lastExit, failed, crashLoop: false);
                return lastExit;
            }

            var crashLoop = false;
            if (failed && !healthy)
            {
                var now = clock.GetUtcNow();
                failedStarts.Enqueue(now);
                while (failedStarts.Count > 0 && now - failedStarts.Peek() > options.CrashLoopWindow) failedStarts.Dequeue();
                crashLoop = failedStarts.Count >= options.CrashLoopStarts;
                if (crashLoop) log.LogWarning("Crash loop: {Count} failed starts within {Window} s", failedStarts.Count, (int)options.CrashLoopWindow.TotalSeconds);
            }
            state.Ended(lastExit, failed, crashLoop);

            var delay = healthy ? options.BackoffFirst : backoff;
            backoff = healthy ? options.BackoffFirst * 2 : Min(backoff * 2, options.BackoffMax);
            log.LogInformation("Restarting in {Seconds} s", delay.TotalSeconds);
            var waited = await Task.WhenAny(Task.Delay(delay, clock, CancellationToken.None), RestartRequested(), stopped);
            if (waited == stopped) return lastExit;
            if (waited == pendingRestart)
            {
                while (_restarts.Reader.TryRead(out var id)) carriedOut.Add(id);
                backoff = options.BackoffFirst;
                log.LogInformation("Restart requested by Leitstand: starting the child now");
            }
            afterRestart = true;
        }
        return lastExit;
    }

    private Process? TryStart()
    {
        var info = new ProcessStartInfo(options.Command) { UseShellExecute = false };
        foreach (var argument in options.Arguments) info.ArgumentList.Add(argument);
        try
        {
            return Process.Start(info);
        }
        catch (Win32Exception e)
        {
            // The command's name stays out of the log (it may be a file name of the customer's).
            log.LogError("The child could not be started (error {Code})", e.NativeErrorCode);
            return null;
        }
    }

    /// <summary>SIGTERM first (Unix), then the whole tree killed after the stop timeout.</summary>
    private async Task TerminateAsync(Process child)
    {
        if (child.HasExited) return;
        if (!OperatingSystem.IsWindows() && Kill(child.Id, 15) == 0)
        {
            using var timeout = new CancellationTokenSource(options.StopTimeout);
            try
            {
                await child.WaitForExitAsync(timeout.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                log.LogWarning("The child did not stop within {Seconds} s: killing it", options.StopTimeout.TotalSeconds);
            }
        }
        try { child.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await child.WaitForExitAsync(CancellationToken.None);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
