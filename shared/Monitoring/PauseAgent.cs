using Dapper;
using Leitstand.Auth;

namespace Leitstand.Monitoring;

/// <summary>
/// The team pauses an agent (no incidents, no "late"/"down" while paused; heartbeats are still recorded) or resumes
/// it: compare-and-set on agents.paused under the member's claims (the role may change that column); the status and
/// its flip follow by trigger (public.agents_status_bookkeeping).
/// </summary>
public sealed class PauseAgent(TeamDatabase db)
{
    private const string Sql = """
        update public.agents set paused = @Paused
        where id = @AgentId and revoked_at is null and paused = not @Paused
        returning status::text
        """;

    private const string CurrentSql = "select status::text from public.agents where id = @AgentId and revoked_at is null";

    /// <summary>Runs as <paramref name="user"/>: <paramref name="paused"/> true pauses, false resumes.</summary>
    public async Task<PauseAgentResult> ExecuteAsync(TeamUser user, Guid agentId, bool paused, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var status = await team.Connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(Sql, new { AgentId = agentId, Paused = paused },
            team.Transaction, cancellationToken: ct));
        if (status is not null)
        {
            await team.CommitAsync(ct);
            return new PauseAgentResult.Changed(status);
        }
        var current = await team.Connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(CurrentSql, new { AgentId = agentId },
            team.Transaction, cancellationToken: ct));
        await team.CommitAsync(ct);
        return current is null ? new PauseAgentResult.UnknownAgent() : new PauseAgentResult.Unchanged(current);
    }
}

public abstract record PauseAgentResult
{
    public sealed record Changed(string Status) : PauseAgentResult;

    /// <summary>It was paused (or running) already; nothing changed.</summary>
    public sealed record Unchanged(string Status) : PauseAgentResult;

    public sealed record UnknownAgent : PauseAgentResult;
}
