using Dapper;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>
/// The team asks an agent to restart. The command waits until the agent's next heartbeat picks it up;
/// at most one restart waits per agent. It joins the agent's open incident's timeline.
/// </summary>
public sealed class RequestRestart(NpgsqlDataSource db, TimeProvider clock)
{
    private const string Sql = """
        with agent as (
          select id from public.agents where id = @AgentId and revoked_at is null
        ), incident as (
          select i.id from public.incidents i join agent a on a.id = i.agent_id
          where i.status <> 'resolved' order by i.opened_at desc limit 1
        ), command as (
          insert into public.agent_commands (agent_id, incident_id, kind, requested_at, requested_by, reason)
          select a.id, (select id from incident), 'restart', @At, @RequestedBy, @Reason from agent a
          on conflict do nothing
          returning id, incident_id
        ), timeline as (
          insert into public.incident_events (incident_id, at, kind, detail)
          select incident_id, @At, 'restart_requested', @RequestedBy from command where incident_id is not null
        )
        select (select count(*) from agent)::int as agents, (select id from command) as commandid,
               (select c.id from public.agent_commands c join agent a on a.id = c.agent_id
                where c.kind = 'restart' and c.status in ('pending', 'delivered') limit 1) as waitingid
        """;

    public async Task<RestartResult> ExecuteAsync(Guid agentId, string requestedBy, string? reason, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleAsync<Row>(new CommandDefinition(Sql,
            new { AgentId = agentId, At = clock.GetUtcNow().UtcDateTime, RequestedBy = requestedBy, Reason = reason }, cancellationToken: ct));
        if (row.Agents == 0) return new RestartResult.UnknownAgent();
        return row.CommandId is { } id ? new RestartResult.Requested(id) : new RestartResult.AlreadyWaiting(row.WaitingId!.Value);
    }

    private sealed record Row(int Agents, Guid? CommandId, Guid? WaitingId);
}

public abstract record RestartResult
{
    public sealed record Requested(Guid CommandId) : RestartResult;
    public sealed record AlreadyWaiting(Guid CommandId) : RestartResult;
    public sealed record UnknownAgent : RestartResult;
}
