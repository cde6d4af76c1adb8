using Dapper;
using Leitstand.Alerts;
using Leitstand.Outbox;
using Leitstand.Platform;
using Leitstand.Privacy;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Leitstand.Leads;

/// <summary>
/// Stores a valid submission: one lead per normalised email (a repeat adds an inbound touchpoint and
/// reopens a LOST lead as NEW), the touchpoint, and the "lead captured" message in the outbox, all in one
/// transaction. After the commit the message is sent; if the queue is down it stays in the outbox.
/// The consent names a version of public.consent_texts (an unknown one stores nothing: null). A submission is a new
/// opt-in: it clears a withdrawn consent and lifts an objection to the e-mail (Art. 21 DSGVO; lifted_reason 'opt_in'),
/// visibly: the alert "Widerspruch aufgehoben" links to the lead. The objection's hash is computed here
/// (<see cref="ObjectionHashes"/>) and looked up in the same statement as the upsert: no extra round trip.
/// </summary>
public sealed class CaptureLead(NpgsqlDataSource db, OutboxDispatcher dispatcher, LeadCaptureSettings settings, ObjectionHashes objections,
    AlertOutbox alerts, ILogger<CaptureLead> log)
{
    // ON CONFLICT makes concurrent identical submissions end in one lead; "prior" only feeds the
    // informational Reopened flag. Missing optional details are filled in, never overwritten. A prospect the
    // team added by hand (cold, referral, existing customer) joins here and now has the form's consent.
    private const string UpsertSql = """
        with prior as (
          select stage from public.leads where email = @Email
        ), known_text as (
          select 1 from public.consent_texts c where c.version = @ConsentTextVersion
        ), lifted as (
          update public.objections o set lifted_at = now(), lifted_by = 'form', lifted_reason = 'opt_in'
          where o.lifted_at is null and o.kind = 'email' and o.hash = @EmailHash and exists (select 1 from known_text)
          returning o.id
        )
        insert into public.leads as l (name, email, phone, company, message, source,
          utm_source, utm_medium, utm_campaign, utm_term, utm_content,
          consent_at, consent_text_version, consent_source)
        select @Name, @Email, @Phone, @Company, @Message, @Source,
          @UtmSource, @UtmMedium, @UtmCampaign, @UtmTerm, @UtmContent,
          now(), @ConsentTextVersion, @ConsentSource
        where exists (select 1 from known_text)
        on conflict (email) do update set
          consent_withdrawn_at = null,
          consent_withdrawn_by = null,
          phone = coalesce(l.phone, excluded.phone),
          company = coalesce(l.company, excluded.company),
          consent_at = excluded.consent_at,
          consent_text_version = excluded.consent_text_version,
          consent_source = excluded.consent_source,
          contact_basis = 'form',
          stage = case when l.stage = 'LOST' then 'NEW'::public.lead_stage else l.stage end,
          lost_reason = case when l.stage = 'LOST' then null else l.lost_reason end,
          delete_after = case when l.stage = 'LOST' then null else l.delete_after end
        returning l.id, (l.xmax = 0) as created,
          coalesce((select stage = 'LOST' from prior), false) as reopened,
          l.stage::text as stage, now() as capturedat, (select count(*) from lifted)::int as liftedobjections
        """;

    private const string TouchpointSql = """
        insert into public.lead_touchpoints (lead_id, direction, channel, kind, note, source, utm_campaign, consent_text_version)
        values (@LeadId, 'INBOUND', 'landing_page', 'form_submission', @Message, @Source, @UtmCampaign, @ConsentTextVersion)
        """;

    /// <summary>The lead captured, or null when the consent names a version public.consent_texts does not hold (nothing stored).</summary>
    public async Task<CaptureLeadResult?> ExecuteAsync(LeadSubmission lead, CancellationToken ct)
    {
        var messageId = Guid.CreateVersion7();
        UpsertRow? upserted;
        Guid[] alertMessages = [];
        var parameters = new DynamicParameters(lead);
        parameters.Add("EmailHash", objections.Email(lead.Email));
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            upserted = await connection.QuerySingleOrDefaultAsync<UpsertRow>(new CommandDefinition(UpsertSql, parameters, tx, cancellationToken: ct));
            if (upserted is null) return null;
            var row = upserted;
            await connection.ExecuteAsync(new CommandDefinition(TouchpointSql,
                new { LeadId = row.Id, lead.Message, lead.Source, lead.UtmCampaign, lead.ConsentTextVersion }, tx, cancellationToken: ct));
            await Outbox.Outbox.AddAsync(connection, tx, messageId, settings.LeadCapturedQueue,
                new LeadCaptured(messageId, row.CapturedAt, row.Id, row.Created, row.Reopened, row.Stage, lead.Source, lead.UtmCampaign), ct);
            if (row.LiftedObjections > 0)
                alertMessages = await alerts.AddAsync(connection, tx, [new NewAlert("objection_lifted", "info", $"objection_lifted:{messageId}", "lead", row.Id,
                    "Widerspruch aufgehoben",
                    "Eine Person, die der Kontaktaufnahme widersprochen hatte, hat über das Formular neu eingewilligt. Ihr Widerspruch ist aufgehoben, der Lead steht wieder in der Pipeline.",
                    row.CapturedAt)], ct);
            await tx.CommitAsync(ct);
        }
        var captured = upserted;

        // The lead is safe now. Sending is best effort here; the re-send timer catches up on failure, also when
        // the database went away right after the commit (the sender is told "accepted", which it is).
        var sent = false;
        try
        {
            sent = (await dispatcher.DispatchAsync([messageId], 1, CancellationToken.None)).Sent == 1;
            await alerts.DispatchAsync(alertMessages);
        }
        catch (Exception ex) when (DatabaseOutage.Is(ex))
        {
            log.LogWarning("Lead {LeadId} stored, its message {MessageId} waits in the outbox: {Error}", captured.Id, messageId, ex.Message);
        }
        return new CaptureLeadResult(captured.Id, captured.Created, captured.Reopened, messageId, sent, captured.LiftedObjections > 0);
    }

    private sealed record UpsertRow(Guid Id, bool Created, bool Reopened, string Stage, DateTime CapturedAt, int LiftedObjections);
}

/// <summary><see cref="ObjectionLifted"/>: the submission lifted an objection to its e-mail (a new opt-in).</summary>
public sealed record CaptureLeadResult(Guid LeadId, bool Created, bool Reopened, Guid MessageId, bool MessageSent, bool ObjectionLifted = false);
