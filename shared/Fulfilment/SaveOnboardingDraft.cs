using Dapper;
using Npgsql;

namespace Leitstand.Fulfilment;

/// <summary>
/// "Entwurf speichern" on the customer's page: keeps every well-formed answer (malformed ones come back with
/// their German message, nothing required yet). Compare-and-set on state 'draft': submitted answers stay as they were.
/// </summary>
public sealed class SaveOnboardingDraft(NpgsqlDataSource db, OnboardingLink links, TimeProvider clock)
{
    internal const string SaveSql = """
        update public.onboarding_answers set answers = @Answers::jsonb, updated_at = @Now
        where lead_id = @LeadId and template_version = @Version and state = 'draft'
        """;

    public async Task<OnboardingPost> ExecuteAsync(string? token, IReadOnlyDictionary<string, string> form, CancellationToken ct)
    {
        if (links.Check(token) is not { } link) return new OnboardingPost.Refused();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await OpenOnboarding.LoadAsync(connection, tx, link, now, forUpdate: true, ct);
        if (current is null) return new OnboardingPost.Refused();
        if (current.Submitted) return new OnboardingPost.AlreadySubmitted(current);
        var read = OnboardingForm.Read(current.Template, form, current.BerlinToday(now), submit: false);
        await SaveAsync(connection, tx, current, read, now, ct);
        await tx.CommitAsync(ct);
        return new OnboardingPost.Saved(current, read.Errors);
    }

    internal static async Task SaveAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CustomerOnboarding current, OnboardingForm.Result read,
        DateTime now, CancellationToken ct)
    {
        var rows = await connection.ExecuteAsync(new CommandDefinition(SaveSql,
            new { Answers = read.Answers.ToJsonString(), Now = now, current.LeadId, Version = current.Template.Version }, tx, cancellationToken: ct));
        if (rows != 1) throw new InvalidOperationException($"The draft of lead {current.LeadId} was not saved ({rows} rows).");
    }
}

/// <summary>What a post of the customer's page came to.</summary>
public abstract record OnboardingPost
{
    private OnboardingPost() { }
    /// <summary>The link does not work (tampered, expired, revoked, lead gone): the one page that reveals nothing.</summary>
    public sealed record Refused : OnboardingPost;
    /// <summary>Already submitted: nothing changed.</summary>
    public sealed record AlreadySubmitted(CustomerOnboarding Onboarding) : OnboardingPost;
    /// <summary>The draft is saved (the well-formed answers); <see cref="Errors"/> per field, empty when all were good.</summary>
    public sealed record Saved(CustomerOnboarding Onboarding, IReadOnlyDictionary<string, string> Errors) : OnboardingPost;
    /// <summary>Submitted and locked.</summary>
    public sealed record Submitted(CustomerOnboarding Onboarding) : OnboardingPost;
}
