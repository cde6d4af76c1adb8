using Dapper;
using Leitstand.Auth;
using Leitstand.Platform;
using Leitstand.Privacy;

namespace Leitstand.Leads;

/// <summary>
/// The team adds a prospect by hand (outreach on Instagram, LinkedIn, X, a referral, an existing customer):
/// one lead per e-mail and per channel handle, and its first-contact task in the same transaction, so the
/// person is on today's list at once instead of after the next timer run. A duplicate changes nothing and
/// names the lead that already exists. A person who objected (Art. 21 DSGVO, public.objections) is refused: the
/// hashes of the e-mail and handle are looked up first (<see cref="ObjectionHashes"/>).
/// </summary>
public sealed class AddProspect(TeamDatabase db, TimeProvider clock, ObjectionHashes objections)
{
    // ON CONFLICT DO NOTHING covers both unique keys (email; handle_channel + handle), also against a
    // concurrent insert. The matches are read from the statement's snapshot; a conflicting row committed
    // while it ran is not in it, so the caller tries once more (a new statement sees it).
    private const string InsertSql = """
        with inserted as (
          insert into public.leads as l (name, email, handle_channel, handle, company, phone, source, contact_basis,
            consent_at, consent_text_version, consent_source, created_at, updated_at, stage_changed_at)
          values (@Name, @Email, @HandleChannel, @Handle, @Company, @Phone, @Source, @ContactBasis::public.contact_basis,
            @ConsentAt, @ConsentTextVersion, @ConsentSource, @At, @At, @At)
          on conflict do nothing
          returning l.id
        )
        select (select id from inserted) as leadid,
               (select id from public.leads where email = @Email) as emailmatch,
               (select id from public.leads where handle_channel = @HandleChannel and handle = @Handle) as handlematch
        """;

    // The rule of the daily list for just this lead (cold: with the UWG § 7 hint). On a weekend, with
    // task_settings.weekend_to_monday, it creates nothing: the task is Monday's (timer).
    private const string FirstContactSql = """
        select created from public.create_first_contact_tasks(@Today::date, @At, array[@LeadId]);
        select id from public.tasks where lead_id = @LeadId and rule = 'first_contact' and status = 'OPEN';
        """;

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only), one transaction.</summary>
    public async Task<AddProspectResult> ExecuteAsync(TeamUser user, Prospect prospect, CancellationToken ct)
    {
        var at = clock.GetUtcNow().UtcDateTime;
        await using var team = await db.BeginAsync(user, ct);
        var (connection, tx) = (team.Connection, team.Transaction);
        var (emailHash, handleHash) = objections.Of(prospect.Email, prospect.HandleChannel, prospect.Handle);
        var objected = await ObjectionHashes.ActiveAsync(connection, tx, emailHash, handleHash, ct);
        if (objected.Count > 0)
            return new AddProspectResult.Objected(objected.Select(kind => kind == "email" ? "email" : "handle").Order(StringComparer.Ordinal).ToList());
        var parameters = new DynamicParameters(prospect);
        parameters.Add("At", at);

        Row row = new(null, null, null);
        for (var attempt = 0; attempt < 2 && row is { LeadId: null, EmailMatch: null, HandleMatch: null }; attempt++)
            row = await connection.QuerySingleAsync<Row>(new CommandDefinition(InsertSql, parameters, tx, cancellationToken: ct));

        if (row.LeadId is not { } leadId)
            return row switch
            {
                { EmailMatch: { } existing } => new AddProspectResult.Duplicate(existing, "email"),
                { HandleMatch: { } existing } => new AddProspectResult.Duplicate(existing, "handle"),
                _ => throw new InvalidOperationException("The prospect conflicted twice with a lead that is not visible."),
            };

        Guid? taskId;
        using (var results = await connection.QueryMultipleAsync(new CommandDefinition(FirstContactSql,
                   new { Today = BerlinTime.Today(at).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), At = at, LeadId = leadId },
                   tx, cancellationToken: ct)))
        {
            await results.ReadSingleAsync<int>();
            taskId = await results.ReadSingleOrDefaultAsync<Guid?>();
        }
        await tx.CommitAsync(ct);
        return new AddProspectResult.Added(leadId, taskId);
    }

    private sealed record Row(Guid? LeadId, Guid? EmailMatch, Guid? HandleMatch);
}

public abstract record AddProspectResult
{
    public sealed record Added(Guid LeadId, Guid? FirstContactTaskId) : AddProspectResult;

    /// <summary>The e-mail or handle (<paramref name="Field"/>) belongs to <paramref name="ExistingLeadId"/>; nothing was changed.</summary>
    public sealed record Duplicate(Guid ExistingLeadId, string Field) : AddProspectResult;

    /// <summary>The person objected to being contacted (the e-mail or handle of <paramref name="Fields"/>); nothing was stored.</summary>
    public sealed record Objected(IReadOnlyList<string> Fields) : AddProspectResult;
}
