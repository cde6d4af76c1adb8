using Dapper;
using Leitstand.Auth;
using Leitstand.Leads;

namespace Leitstand.Monitoring;

/// <summary>
/// The team snoozes an agent's alerts until a time (at most <see cref="MaxSnooze"/> ahead): no new incidents while
/// snoozed (public.ingest_heartbeat, public.check_agents read agents.snoozed_until). Under the member's claims.
/// </summary>
public sealed class SnoozeAgent(TeamDatabase db)
{
    public static readonly TimeSpan MaxSnooze = TimeSpan.FromDays(7);

    private const string Sql = """
        update public.agents set snoozed_until = @Until
        where id = @AgentId and revoked_at is null
        returning snoozed_until
        """;

    /// <summary>The body of <c>POST /api/agents/{id}/snooze</c>: <c>until</c>, ISO 8601 with offset.</summary>
    public sealed record Request(string? Until);

    /// <summary>
    /// The time, or the problem: <c>Status</c> 400 for a missing or malformed time, 422 for one in the past or too
    /// far ahead (German, at <c>until</c>).
    /// </summary>
    public static (DateTime? Until, int Status, string? Message) Validate(Request request, DateTimeOffset now)
    {
        if (LeadValidator.NormaliseText(request.Until) is not { } text) return (null, 400, "Bitte angeben, bis wann (ISO-8601-Zeit mit Zeitzone).");
        if (ProspectValidator.ParseTime(text) is not { } until) return (null, 400, ProspectValidator.TimeFormatMessage);
        if (until <= now) return (null, 422, "Der Zeitpunkt liegt in der Vergangenheit. Bitte einen Zeitpunkt in der Zukunft wählen.");
        if (until > now + MaxSnooze) return (null, 422, $"Höchstens {MaxSnooze.TotalDays:0} Tage im Voraus. Für längere Pausen den Agenten pausieren.");
        return (until.UtcDateTime, 200, null);
    }

    /// <summary>Runs as <paramref name="user"/>; null when the agent does not exist or is revoked.</summary>
    public async Task<DateTime?> ExecuteAsync(TeamUser user, Guid agentId, DateTime until, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var snoozed = await team.Connection.QuerySingleOrDefaultAsync<DateTime?>(new CommandDefinition(Sql, new { AgentId = agentId, Until = until },
            team.Transaction, cancellationToken: ct));
        await team.CommitAsync(ct);
        return snoozed;
    }
}
