using System.Text.Json;
using Dapper;
using Npgsql;

namespace Leitstand.Retention;

/// <summary>
/// The daily retention (docs/datenschutz.md, "Speicherdauer"): public.apply_retention anonymises the leads due and
/// deletes the operational rows past their period in one statement, keeps the run in public.retention_runs and
/// returns the counts per rule. The clock is a parameter, so tests move it.
/// </summary>
public sealed class ApplyRetention(NpgsqlDataSource db, RetentionSettings settings, TimeProvider clock)
{
    private const string Sql = """
        select public.apply_retention(@At, @OpenLeadMonths, @UncontactedProspectMonths, @CustomerMonths, @IncidentMonths,
                                      @OutboxDays, @AlertDays, @RateLimitDays)::text
        """;

    public async Task<RetentionResult> ExecuteAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var json = await connection.ExecuteScalarAsync<string>(new CommandDefinition(Sql, new
        {
            At = clock.GetUtcNow().UtcDateTime,
            settings.OpenLeadMonths, settings.UncontactedProspectMonths, settings.CustomerMonths, settings.IncidentMonths,
            settings.OutboxDays, settings.AlertDays, settings.RateLimitDays,
        }, commandTimeout: 300, cancellationToken: ct));
        return RetentionResult.FromJson(json!);
    }
}

/// <summary>Rows anonymised (leads and what carries their personal data) or deleted, per rule, in one run.</summary>
public sealed record RetentionResult(
    int OpenLeads, int UncontactedProspects, int LostLeads, int Customers, int TouchpointNotes, int Tasks, int Onboarding,
    int InstallReasons, int AgentNames, int Incidents, int Outbox, int Alerts, int RateLimits, int KeyHandovers)
{
    /// <summary>Leads anonymised by any rule.</summary>
    public int Leads => OpenLeads + UncontactedProspects + LostLeads + Customers;

    internal static RetentionResult FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var c = document.RootElement;
        int N(string key) => c.TryGetProperty(key, out var v) ? v.GetInt32() : 0;
        return new RetentionResult(N("open_leads"), N("uncontacted_prospects"), N("lost_leads"), N("customers"), N("touchpoint_notes"),
            N("tasks"), N("onboarding"), N("install_reasons"), N("agent_names"), N("incidents"), N("outbox"), N("alerts"),
            N("rate_limits"), N("key_handovers"));
    }
}
