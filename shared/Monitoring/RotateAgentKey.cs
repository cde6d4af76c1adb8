using Dapper;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>A new key for an agent; the previous one keeps working for the overlap period, then stops.</summary>
public sealed class RotateAgentKey(NpgsqlDataSource db, MonitoringSettings settings, TimeProvider clock)
{
    private const string Sql = """
        update public.agents set previous_key_hash = key_hash,
               previous_key_expires_at = @At::timestamptz + make_interval(hours => @OverlapHours),
               key_hash = @Hash, key_prefix = @Prefix
        where id = @AgentId and revoked_at is null
        returning previous_key_expires_at
        """;

    public async Task<(NewAgentKey Key, DateTime PreviousKeyValidUntil)?> ExecuteAsync(Guid agentId, CancellationToken ct)
    {
        var key = AgentKeys.Generate();
        await using var connection = await db.OpenConnectionAsync(ct);
        var until = await connection.QuerySingleOrDefaultAsync<DateTime?>(new CommandDefinition(Sql, new
        {
            AgentId = agentId, At = clock.GetUtcNow().UtcDateTime, OverlapHours = settings.KeyRotationOverlapHours,
            key.Hash, Prefix = key.DisplayPrefix,
        }, cancellationToken: ct));
        return until is null ? null : (key, until.Value);
    }
}
