using Dapper;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>
/// Whether Leitstand accepts an agent key (<c>GET /api/agent/me</c>), for <c>leitstand-agent doctor</c>: the same keys
/// as the heartbeat (the current one, or the previous one until its rotation grace ends; not revoked), read only. It
/// records nothing, so asking never counts as a heartbeat of the supervised agent.
/// </summary>
public sealed class CheckAgentKey(NpgsqlDataSource db, TimeProvider clock)
{
    private const string Sql = """
        select a.id as agentid, a.paused
        from public.agents a
        where a.id = (select id from public.agents where key_hash = @KeyHash
                      union all
                      select id from public.agents where previous_key_hash = @KeyHash and previous_key_expires_at > @At
                      limit 1)
          and a.revoked_at is null
        """;

    public async Task<AgentKeyCheck?> ExecuteAsync(string agentKey, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<AgentKeyCheck>(new CommandDefinition(Sql,
            new { KeyHash = AgentKeys.Hash(agentKey), At = clock.GetUtcNow().UtcDateTime }, cancellationToken: ct));
    }
}

/// <summary>The agent a key belongs to; null from <see cref="CheckAgentKey"/> when the key is unknown or revoked.</summary>
public sealed record AgentKeyCheck(Guid AgentId, bool Paused);
