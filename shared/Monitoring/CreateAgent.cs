using Dapper;
using Npgsql;

namespace Leitstand.Monitoring;

/// <summary>The team registers another agent for a customer (a won deal creates the first one itself).</summary>
public sealed class CreateAgent(NpgsqlDataSource db)
{
    private const string Sql = """
        insert into public.agents (lead_id, deal_id, name, key_hash, key_prefix, expected_interval, grace_period)
        select l.id, @DealId, @Name, @Hash, @Prefix, make_interval(secs => @IntervalSeconds), make_interval(secs => @GraceSeconds)
        from public.leads l
        where l.id = @LeadId and (@DealId::uuid is null or exists (select 1 from public.deals d where d.id = @DealId and d.lead_id = l.id))
        returning id
        """;

    public sealed record Request(Guid LeadId, Guid? DealId, string Name, int IntervalSeconds, int GraceSeconds);

    /// <summary>Problems per field, German; empty when the request is fine.</summary>
    public static Dictionary<string, string[]> Validate(Request request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.LeadId == Guid.Empty) errors["lead_id"] = ["Bitte die ID des Kunden-Leads angeben."];
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 120) errors["name"] = ["Bitte einen Namen mit 1 bis 120 Zeichen angeben."];
        if (request.IntervalSeconds is < 10 or > 7 * 86400) errors["interval_seconds"] = ["Erwartetes Intervall: 10 Sekunden bis 7 Tage."];
        if (request.GraceSeconds is < 0 or > 7 * 86400) errors["grace_seconds"] = ["Kulanz: 0 Sekunden bis 7 Tage."];
        return errors;
    }

    /// <summary>The new agent's id and key (shown once), or null when the lead (or the deal of that lead) does not exist.</summary>
    public async Task<(Guid AgentId, string Key)?> ExecuteAsync(Request request, CancellationToken ct)
    {
        var key = AgentKeys.Generate();
        await using var connection = await db.OpenConnectionAsync(ct);
        var id = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(Sql, new
        {
            request.LeadId, request.DealId, Name = request.Name.Trim(), key.Hash, Prefix = key.DisplayPrefix,
            request.IntervalSeconds, request.GraceSeconds,
        }, cancellationToken: ct));
        return id is null ? null : (id.Value, key.Key);
    }
}
