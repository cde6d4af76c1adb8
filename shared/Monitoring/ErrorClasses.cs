namespace Leitstand.Monitoring;

/// <summary>
/// The fixed taxonomy (table public.error_classes, each row with its runbook in docs/runbooks/). Agents may
/// report the first seven; no_heartbeat and unstable are Leitstand's own, and so are the
/// workflow classes (missed, failed and overrunning runs of an agent's workflows, issue 20). A test keeps this list, the table and
/// the runbooks equal.
/// </summary>
public static class ErrorClasses
{
    public static readonly IReadOnlyList<string> ReportedByAgents =
        ["crash_loop", "auth_expired", "upstream_down", "rate_limited", "config_invalid", "resource_exhausted", "unknown"];

    /// <summary>Opened per workflow (public.agent_workflows) by a check-in or the CheckWorkflows timer, resolved by its next ok run.</summary>
    public static readonly IReadOnlyList<string> Workflow = ["workflow_missed", "workflow_failed", "workflow_overrun"];

    public static readonly IReadOnlyList<string> All = [.. ReportedByAgents, "no_heartbeat", "unstable", .. Workflow];
}
