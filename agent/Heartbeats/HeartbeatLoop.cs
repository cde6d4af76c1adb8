using Leitstand.Agent.Supervision;
using Microsoft.Extensions.Logging;

namespace Leitstand.Agent.Heartbeats;

/// <summary>
/// Runs beside the supervisor: a heartbeat at start, at once on every change of state, otherwise every interval.
/// Restart commands in the answers go to the supervisor; they are acknowledged in the heartbeat after the new start.
/// An unreachable server is retried soon (1 s doubling, at most the interval or 30 s), so the state goes as soon as it
/// is back; 401/410 back off from the interval doubling to an hour. The child never waits for any of this.
/// </summary>
internal sealed class HeartbeatLoop(HeartbeatClient client, AgentState state, Supervisor supervisor, TimeSpan interval, ILogger log)
{
    private static readonly TimeSpan LongestRefusalBackoff = TimeSpan.FromHours(1);

    public async Task RunAsync(CancellationToken stop)
    {
        var reconnect = TimeSpan.FromSeconds(1);
        var longestReconnect = interval < TimeSpan.FromSeconds(30) ? interval : TimeSpan.FromSeconds(30);
        var refusal = TimeSpan.Zero;
        var down = false;
        while (!stop.IsCancellationRequested)
        {
            HeartbeatOutcome outcome;
            try
            {
                outcome = await client.SendAsync(state.Current, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            try
            {
                switch (outcome)
                {
                    case HeartbeatOutcome.Accepted accepted:
                        if (down) log.LogInformation("Leitstand reachable again; current state sent");
                        down = false;
                        refusal = TimeSpan.Zero;
                        reconnect = TimeSpan.FromSeconds(1);
                        state.Acknowledged(accepted.Sent.Acks);
                        foreach (var (id, kind) in accepted.Commands)
                        {
                            if (kind == "restart") supervisor.RequestRestart(id);
                            else log.LogWarning("Unknown command kind {Kind} ignored", kind.Length <= 20 ? kind : kind[..20]);
                        }
                        LogSent(accepted.Sent);
                        await state.WaitForChangeAsync(interval, stop);
                        break;
                    case HeartbeatOutcome.Refused refused:
                        refusal = refusal == TimeSpan.Zero ? interval : Min(refusal * 2, LongestRefusalBackoff);
                        log.LogError("Leitstand refused the agent key ({Status}: revoked or unknown); the child keeps running; next try in {Seconds} s",
                            refused.Status, (int)refusal.TotalSeconds);
                        await Task.Delay(refusal, stop);
                        break;
                    case HeartbeatOutcome.Unreachable unreachable:
                        var wait = unreachable.RetryAfter ?? reconnect;
                        reconnect = Min(reconnect * 2, longestReconnect);
                        if (!down) log.LogWarning("Leitstand not reachable ({Reason}); the child keeps running; retrying", unreachable.Reason);
                        down = true;
                        await Task.Delay(wait, stop);
                        break;
                    case HeartbeatOutcome.Rejected rejected:
                        log.LogError("Leitstand rejected the heartbeat ({Status})", rejected.Status);
                        await state.WaitForChangeAsync(interval, stop);
                        break;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>A last heartbeat with the final state, bounded: the agent is ending.</summary>
    public async Task SendFinalAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            if (await client.SendAsync(state.Current, timeout.Token) is HeartbeatOutcome.Accepted) log.LogInformation("Final state sent");
        }
        catch (OperationCanceledException) { }
    }

    private void LogSent(AgentState.Snapshot s) =>
        log.LogDebug("Heartbeat sent: {Status} {ErrorClass}, uptime {Uptime} s, failed runs {Failed}, restarts {Restarts}, memory {Memory} bytes, cpu {Cpu} ms",
            s.Status, s.ErrorClass, s.UptimeSeconds, s.FailedRuns, s.Restarts, s.MemoryBytes, (long?)s.CpuTime?.TotalMilliseconds);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
