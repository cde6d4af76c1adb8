using Dapper;
using Leitstand.Outbox;
using Leitstand.Platform;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Leitstand.Leads;

/// <summary>
/// Stores a valid submission: one lead per normalised email (a repeat adds an inbound touchpoint and
/// reopens a LOST lead as NEW), the touchpoint, and the "lead captured" message in the outbox, all in one
/// transaction. After the commit the message is sent; if the queue is down it stays in the outbox.
/// </summary>
public sealed class CaptureLead(NpgsqlDataSource db, OutboxDispatcher dispatcher, LeadCaptureSettings settings, ILogger<CaptureLead> log)
{
    // ON CONFLICT makes concurrent identical submissions end in one lead; "prior" only feeds the
    // informational Reopened flag. Missing optional details are filled in, never overwritten. A prospect the
    // team added by hand (cold, referral, existing customer) joins here and now has the form's consent.
    private const string UpsertSql = """
        with prior as (
          select stage from public.leads where email = @Email
        )
        insert into public.leads as l (name, email, phone, company, message, source,
          utm_source, utm_medium, utm_campaign, utm_term, utm_content,
          consent_at, consent_text_version, consent_source)
        values (@Name, @Email, @Phone, @Company, @Message, @Source,
          @UtmSource, @UtmMedium, @UtmCampaign, @UtmTerm, @UtmContent,
          now(), @ConsentTextVersion, @ConsentSource)
        on conflict (email) do update set
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
          l.stage::text as stage, now() as capturedat
        """;

    private const string TouchpointSql = """
        insert into public.lead_touchpoints (lead_id, direction, channel, kind, note, source, utm_campaign, consent_text_version)
        values (@LeadId, 'INBOUND', 'landing_page', 'form_submission', @Message, @Source, @UtmCampaign, @ConsentTextVersion)
        """;

    public async Task<CaptureLeadResult> ExecuteAsync(LeadSubmission lead, CancellationToken ct)
    {
        var messageId = Guid.CreateVersion7();
        UpsertRow row;
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            row = await connection.QuerySingleAsync<UpsertRow>(new CommandDefinition(UpsertSql, lead, tx, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(TouchpointSql,
                new { LeadId = row.Id, lead.Message, lead.Source, lead.UtmCampaign, lead.ConsentTextVersion }, tx, cancellationToken: ct));
            await Outbox.Outbox.AddAsync(connection, tx, messageId, settings.LeadCapturedQueue,
                new LeadCaptured(messageId, row.CapturedAt, row.Id, row.Created, row.Reopened, row.Stage, lead.Source, lead.UtmCampaign), ct);
            await tx.CommitAsync(ct);
        }

        // The lead is safe now. Sending is best effort here; the re-send timer catches up on failure, also when
        // the database went away right after the commit (the sender is told "accepted", which it is).
        var sent = false;
        try
        {
            sent = (await dispatcher.DispatchAsync([messageId], 1, CancellationToken.None)).Sent == 1;
        }
        catch (Exception ex) when (DatabaseOutage.Is(ex))
        {
            log.LogWarning("Lead {LeadId} stored, its message {MessageId} waits in the outbox: {Error}", row.Id, messageId, ex.Message);
        }
        return new CaptureLeadResult(row.Id, row.Created, row.Reopened, messageId, sent);
    }

    private sealed record UpsertRow(Guid Id, bool Created, bool Reopened, string Stage, DateTime CapturedAt);
}

public sealed record CaptureLeadResult(Guid LeadId, bool Created, bool Reopened, Guid MessageId, bool MessageSent);
