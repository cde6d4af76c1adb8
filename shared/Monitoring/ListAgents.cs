using Dapper;
using Leitstand.Auth;

namespace Leitstand.Monitoring;

/// <summary>
/// Every agent that is not revoked, with its customer (the lead's company or name, read now: agent names carry
/// no personal data), its status, last heartbeat, version, whether it is paused, its open
/// (not yet resolved) incidents with the German title of their error class, and its workflows (last run, next expected). Runs under the member's claims (RLS).
/// </summary>
public sealed class ListAgents(TeamDatabase db)
{
    private const string Sql = """
        select a.id, a.name::text as name, a.lead_id as leadid, coalesce(l.company, l.name) as customer,
               a.status::text as status, a.last_heartbeat_at as lastheartbeatat, a.agent_version::text as agentversion, a.paused
        from public.agents a
        join public.leads l on l.id = a.lead_id
        where a.revoked_at is null
        order by a.name, a.id;
        select i.id, i.agent_id as agentid, i.error_class as errorclass, c.title, i.severity, i.status::text as status, i.opened_at as openedat
        from public.incidents i
        join public.agents a on a.id = i.agent_id and a.revoked_at is null
        join public.error_classes c on c.key = i.error_class
        where i.status <> 'resolved'
        order by i.opened_at, i.id;
        select w.agent_id as agentid, w.key, w.name, w.last_state as laststate, w.last_started_at as laststartedat,
               w.last_duration_s as lastdurationseconds, w.next_expected_at as nextexpectedat,
               exists (select 1 from public.incidents i where i.workflow_id = w.id and i.status <> 'resolved') as openincident
        from public.agent_workflows w
        join public.agents a on a.id = w.agent_id and a.revoked_at is null
        order by w.agent_id, w.origin = 'client', w.key;
        """;

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only).</summary>
    public async Task<AgentList> ExecuteAsync(TeamUser user, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        List<AgentRow> agents;
        List<IncidentSummaryRow> incidents;
        List<WorkflowRow> workflows;
        await using (var grid = await team.Connection.QueryMultipleAsync(new CommandDefinition(Sql, transaction: team.Transaction, cancellationToken: ct)))
        {
            agents = (await grid.ReadAsync<AgentRow>()).ToList();
            incidents = (await grid.ReadAsync<IncidentSummaryRow>()).ToList();
            workflows = (await grid.ReadAsync<WorkflowRow>()).ToList();
        }
        await team.CommitAsync(ct);
        var byAgent = incidents.ToLookup(i => i.AgentId);
        var workflowsByAgent = workflows.ToLookup(w => w.AgentId);
        return new AgentList(agents.Select(a => new AgentView(a.Id, a.Name, a.LeadId, a.Customer, a.Status, a.LastHeartbeatAt, a.AgentVersion, a.Paused,
            byAgent[a.Id].Select(i => new OpenIncident(i.Id, i.ErrorClass, i.Title, i.Severity, i.Status, i.OpenedAt)).ToList(),
            workflowsByAgent[a.Id].Select(w => new WorkflowSummary(w.Key, w.Name, w.LastState, w.LastStartedAt, w.LastDurationSeconds, w.NextExpectedAt,
                w.OpenIncident)).ToList())).ToList());
    }

    internal sealed record AgentRow(Guid Id, string Name, Guid LeadId, string? Customer, string Status, DateTime? LastHeartbeatAt, string? AgentVersion, bool Paused);

    internal sealed record IncidentSummaryRow(Guid Id, Guid AgentId, string ErrorClass, string Title, string Severity, string Status, DateTime OpenedAt);

    internal sealed record WorkflowRow(Guid AgentId, string Key, string Name, string? LastState, DateTime? LastStartedAt, double? LastDurationSeconds,
        DateTime? NextExpectedAt, bool OpenIncident);

    public sealed record AgentView(Guid Id, string Name, Guid LeadId, string? Customer, string Status, DateTime? LastHeartbeatAt, string? AgentVersion, bool Paused,
        IReadOnlyList<OpenIncident> OpenIncidents, IReadOnlyList<WorkflowSummary> Workflows);

    /// <summary>A watched workflow in the list: last run (state, start, duration), next expected start, whether an incident is open.</summary>
    public sealed record WorkflowSummary(string Key, string Name, string? LastState, DateTime? LastStartedAt, double? LastDurationSeconds,
        DateTime? NextExpectedAt, bool OpenIncident);

    /// <summary>An incident not yet resolved: <c>open</c> or <c>acknowledged</c>.</summary>
    public sealed record OpenIncident(Guid Id, string ErrorClass, string Title, string Severity, string Status, DateTime OpenedAt);
}

public sealed record AgentList(IReadOnlyList<ListAgents.AgentView> Agents);
