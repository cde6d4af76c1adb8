using Leitstand.Retention;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Leitstand.Functions.Retention;

/// <summary>Daily at 03:15 UTC: the retention rules (docs/datenschutz.md); the counts per rule go to the log and public.retention_runs.</summary>
public sealed class ApplyRetentionFunction(ApplyRetention retention, ILogger<ApplyRetentionFunction> logger)
{
    [Function("ApplyRetention")]
    public async Task Run([TimerTrigger("0 15 3 * * *")] TimerInfo timer, CancellationToken ct)
    {
        var r = await retention.ExecuteAsync(ct);
        logger.LogInformation(
            "Retention applied: open_leads={OpenLeads} uncontacted_prospects={Uncontacted} lost_leads={Lost} customers={Customers} " +
            "touchpoint_notes={Notes} tasks={Tasks} onboarding={Onboarding} install_reasons={InstallReasons} agent_names={AgentNames} " +
            "incidents={Incidents} outbox={Outbox} alerts={Alerts} rate_limits={RateLimits} key_handovers={Handovers}",
            r.OpenLeads, r.UncontactedProspects, r.LostLeads, r.Customers, r.TouchpointNotes, r.Tasks, r.Onboarding, r.InstallReasons,
            r.AgentNames, r.Incidents, r.Outbox, r.Alerts, r.RateLimits, r.KeyHandovers);
    }
}
