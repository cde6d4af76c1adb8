using System.Text.Json;
using System.Text.RegularExpressions;
using Leitstand.Alerts;
using Leitstand.Platform;
using Npgsql;

namespace Leitstand.Leads;

/// <summary>
/// The consumer of "lead captured": tells the team through the alert contract ("Neuer Lead über die
/// Landingpage (Kampagne …)"), once per message (dedupe key). The alert names no person: Slack, Teams and
/// Telegram are outside the company's data-processing contracts; the link opens the lead in the status center.
/// Kept apart from the form's transaction so that a slow alert path never slows the form.
/// </summary>
public sealed partial class AnnounceLead(NpgsqlDataSource db, AlertOutbox alerts)
{
    public async Task<bool> ExecuteAsync(string message, CancellationToken ct)
    {
        var captured = JsonSerializer.Deserialize<LeadCaptured>(message, JsonConvention.Default)
            ?? throw new FormatException("Empty lead.captured message.");
        if (captured.LeadId == Guid.Empty || captured.MessageId == Guid.Empty) throw new FormatException("lead.captured without lead_id or message_id.");

        var fresh = captured.IsNewLead || captured.Reopened;
        var via = Slug(captured.Source) is { } source && source != "landing-page" && source != "landingpage" ? $"über „{source}“" : "über die Landingpage";
        var campaign = Slug(captured.UtmCampaign) is { } c ? $" (Kampagne {c})" : "";
        var alert = new NewAlert(
            Kind: fresh ? "lead_new" : "lead_repeat",
            Severity: "info",
            DedupeKey: "lead_captured:" + captured.MessageId,
            SubjectType: "lead",
            SubjectId: captured.LeadId,
            Title: fresh ? (captured.Reopened ? "Lead wieder aktiv" : "Neuer Lead") : "Erneute Anfrage",
            Text: (fresh ? $"{(captured.Reopened ? "Ein verlorener Lead meldet sich wieder" : "Neuer Lead")} {via}{campaign}."
                         : $"Ein bekannter Lead fragt erneut {via}{campaign}.") + " Wer es ist, steht im Status-Center.",
            OccurredAt: captured.OccurredAt,
            Attributes: new Dictionary<string, object?> { ["source"] = Slug(captured.Source), ["utm_campaign"] = Slug(captured.UtmCampaign) });

        Guid[] created;
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            created = await alerts.AddAsync(connection, tx, [alert], ct);
            await tx.CommitAsync(ct);
        }
        await alerts.DispatchAsync(created);
        return created.Length > 0;
    }

    // Source and campaign come from the form: only short slugs make it into a message (never free text).
    private static string? Slug(string? value) =>
        value is { Length: > 0 } v && SlugPattern().IsMatch(v.Trim().ToLowerInvariant()) ? v.Trim().ToLowerInvariant() : null;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,39}$")]
    private static partial Regex SlugPattern();
}
