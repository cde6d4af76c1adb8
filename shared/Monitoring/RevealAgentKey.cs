using Dapper;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>Shows a new agent key exactly once: the sealed copy is deleted as it is read.</summary>
public sealed class RevealAgentKey(NpgsqlDataSource db, AgentKeys keys)
{
    private const string TakeSql = """
        delete from public.agent_key_handovers h
        using public.agents a
        where h.agent_id = @AgentId and a.id = h.agent_id and h.expires_at > now()
        returning a.name, a.key_prefix as keyprefix, h.key_ciphertext as ciphertext
        """;

    private const string AgentExistsSql = "select exists (select 1 from public.agents where id = @AgentId)";

    public async Task<RevealAgentKeyResult> ExecuteAsync(Guid agentId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<HandoverRow>(new CommandDefinition(TakeSql, new { AgentId = agentId }, cancellationToken: ct));
        if (row is not null)
            return new RevealAgentKeyResult.Revealed(agentId, row.Name, keys.Open(row.Ciphertext), row.KeyPrefix);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(AgentExistsSql, new { AgentId = agentId }, cancellationToken: ct))
            ? new RevealAgentKeyResult.AlreadyShown()
            : new RevealAgentKeyResult.UnknownAgent();
    }

    private sealed record HandoverRow(string Name, string KeyPrefix, byte[] Ciphertext);
}

public abstract record RevealAgentKeyResult
{
    /// <summary><paramref name="KeyPrefix"/>: the key's first characters as stored (to compare with what the agent shows).</summary>
    public sealed record Revealed(Guid AgentId, string AgentName, string Key, string KeyPrefix) : RevealAgentKeyResult;
    public sealed record AlreadyShown : RevealAgentKeyResult;
    public sealed record UnknownAgent : RevealAgentKeyResult;
}
