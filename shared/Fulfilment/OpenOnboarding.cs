using System.Text.Json.Nodes;
using Dapper;
using Leitstand.Platform;
using Npgsql;

namespace Leitstand.Fulfilment;

/// <summary>
/// The customer's page (GET): what a good link shows, the questionnaire of the lead's newest answers with
/// what was saved, as a draft or read-only once submitted. A tampered, expired or revoked link, or a lead that
/// is gone, gives null: the page then says the same for all of them. Runs as the functions' role (no account).
/// </summary>
public sealed class OpenOnboarding(NpgsqlDataSource db, OnboardingLink links, TimeProvider clock)
{
    // The link must be the lead's current version, not revoked and not expired; the answers: the lead's newest.
    internal const string LoadSql = """
        select a.lead_id as leadid, a.template_version as templateversion, a.state, a.answers::text as answers, a.submitted_at as submittedat,
               a.updated_at as updatedat, t.title, t.intro, t.sections::text as sections
        from public.onboarding_links k
        join lateral (
          select x.* from public.onboarding_answers x where x.lead_id = k.lead_id order by x.template_version desc limit 1
        ) a on true
        join public.onboarding_templates t on t.version = a.template_version
        where k.lead_id = @LeadId and k.link_version = @LinkVersion and k.revoked_at is null and k.expires_at > @Now
        """;

    public async Task<CustomerOnboarding?> ExecuteAsync(string? token, CancellationToken ct)
    {
        if (links.Check(token) is not { } link) return null;
        await using var connection = await db.OpenConnectionAsync(ct);
        return await LoadAsync(connection, null, link, clock.GetUtcNow().UtcDateTime, forUpdate: false, ct);
    }

    internal static async Task<CustomerOnboarding?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, OnboardingLinkToken link, DateTime now,
        bool forUpdate, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(LoadSql + (forUpdate ? " for update of k" : ""),
            new { link.LeadId, link.LinkVersion, Now = now }, tx, cancellationToken: ct));
        return row is null ? null : new CustomerOnboarding(row.LeadId, link.LinkVersion, link.ExpiresAt,
            OnboardingTemplate.Parse(row.TemplateVersion, row.Title, row.Intro, row.Sections), row.State,
            JsonNode.Parse(row.Answers) as JsonObject ?? [], row.SubmittedAt, row.UpdatedAt);
    }

    private sealed record Row(Guid LeadId, int TemplateVersion, string State, string Answers, DateTime? SubmittedAt, DateTime UpdatedAt,
        string Title, string Intro, string Sections);
}

/// <summary>The questionnaire as the customer's link shows it; <see cref="State"/> draft or submitted.</summary>
public sealed record CustomerOnboarding(Guid LeadId, int LinkVersion, DateTime LinkExpiresAt, OnboardingTemplate Template, string State,
    JsonObject Answers, DateTime? SubmittedAt, DateTime UpdatedAt)
{
    public bool Submitted => State == "submitted";
    public DateOnly BerlinToday(DateTime utcNow) => BerlinTime.Today(utcNow);
}
