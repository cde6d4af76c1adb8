namespace Leitstand.Monitoring;

/// <summary>
/// The fixed taxonomy (table public.error_classes, each row with its runbook in docs/runbooks/). Agents may
/// report the first seven; no_heartbeat and unstable are Leitstand's own. A test keeps this list, the table and
/// the runbooks equal.
/// </summary>
public static class ErrorClasses
{
    public static readonly IReadOnlyList<string> ReportedByAgents =
        ["crash_loop", "auth_expired", "upstream_down", "rate_limited", "config_invalid", "resource_exhausted", "unknown"];

    public static readonly IReadOnlyList<string> All = [.. ReportedByAgents, "no_heartbeat", "unstable"];
}
