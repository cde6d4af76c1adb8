using System.Text.Json;
using Dapper;
using Leitstand.Auth;

namespace Leitstand.Privacy;

/// <summary>
/// Auskunft (DSGVO Art. 15): everything stored about one person (a lead) as one JSON document, built by the
/// database in one round trip (public.lead_export, supabase/schemas/privacy.sql; a new table joins there). Runs
/// under the member's claims (RLS); null for an unknown lead.
/// </summary>
public sealed class ExportLead(TeamDatabase db)
{
    private const string Sql = "select public.lead_export(@LeadId)::text";

    public async Task<JsonElement?> ExecuteAsync(TeamUser user, Guid leadId, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        var json = await team.Connection.ExecuteScalarAsync<string?>(new CommandDefinition(Sql, new { LeadId = leadId }, team.Transaction, cancellationToken: ct));
        await team.CommitAsync(ct);
        if (json is null) return null;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
