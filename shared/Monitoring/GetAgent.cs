using Dapper;
using Leitstand.Auth;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>
/// An agent for <c>#/agents/&lt;id&gt;</c>: status, last heartbeat (with the supervised process's restarts, memory and CPU time as it reported them), pause/snooze/maintenance state, its lead, open
/// incidents, recent status flips, maintenance windows (current, planned and of the last 7 days), recent commands,
/// its workflows (last run, next expected start, open incident), and whether its key waits for the one-time handover. Read under the member's claims (RLS); only the handover's
/// existence is read as the functions' role (the sealed keys are not for the member's role).
/// </summary>
public sealed class GetAgent(TeamDatabase db, NpgsqlDataSource functions, TimeProvider clock)
{
    public const int RecentFlips = 20;
    public const int RecentCommands = 20;

    private const string Sql = """
        select a.id, a.name::text as name, a.lead_id as leadid, l.name as leadname, l.company as leadcompany, a.deal_id as dealid,
               a.status::text as status, a.status_changed_at as statuschangedat, a.paused, a.snoozed_until as snoozeduntil,
               coalesce(a.snoozed_until > @Now, false) as snoozed,
               exists (select 1 from public.agent_maintenance_windows w where w.agent_id = a.id and @Now >= w.starts_at and @Now < w.ends_at) as inmaintenance,
               a.last_heartbeat_at as lastheartbeatat, a.last_status::text as laststatus, a.last_error_class as lasterrorclass,
               a.agent_version::text as agentversion, a.key_prefix::text as keyprefix,
               extract(epoch from a.expected_interval)::int as expectedintervalseconds, extract(epoch from a.grace_period)::int as graceperiodseconds,
               a.alert_after_errors::int as alertaftererrors, a.consecutive_errors as consecutiveerrors, a.created_at as createdat, a.revoked_at as revokedat,
               h.restarts, h.memory_bytes as memorybytes, h.cpu_seconds as cpuseconds
        from public.agents a join public.leads l on l.id = a.lead_id
        left join lateral (select hb.restarts, hb.memory_bytes, hb.cpu_seconds from public.agent_heartbeats hb
                           where hb.agent_id = a.id order by hb.received_at desc limit 1) h on true
        where a.id = @AgentId;
        select i.id, i.error_class as errorclass, c.title, i.severity, i.status::text as status, i.opened_at as openedat
        from public.incidents i join public.error_classes c on c.key = i.error_class
        where i.agent_id = @AgentId and i.status <> 'resolved'
        order by i.opened_at, i.id;
        select f.from_status::text as fromstatus, f.to_status::text as tostatus, f.flipped_at as flippedat
        from public.agent_status_flips f where f.agent_id = @AgentId
        order by f.flipped_at desc, f.id desc limit @RecentFlips;
        select w.id, w.starts_at as startsat, w.ends_at as endsat, w.note as reason, (@Now >= w.starts_at and @Now < w.ends_at) as active
        from public.agent_maintenance_windows w
        where w.agent_id = @AgentId and w.ends_at > @Now - interval '7 days'
        order by w.starts_at, w.id;
        select c.id, c.kind, c.status::text as status, c.automatic, c.requested_at as requestedat, c.requested_by as requestedby, c.reason,
               c.delivered_at as deliveredat, c.acknowledged_at as acknowledgedat
        from public.agent_commands c where c.agent_id = @AgentId
        order by c.requested_at desc, c.id limit @RecentCommands;
        select w.id, w.key, w.name, w.schedule, extract(epoch from w.run_interval)::int as intervalseconds,
               extract(epoch from w.grace)::int as graceseconds, extract(epoch from w.max_runtime)::int as maxruntimeseconds, w.origin,
               w.last_state as laststate, w.last_started_at as laststartedat, w.last_finished_at as lastfinishedat,
               w.last_duration_s as lastdurationseconds, w.last_error_code as lasterrorcode, w.next_expected_at as nextexpectedat,
               i.id as openincidentid, i.error_class as openincidenterrorclass, c.title as openincidenttitle, w.version
        from public.agent_workflows w
        left join lateral (select i.id, i.error_class from public.incidents i where i.workflow_id = w.id and i.status <> 'resolved'
                           order by i.opened_at, i.id limit 1) i on true
        left join public.error_classes c on c.key = i.error_class
        where w.agent_id = @AgentId
        order by w.origin = 'client', w.key;
        """;

    private const string HandoverSql = "select expires_at from public.agent_key_handovers where agent_id = @AgentId and expires_at > @Now";

    /// <summary>Runs as <paramref name="user"/>; null when there is no such agent.</summary>
    public async Task<AgentDetail?> ExecuteAsync(TeamUser user, Guid agentId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var args = new { AgentId = agentId, Now = now, RecentFlips, RecentCommands };
        AgentDetail? detail;
        await using (var team = await db.BeginAsync(user, ct))
        {
            await using (var grid = await team.Connection.QueryMultipleAsync(new CommandDefinition(Sql, args, team.Transaction, cancellationToken: ct)))
            {
                var agent = await grid.ReadSingleOrDefaultAsync<AgentRow>();
                if (agent is null) return null;
                detail = new AgentDetail(agent,
                    (await grid.ReadAsync<ListAgents.OpenIncident>()).ToList(),
                    (await grid.ReadAsync<StatusFlip>()).ToList(),
                    (await grid.ReadAsync<MaintenanceWindow>()).ToList(),
                    (await grid.ReadAsync<AgentCommand>()).ToList(),
                    new KeyHandover(false, null),
                    (await grid.ReadAsync<Workflow>()).ToList());
            }
            await team.CommitAsync(ct);
        }
        await using var connection = await functions.OpenConnectionAsync(ct);
        var expires = await connection.QuerySingleOrDefaultAsync<DateTime?>(new CommandDefinition(HandoverSql, new { AgentId = agentId, Now = now }, cancellationToken: ct));
        return detail with { KeyHandover = new KeyHandover(expires is not null, expires) };
    }

    public sealed record AgentRow(Guid Id, string Name, Guid LeadId, string LeadName, string? LeadCompany, Guid? DealId, string Status,
        DateTime StatusChangedAt, bool Paused, DateTime? SnoozedUntil, bool Snoozed, bool InMaintenance, DateTime? LastHeartbeatAt,
        string? LastStatus, string? LastErrorClass, string? AgentVersion, string KeyPrefix, int ExpectedIntervalSeconds, int GracePeriodSeconds,
        int AlertAfterErrors, int ConsecutiveErrors, DateTime CreatedAt, DateTime? RevokedAt,
        int? Restarts, long? MemoryBytes, double? CpuSeconds);

    public sealed record StatusFlip(string? FromStatus, string ToStatus, DateTime FlippedAt);

    public sealed record MaintenanceWindow(Guid Id, DateTime StartsAt, DateTime EndsAt, string? Reason, bool Active);

    public sealed record AgentCommand(Guid Id, string Kind, string Status, bool Automatic, DateTime RequestedAt, string RequestedBy, string? Reason,
        DateTime? DeliveredAt, DateTime? AcknowledgedAt);

    /// <summary>
    /// A watched workflow (public.agent_workflows): its rhythm (cron in Europe/Berlin or interval), the last run (state,
    /// start, end, duration, error code), the next expected start, its open incident (the oldest, if several), and the version of
    /// its settings (for <see cref="EditWorkflow"/>).
    /// </summary>
    public sealed record Workflow(Guid Id, string Key, string Name, string? Schedule, int? IntervalSeconds, int GraceSeconds, int MaxRuntimeSeconds,
        string Origin, string? LastState, DateTime? LastStartedAt, DateTime? LastFinishedAt, double? LastDurationSeconds, string? LastErrorCode,
        DateTime? NextExpectedAt, Guid? OpenIncidentId, string? OpenIncidentErrorClass, string? OpenIncidentTitle, int Version);

    /// <summary><c>pending</c>: the new key waits for POST /api/agents/{id}/key-handover (until <c>expires_at</c>).</summary>
    public sealed record KeyHandover(bool Pending, DateTime? ExpiresAt);
}

/// <summary>The answer of GET /api/agents/{id}.</summary>
public sealed record AgentDetail(GetAgent.AgentRow Agent, IReadOnlyList<ListAgents.OpenIncident> OpenIncidents,
    IReadOnlyList<GetAgent.StatusFlip> RecentFlips, IReadOnlyList<GetAgent.MaintenanceWindow> MaintenanceWindows,
    IReadOnlyList<GetAgent.AgentCommand> Commands, GetAgent.KeyHandover KeyHandover, IReadOnlyList<GetAgent.Workflow> Workflows);
