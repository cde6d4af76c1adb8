using Dapper;
using Leitstand.Auth;

namespace Leitstand.Monitoring;

/// <summary>
/// Every agent that is not revoked, with its status, last heartbeat, version, whether it is paused, and its open
/// (not yet resolved) incidents with the German title of their error class. Runs under the member's claims (RLS).
/// </summary>
public sealed class ListAgents(TeamDatabase db)
{
    private const string Sql = """
        select a.id, a.name::text as name, a.status::text as status, a.last_heartbeat_at as lastheartbeatat,
               a.agent_version::text as agentversion, a.paused
        from public.agents a
        where a.revoked_at is null
        order by a.name, a.id;
        select i.id, i.agent_id as agentid, i.error_class as errorclass, c.title, i.severity, i.status::text as status, i.opened_at as openedat
        from public.incidents i
        join public.agents a on a.id = i.agent_id and a.revoked_at is null
        join public.error_classes c on c.key = i.error_class
        where i.status <> 'resolved'
        order by i.opened_at, i.id;
        """;

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only).</summary>
    public async Task<AgentList> ExecuteAsync(TeamUser user, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        List<AgentRow> agents;
        List<IncidentSummaryRow> incidents;
        await using (var grid = await team.Connection.QueryMultipleAsync(new CommandDefinition(Sql, transaction: team.Transaction, cancellationToken: ct)))
        {
            agents = (await grid.ReadAsync<AgentRow>()).ToList();
            incidents = (await grid.ReadAsync<IncidentSummaryRow>()).ToList();
        }
        await team.CommitAsync(ct);
        var byAgent = incidents.ToLookup(i => i.AgentId);
        return new AgentList(agents.Select(a => new AgentView(a.Id, a.Name, a.Status, a.LastHeartbeatAt, a.AgentVersion, a.Paused,
            byAgent[a.Id].Select(i => new OpenIncident(i.Id, i.ErrorClass, i.Title, i.Severity, i.Status, i.OpenedAt)).ToList())).ToList());
    }

    internal sealed record AgentRow(Guid Id, string Name, string Status, DateTime? LastHeartbeatAt, string? AgentVersion, bool Paused);

    internal sealed record IncidentSummaryRow(Guid Id, Guid AgentId, string ErrorClass, string Title, string Severity, string Status, DateTime OpenedAt);

    public sealed record AgentView(Guid Id, string Name, string Status, DateTime? LastHeartbeatAt, string? AgentVersion, bool Paused,
        IReadOnlyList<OpenIncident> OpenIncidents);

    /// <summary>An incident not yet resolved: <c>open</c> or <c>acknowledged</c>.</summary>
    public sealed record OpenIncident(Guid Id, string ErrorClass, string Title, string Severity, string Status, DateTime OpenedAt);
}

public sealed record AgentList(IReadOnlyList<ListAgents.AgentView> Agents);
