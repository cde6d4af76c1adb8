using Dapper;
using Leitstand.Auth;
using Leitstand.Leads;

namespace Leitstand.Monitoring;

/// <summary>
/// The team plans a maintenance window for an agent: no incidents between its start and end
/// (public.ingest_heartbeat, public.check_agents read public.agent_maintenance_windows). Under the member's claims.
/// </summary>
public sealed class AddMaintenanceWindow(TeamDatabase db)
{
    public const int ReasonMax = 200;
    /// <summary>A start a little in the past is "from now" (the page's clock); earlier is a typo.</summary>
    public static readonly TimeSpan StartTolerance = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(30);
    public static readonly TimeSpan MaxAhead = TimeSpan.FromDays(365);

    private const string Sql = """
        insert into public.agent_maintenance_windows (agent_id, starts_at, ends_at, note)
        select a.id, @StartsAt, @EndsAt, @Reason from public.agents a where a.id = @AgentId and a.revoked_at is null
        returning id
        """;

    /// <summary>The body of <c>POST /api/agents/{id}/maintenance-windows</c>: ISO 8601 times with offset, optional reason.</summary>
    public sealed record Request(string? StartsAt, string? EndsAt, string? Reason);

    public sealed record Window(DateTime StartsAt, DateTime EndsAt, string? Reason);

    /// <summary>
    /// The window, or problems per field: <c>Status</c> 400 for missing or malformed values, 422 for times that do
    /// not make a window (end not after start, in the past, too long or too far ahead).
    /// </summary>
    public static (Window? Window, int Status, IReadOnlyDictionary<string, string[]> Errors) Validate(Request request, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        DateTimeOffset? Time(string? value, string field, string missing)
        {
            if (LeadValidator.NormaliseText(value) is not { } text) { errors[field] = [missing]; return null; }
            if (ProspectValidator.ParseTime(text) is { } at) return at;
            errors[field] = [ProspectValidator.TimeFormatMessage];
            return null;
        }
        var starts = Time(request.StartsAt, "starts_at", "Bitte den Beginn angeben (ISO-8601-Zeit mit Zeitzone).");
        var ends = Time(request.EndsAt, "ends_at", "Bitte das Ende angeben (ISO-8601-Zeit mit Zeitzone).");
        var reason = LeadValidator.NormaliseText(request.Reason);
        if (reason is { Length: > ReasonMax }) errors["reason"] = [$"Der Grund darf höchstens {ReasonMax} Zeichen lang sein."];
        if (errors.Count > 0) return (null, 400, errors);

        if (ends <= starts) errors["ends_at"] = ["Das Ende muss nach dem Beginn liegen."];
        else if (ends <= now) errors["ends_at"] = ["Das Ende liegt in der Vergangenheit."];
        else if (ends - starts > MaxLength) errors["ends_at"] = [$"Ein Wartungsfenster dauert höchstens {MaxLength.TotalDays:0} Tage."];
        if (starts < now - StartTolerance) errors["starts_at"] = ["Der Beginn liegt in der Vergangenheit. Bitte jetzt oder später beginnen."];
        else if (starts > now + MaxAhead) errors["starts_at"] = ["Der Beginn liegt mehr als ein Jahr in der Zukunft."];
        return errors.Count > 0
            ? (null, 422, errors)
            : (new Window(starts!.Value.UtcDateTime, ends!.Value.UtcDateTime, reason), 200, errors);
    }

    /// <summary>Runs as <paramref name="user"/>; null when the agent does not exist or is revoked.</summary>
    public async Task<Guid?> ExecuteAsync(TeamUser user, Guid agentId, Window window, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var id = await team.Connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(Sql, new
        {
            AgentId = agentId, window.StartsAt, window.EndsAt, window.Reason,
        }, team.Transaction, cancellationToken: ct));
        await team.CommitAsync(ct);
        return id;
    }
}
