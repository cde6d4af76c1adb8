using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Leitstand.Auth;

namespace Leitstand.Leads;

/// <summary>
/// One lead as the workbench shows it: contact data, the consent record and contact basis, the stage history
/// with who and when, the touchpoints with their notes, open and closed tasks, deals, and the lead's agents with
/// their open incidents, its booked installs, and the stage moves allowed from its stage as the pipeline board offers them (public.lead_stage_transitions,
/// with what the stage rule asks for). <see cref="LeadDetail.Version"/> is the contact data's version (leads.version) that an edit
/// names (<see cref="EditLead"/>). Runs under the member's claims (RLS), one round trip.
/// </summary>
public sealed class GetLead(TeamDatabase db)
{
    // who: a team member's display name where the history names a user id (auth.uid()), else null (a job, the seed).
    // The history's labels are joined from lead_stages (what public.lead_stage_label reads): the function is a query
    // of its own for every call, two a row, some 0.2 ms each under RLS (27 of 28 ms for 60 changes, bench/leads.sh).
    private const string Sql = """
        select l.id, l.name, l.company, l.email, l.phone, l.handle, l.handle_channel as handlechannel, l.message,
               l.stage::text as stage, public.lead_stage_label(l.stage) as stagelabel, l.stage_changed_at as stagechangedat,
               l.contact_basis::text as contactbasis, l.source, l.utm_source as utmsource, l.utm_medium as utmmedium,
               l.utm_campaign as utmcampaign, l.utm_term as utmterm, l.utm_content as utmcontent,
               l.consent_at as consentat, l.consent_text_version as consenttextversion, l.consent_source as consentsource,
               (select c.text from public.consent_texts c where c.version = l.consent_text_version) as consenttext,
               l.consent_withdrawn_at as consentwithdrawnat,
               l.call_at as callat, l.lost_reason as lostreason, l.created_at as createdat, l.updated_at as updatedat, l.version,
               l.lost_reason_code as lostreasoncode, lr.label as lostreasonlabel
        from public.leads l left join public.lost_reasons lr on lr.code = l.lost_reason_code where l.id = @LeadId;

        select h.id, h.from_stage::text as fromstage, fs.label as fromlabel,
               h.to_stage::text as tostage, ts.label as tolabel, h.changed_at as changedat,
               h.changed_by as changedby, tm.display_name as changedbyname, hr.label as lostreason, h.lost_reason_code as lostreasoncode
        from public.lead_stage_history h
        left join public.lost_reasons hr on hr.code = h.lost_reason_code
        left join public.lead_stages fs on fs.code = h.from_stage
        left join public.lead_stages ts on ts.code = h.to_stage
        left join public.team_members tm on tm.user_id::text = h.changed_by
        where h.lead_id = @LeadId
        order by h.changed_at, h.id;

        select tp.id, tp.occurred_at as occurredat, lower(tp.direction::text) as direction, tp.channel, tp.kind,
               tp.note_code as notecode, c.label as notelabel, tp.note
        from public.lead_touchpoints tp
        left join public.touchpoint_note_codes c on c.code = tp.note_code
        where tp.lead_id = @LeadId
        order by tp.occurred_at desc, tp.id;

        select t.id, t.kind, public.task_text(t.title, l.name, l.company, l.handle) as title,
               public.task_text(t.details, l.name, l.company, l.handle) as details, lower(t.status::text) as status, t.priority, t.due_at as dueat,
               t.completed_at as completedat, t.outcome, t.outcome_channel as outcomechannel, t.cancel_reason as cancelreason,
               t.assignee, tm.display_name as assigneename, t.deal_id as dealid
        from public.tasks t
        join public.leads l on l.id = t.lead_id
        left join public.team_members tm on tm.user_id = t.assignee
        where t.lead_id = @LeadId
        order by t.status <> 'OPEN', case when t.status = 'OPEN' then t.due_at end, t.completed_at desc, t.id;

        select d.id, d.package::text as package, p.name as packagename, d.amount_cents as amountcents, d.currency,
               lower(d.status::text) as status, d.won_at as wonat, d.starts_on::text as startson, d.ends_on::text as endson, d.created_at as createdat
        from public.deals d
        join public.packages p on p.key = d.package
        where d.lead_id = @LeadId
        order by d.created_at, d.id;

        select a.id, a.name::text as name, a.status::text as status, a.paused, a.last_heartbeat_at as lastheartbeatat,
               a.snoozed_until as snoozeduntil, a.revoked_at as revokedat, a.deal_id as dealid
        from public.agents a
        where a.lead_id = @LeadId
        order by a.revoked_at is not null, a.created_at, a.id;

        select i.id, i.agent_id as agentid, i.error_class as errorclass, c.title, i.severity, i.status::text as status,
               i.opened_at as openedat, i.last_seen_at as lastseenat, i.occurrences
        from public.incidents i
        join public.agents a on a.id = i.agent_id
        join public.error_classes c on c.key = i.error_class
        where a.lead_id = @LeadId and i.status <> 'resolved'
        order by i.opened_at, i.id;

        select t.to_stage::text as tostage, public.lead_stage_label(t.to_stage) as label, t.meaning,
               case t.to_stage when 'LOST' then 'lost_reason' when 'CALL_BOOKED' then 'call_at' when 'WON' then 'deal' end as requires
        from public.leads l
        join public.lead_stage_transitions t on t.from_stage = l.stage
        where l.id = @LeadId
        order by t.to_stage;

        select o.state, o.template_version as templateversion, o.submitted_at as submittedat, o.updated_at as updatedat,
               o.reopened_at as reopenedat, o.answers::text as answers, t.title as templatetitle, t.sections::text as templatesections,
               k.expires_at as linkexpiresat, (k.revoked_at is null and k.expires_at > now()) as linkactive
        from public.onboarding_answers o
        join public.onboarding_templates t on t.version = o.template_version
        left join public.onboarding_links k on k.lead_id = o.lead_id
        where o.lead_id = @LeadId
        order by o.template_version desc
        limit 1;

        select r.id, r.starts_at as startsat, r.ends_at as endsat, r.state
        from public.install_runs r
        where r.lead_id = @LeadId
        order by r.starts_at, r.id;
        """;

    /// <summary>The lead, or null when there is none with this id. Runs as <paramref name="user"/> (RLS: team members only).</summary>
    public async Task<LeadDetail?> ExecuteAsync(TeamUser user, Guid leadId, CancellationToken ct)
    {
        await using var team = await db.BeginAsync(user, ct);
        LeadDetail? detail;
        await using (var grid = await team.Connection.QueryMultipleAsync(new CommandDefinition(Sql, new { LeadId = leadId }, team.Transaction, cancellationToken: ct)))
        {
            var lead = await grid.ReadSingleOrDefaultAsync<LeadRow>();
            var history = (await grid.ReadAsync<LeadStageChange>()).AsList();
            var touchpoints = (await grid.ReadAsync<LeadTouchpoint>()).AsList();
            var tasks = (await grid.ReadAsync<LeadTask>()).AsList();
            var deals = (await grid.ReadAsync<LeadDeal>()).AsList();
            var agents = (await grid.ReadAsync<AgentRow>()).AsList();
            var incidents = (await grid.ReadAsync<LeadIncident>()).ToLookup(i => i.AgentId);
            var moves = (await grid.ReadAsync<Pipeline.StageMove>()).AsList();
            var onboarding = await grid.ReadSingleOrDefaultAsync<OnboardingRow>();
            var installs = (await grid.ReadAsync<LeadInstall>()).AsList();
            detail = lead is null ? null : new LeadDetail(
                lead.Id, lead.Version, lead.Name, lead.Company, lead.Email, lead.Phone, lead.Handle, lead.HandleChannel, lead.Message,
                lead.Stage, lead.StageLabel, lead.StageChangedAt, lead.CallAt, lead.LostReason, lead.LostReasonCode, lead.LostReasonLabel, lead.ContactBasis,
                lead.ConsentAt is null && lead.ConsentTextVersion is null ? null
                    : new LeadConsent(lead.ConsentTextVersion, lead.ConsentAt, lead.ConsentSource, lead.ConsentText, lead.ConsentWithdrawnAt),
                new LeadOrigin(lead.Source, lead.UtmSource, lead.UtmMedium, lead.UtmCampaign, lead.UtmTerm, lead.UtmContent),
                lead.CreatedAt, lead.UpdatedAt, history, touchpoints,
                tasks.Where(t => t.Status == "open").ToList(), tasks.Where(t => t.Status != "open").ToList(), deals,
                agents.Select(a => new LeadAgent(a.Id, a.Name, a.Status, a.Paused, a.LastHeartbeatAt, a.SnoozedUntil, a.RevokedAt, a.DealId,
                    incidents[a.Id].ToList())).ToList(), moves, installs,
                onboarding is null ? null : new LeadOnboarding(onboarding.State, onboarding.TemplateVersion, onboarding.SubmittedAt, onboarding.UpdatedAt,
                    onboarding.ReopenedAt, Json(onboarding.Answers), new LeadOnboardingTemplate(onboarding.TemplateTitle, Json(onboarding.TemplateSections)),
                    onboarding.LinkExpiresAt is { } expires ? new LeadOnboardingLink(expires, onboarding.LinkActive == true) : null));
        }
        await team.CommitAsync(ct);
        return detail;
    }

    internal sealed record LeadRow(Guid Id, string Name, string? Company, string? Email, string? Phone, string? Handle, string? HandleChannel,
        string? Message, string Stage, string StageLabel, DateTime StageChangedAt, string ContactBasis, string? Source, string? UtmSource,
        string? UtmMedium, string? UtmCampaign, string? UtmTerm, string? UtmContent, DateTime? ConsentAt, string? ConsentTextVersion,
        string? ConsentSource, string? ConsentText, DateTime? ConsentWithdrawnAt, DateTime? CallAt, string? LostReason, DateTime CreatedAt,
        DateTime UpdatedAt, int Version, string? LostReasonCode, string? LostReasonLabel);

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    internal sealed record OnboardingRow(string State, int TemplateVersion, DateTime? SubmittedAt, DateTime UpdatedAt, DateTime? ReopenedAt, string Answers,
        string TemplateTitle, string TemplateSections, DateTime? LinkExpiresAt, bool? LinkActive);

    internal sealed record AgentRow(Guid Id, string Name, string Status, bool Paused, DateTime? LastHeartbeatAt, DateTime? SnoozedUntil,
        DateTime? RevokedAt, Guid? DealId);
}

/// <summary>
/// A lead with everything the workbench shows. LOST: <see cref="LostReasonCode"/> (public.lost_reasons) with its
/// <see cref="LostReasonLabel"/>, <see cref="LostReason"/> the optional free note (kept on the lead only). <see cref="Consent"/>: null when none was recorded (prospects
/// without the form); <see cref="Version"/>: the contact data's version for <c>PATCH /api/leads/{id}</c>.
/// <see cref="StageHistory"/> oldest first, <see cref="Touchpoints"/> newest first, <see cref="OpenTasks"/> by due
/// date, <see cref="ClosedTasks"/> (done or cancelled) newest first; <see cref="Moves"/> as the board's column of its stage.
/// </summary>
public sealed record LeadDetail(
    Guid Id, int Version, string Name, string? Company, string? Email, string? Phone, string? Handle, string? HandleChannel, string? Message,
    string Stage, string StageLabel, DateTime StageChangedAt, DateTime? CallAt, string? LostReason, string? LostReasonCode, string? LostReasonLabel,
    string ContactBasis, LeadConsent? Consent, LeadOrigin Origin, DateTime CreatedAt, DateTime UpdatedAt,
    IReadOnlyList<LeadStageChange> StageHistory, IReadOnlyList<LeadTouchpoint> Touchpoints,
    IReadOnlyList<LeadTask> OpenTasks, IReadOnlyList<LeadTask> ClosedTasks, IReadOnlyList<LeadDeal> Deals, IReadOnlyList<LeadAgent> Agents,
    IReadOnlyList<Pipeline.StageMove> Moves,
    IReadOnlyList<LeadInstall> Installs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LeadOnboarding? Onboarding = null);

/// <summary>
/// The customer's onboarding questionnaire (Fulfilment, public.onboarding_answers), present once a link was made:
/// the newest version's state (draft or submitted) and answers as stored, the template's sections (labels for the
/// view) and the link's expiry (<see cref="LeadOnboardingLink.Active"/>: not revoked, not expired).
/// </summary>
public sealed record LeadOnboarding(string State, int TemplateVersion, DateTime? SubmittedAt, DateTime UpdatedAt, DateTime? ReopenedAt,
    JsonElement Answers, LeadOnboardingTemplate Template, LeadOnboardingLink? Link);

public sealed record LeadOnboardingTemplate(string Title, JsonElement Sections);

public sealed record LeadOnboardingLink(DateTime ExpiresAt, bool Active);

/// <summary>A booked install of the lead (<c>#/installs/&lt;id&gt;</c>); state booked or finished.</summary>
public sealed record LeadInstall(Guid Id, DateTime StartsAt, DateTime EndsAt, string State);

/// <summary>
/// The consent record (DSGVO Art. 7): which text version, when, where; the exact text of that version
/// (public.consent_texts; null for a version not there) and when it was withdrawn (null: not withdrawn).
/// </summary>
public sealed record LeadConsent(string? TextVersion, DateTime? At, string? Source, string? Text = null, DateTime? WithdrawnAt = null);

/// <summary>Where the lead came from: <c>source</c> (the form's, a prospect's outreach) and the form's UTM parameters.</summary>
public sealed record LeadOrigin(string? Source, string? UtmSource, string? UtmMedium, string? UtmCampaign, string? UtmTerm, string? UtmContent);

/// <summary>
/// A row of the stage history: <see cref="ChangedBy"/> the user id or database role that changed it,
/// <see cref="ChangedByName"/> the team member's display name where it is one; for LOST the reason as its code and
/// German label (<see cref="LostReason"/>; the history keeps no free text, the note is the lead's).
/// </summary>
public sealed record LeadStageChange(long Id, string? FromStage, string? FromLabel, string ToStage, string ToLabel, DateTime ChangedAt,
    string ChangedBy, string? ChangedByName, string? LostReason, string? LostReasonCode);

/// <summary>A touchpoint: what happened as a code (<see cref="NoteCode"/>, <see cref="NoteLabel"/>) and the free-text <see cref="Note"/>.</summary>
public sealed record LeadTouchpoint(Guid Id, DateTime OccurredAt, string Direction, string Channel, string Kind, string? NoteCode,
    string? NoteLabel, string? Note);

/// <summary>A task of the lead; status open, done or cancelled.</summary>
public sealed record LeadTask(Guid Id, string Kind, string Title, string? Details, string Status, string Priority, DateTime DueAt,
    DateTime? CompletedAt, string? Outcome, string? OutcomeChannel, string? CancelReason, Guid? Assignee, string? AssigneeName, Guid? DealId);

/// <summary>A deal; status open, won or lost; amounts in cents; a retainer's first and last day as Berlin dates (yyyy-MM-dd).</summary>
public sealed record LeadDeal(Guid Id, string Package, string PackageName, int AmountCents, string Currency, string Status, DateTime? WonAt,
    string? StartsOn, string? EndsOn, DateTime CreatedAt);

/// <summary>An agent installed for the lead, with its incidents not yet resolved.</summary>
public sealed record LeadAgent(Guid Id, string Name, string Status, bool Paused, DateTime? LastHeartbeatAt, DateTime? SnoozedUntil,
    DateTime? RevokedAt, Guid? DealId, IReadOnlyList<LeadIncident> OpenIncidents);

/// <summary>An incident not yet resolved (open or acknowledged) with the German title of its error class.</summary>
public sealed record LeadIncident(Guid Id, Guid AgentId, string ErrorClass, string Title, string Severity, string Status, DateTime OpenedAt,
    DateTime LastSeenAt, int Occurrences);
