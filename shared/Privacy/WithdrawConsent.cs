using Dapper;
using Leitstand.Auth;

namespace Leitstand.Privacy;

/// <summary>
/// A lead withdraws the consent given through the form (DSGVO Art. 7(3)), e.g. by e-mail: the team records it
/// (when, by whom: leads.consent_withdrawn_at/_by) and it is honoured at once, in the same transaction: open tasks
/// cancelled and the lead out of the sequence to LOST with the reason code "einwilligung_widerrufen"
/// (public.stop_lead_contact). The lead itself stays for the legal retention (unless erased). Once withdrawn, a second
/// call changes nothing and answers with the first withdrawal. Runs as the team member (RLS).
/// </summary>
public sealed class WithdrawConsent(TeamDatabase db, TimeProvider clock)
{
    public const string LostReason = "einwilligung_widerrufen";
    public const string CancelReason = "Einwilligung widerrufen";

    private const string CurrentSql = """
        select l.consent_at as consentat, l.consent_withdrawn_at as withdrawnat
        from public.leads l where l.id = @LeadId for update
        """;

    // Compare-and-set on "not yet withdrawn" (the row is locked above; the row count is checked all the same).
    private const string WithdrawSql = """
        update public.leads l set consent_withdrawn_at = @At, consent_withdrawn_by = coalesce((select auth.uid())::text, session_user)
        where l.id = @LeadId and l.consent_withdrawn_at is null and l.consent_at is not null
        """;

    private const string StopSql = """
        select s.tasks_cancelled from public.stop_lead_contact(array[@LeadId], @LostReason, @CancelReason) s
        """;

    public async Task<WithdrawConsentResult> ExecuteAsync(TeamUser user, Guid leadId, CancellationToken ct)
    {
        var at = clock.GetUtcNow().UtcDateTime;
        await using var team = await db.BeginAsync(user, ct);
        var (connection, tx) = (team.Connection, team.Transaction);
        var current = await connection.QuerySingleOrDefaultAsync<Current>(new CommandDefinition(CurrentSql, new { LeadId = leadId }, tx, cancellationToken: ct));
        if (current is null) return new WithdrawConsentResult.NotFound();
        if (current.WithdrawnAt is { } earlier) return new WithdrawConsentResult.AlreadyWithdrawn(earlier);
        if (current.ConsentAt is null) return new WithdrawConsentResult.NoConsent();

        if (await connection.ExecuteAsync(new CommandDefinition(WithdrawSql, new { LeadId = leadId, At = at }, tx, cancellationToken: ct)) != 1)
            throw new InvalidOperationException("The consent's withdrawal changed no row, yet the locked lead had a consent not withdrawn.");
        var cancelled = await connection.QuerySingleAsync<int>(new CommandDefinition(StopSql,
            new { LeadId = leadId, LostReason, CancelReason }, tx, cancellationToken: ct));
        await team.CommitAsync(ct);
        return new WithdrawConsentResult.Withdrawn(at, cancelled);
    }

    private sealed record Current(DateTime? ConsentAt, DateTime? WithdrawnAt);
}

public abstract record WithdrawConsentResult
{
    public sealed record Withdrawn(DateTime WithdrawnAt, int TasksCancelled) : WithdrawConsentResult;

    public sealed record AlreadyWithdrawn(DateTime WithdrawnAt) : WithdrawConsentResult;

    /// <summary>The lead never gave a consent (a prospect): nothing to withdraw; an objection is the way (POST /api/objections).</summary>
    public sealed record NoConsent : WithdrawConsentResult;

    public sealed record NotFound : WithdrawConsentResult;
}
