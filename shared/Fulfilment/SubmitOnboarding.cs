using Dapper;
using Leitstand.Alerts;
using Npgsql;

namespace Leitstand.Fulfilment;

/// <summary>
/// "Abschicken" on the customer's page. First the answers are saved as a draft and committed (so a crash later
/// loses nothing the customer typed); then, if every field is good, one transaction locks this version
/// (compare-and-set draft → submitted) and writes the alert "Onboarding ausgefüllt" (no personal data) through
/// public.enqueue_alerts. A field with an error keeps the answers a draft and comes back with its message.
/// </summary>
public sealed class SubmitOnboarding(NpgsqlDataSource db, OnboardingLink links, AlertOutbox alerts, TimeProvider clock)
{
    private const string SubmitSql = """
        update public.onboarding_answers set state = 'submitted', submitted_at = @Now, updated_at = @Now
        where lead_id = @LeadId and template_version = @Version and state = 'draft'
        """;

    public async Task<OnboardingPost> ExecuteAsync(string? token, IReadOnlyDictionary<string, string> form, CancellationToken ct)
    {
        if (links.Check(token) is not { } link) return new OnboardingPost.Refused();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await db.OpenConnectionAsync(ct);
        CustomerOnboarding? current;
        OnboardingForm.Result read;
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            current = await OpenOnboarding.LoadAsync(connection, tx, link, now, forUpdate: true, ct);
            if (current is null) return new OnboardingPost.Refused();
            if (current.Submitted) return new OnboardingPost.AlreadySubmitted(current);
            read = OnboardingForm.Read(current.Template, form, current.BerlinToday(now), submit: true);
            await SaveOnboardingDraft.SaveAsync(connection, tx, current, read, now, ct);
            await tx.CommitAsync(ct);
        }
        if (read.Errors.Count > 0) return new OnboardingPost.Saved(current, read.Errors);

        Guid[] messages;
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var locked = await connection.ExecuteAsync(new CommandDefinition(SubmitSql,
                new { Now = now, current.LeadId, Version = current.Template.Version }, tx, cancellationToken: ct));
            if (locked != 1) return new OnboardingPost.AlreadySubmitted(current);
            messages = await alerts.AddAsync(connection, tx, [new NewAlert(
                Kind: "onboarding_submitted",
                Severity: "info",
                DedupeKey: $"onboarding_submitted:{current.LeadId}:{current.Template.Version}:{now.Ticks}",
                SubjectType: "lead",
                SubjectId: current.LeadId,
                Title: "Onboarding ausgefüllt",
                Text: $"Ein Kunde hat den Onboarding-Fragebogen (Version {current.Template.Version}) abgeschickt. Wer es ist und die Antworten stehen beim Lead im Status-Center.",
                OccurredAt: now,
                Attributes: new Dictionary<string, object?> { ["template_version"] = current.Template.Version })], ct);
            await tx.CommitAsync(ct);
        }
        await alerts.DispatchAsync(messages);
        return new OnboardingPost.Submitted(current with { State = "submitted", SubmittedAt = now, Answers = read.Answers });
    }
}
