namespace Leitstand.Pipeline;

public sealed partial class ProcessPipelineEvents
{
    // The earliest open event per lead; events of a lead whose earlier event is still open wait.
    private const string ClaimSql = """
        select e.id, e.lead_id as leadid, e.to_stage::text as tostage
        from public.pipeline_events e
        where e.processed_at is null and e.attempts < @MaxAttempts
          and not exists (select 1 from public.pipeline_events p
                          where p.lead_id = e.lead_id and p.processed_at is null and p.attempts < @MaxAttempts and p.id < e.id)
        order by e.id
        limit @Limit
        for update skip locked
        """;

    // LOST cancels every open task of the lead. Any other change makes the open tasks of the other
    // sales stages' playbooks obsolete (e.g. REPLIED stops the follow-ups; a cancelled call, back to
    // QUALIFIED, drops the call preparation), and so are a daily list's first contact and "Nachfassen",
    // which belong to the stage the lead left. Fulfilment tasks (playbooks of WON) stay.
    private const string CancelObsoleteTasksSql = """
        update public.tasks t
        set status = 'CANCELLED', completed_at = now(),
            cancel_reason = case when e.to_stage = 'LOST' then 'Lead verloren'
                                 else 'Stufe ' || e.to_stage::text || ' erreicht' end
        from public.pipeline_events e
        where e.id = any(@Ids) and t.lead_id = e.lead_id and t.status = 'OPEN'
          and (e.to_stage = 'LOST' or t.rule in ('first_contact', 'stale')
               or exists (select 1 from public.playbooks p
                          where p.key = t.playbook_key and p.trigger_stage not in ('WON', 'LOST') and p.trigger_stage <> e.to_stage))
        """;

    // One task per playbook step of the new stage; {name}, {vorname}, {firma} filled from the lead.
    // A lead that has already moved on (a later change is waiting) gets no tasks for the stage it left.
    // Follow-ups falling on a weekend move to Monday where task_settings says so (public.playbook_task_due,
    // the same rule as the daily list, which shares this statement's unique key).
    private const string CreatePlaybookTasksSql = """
        insert into public.tasks (lead_id, deal_id, kind, title, details, due_at, playbook_key, playbook_step, source_event_id)
        select e.lead_id, d.id, s.kind,
               left(public.playbook_text(s.title, l.name, l.company), 200),
               left(public.playbook_text(s.body, l.name, l.company), 4000),
               public.playbook_task_due(s.playbook_key,
                 case s.due_anchor when 'call_at' then coalesce(l.call_at, e.occurred_at) else e.occurred_at end + s.due_after),
               s.playbook_key, s.step, e.id
        from public.pipeline_events e
        join public.leads l on l.id = e.lead_id
        join public.playbooks p on p.trigger_stage = e.to_stage
        join public.playbook_steps s on s.playbook_key = p.key
        left join lateral (
          select dd.id from public.deals dd
          where dd.lead_id = e.lead_id and dd.status = 'WON' and e.to_stage = 'WON'
          order by dd.won_at desc, dd.amount_cents desc limit 1
        ) d on true
        where e.id = any(@Ids) and l.stage = e.to_stage
        on conflict (source_event_id, playbook_key, playbook_step) where source_event_id is not null do nothing
        """;

    // One monitoring record per won deal, with its key sealed for a one-time handover.
    private const string CreateAgentsSql = """
        with input as (
          select * from unnest(@EventIds::bigint[], @Hashes::text[], @Prefixes::text[], @Sealed::bytea[])
            as i(event_id, key_hash, key_prefix, sealed)
        ), created as (
          insert into public.agents (lead_id, deal_id, name, key_hash, key_prefix)
          select e.lead_id, d.id, left('Agent ' || coalesce(l.company, l.name), 120), i.key_hash, i.key_prefix
          from input i
          join public.pipeline_events e on e.id = i.event_id
          join public.leads l on l.id = e.lead_id
          left join lateral (
            select dd.id from public.deals dd where dd.lead_id = e.lead_id and dd.status = 'WON'
            order by dd.won_at desc, dd.amount_cents desc limit 1
          ) d on true
          where not exists (select 1 from public.agents a where a.lead_id = e.lead_id and a.deal_id is not distinct from d.id)
          on conflict do nothing
          returning id, key_hash
        )
        insert into public.agent_key_handovers (agent_id, key_ciphertext)
        select c.id, i.sealed from created c join input i on i.key_hash = c.key_hash
        """;

    // "Deal gewonnen" through the alert contract (public.enqueue_alerts: outbox, sent after the commit), once per event.
    private const string DealWonAlertsSql = """
        select public.enqueue_alerts(@Queue, coalesce(jsonb_agg(jsonb_build_object(
                 'kind', 'deal_won', 'severity', 'info', 'dedupe_key', 'deal_won:' || m.event_id,
                 'subject_type', 'lead', 'subject_id', m.lead_id,
                 'title', 'Deal gewonnen',
                 'text', format('Deal gewonnen: %s, %s €. Onboarding und Installation sind als Aufgaben angelegt; der Agent-Schlüssel wartet auf die einmalige Anzeige.',
                                m.packages, replace(to_char(m.amount_cents / 100.0, 'FM9999990.00'), '.', ',')),
                 'occurred_at', m.occurred_at,
                 'attributes', jsonb_build_object('deal_ids', m.deal_ids, 'amount_cents', m.amount_cents,
                                                  'agent_id', m.agent_id, 'source_event_id', m.event_id))), '[]'::jsonb))
        from (
          select e.id as event_id, e.lead_id, e.occurred_at,
                 coalesce(sum(d.amount_cents), 0) as amount_cents,
                 coalesce(string_agg(initcap(d.package::text), ' + ' order by d.package), 'ohne Paket') as packages,
                 coalesce(jsonb_agg(d.id order by d.package) filter (where d.id is not null), '[]'::jsonb) as deal_ids,
                 (select a.id from public.agents a where a.lead_id = e.lead_id order by a.created_at desc limit 1) as agent_id
          from public.pipeline_events e
          left join public.deals d on d.lead_id = e.lead_id and d.status = 'WON'
          where e.id = any(@EventIds)
          group by e.id
        ) m
        """;

    private const string ScheduleDeletionSql = """
        update public.leads l set delete_after = e.occurred_at + make_interval(days => @LostRetentionDays)
        from public.pipeline_events e
        where e.id = any(@Ids) and e.to_stage = 'LOST' and l.id = e.lead_id and l.stage = 'LOST'
        """;

    private const string MarkProcessedSql = """
        update public.pipeline_events set processed_at = now(), attempts = attempts + 1, last_error = null
        where id = any(@Ids)
        """;

    private const string MarkFailedSql = """
        update public.pipeline_events set attempts = attempts + 1, last_error = left(@Error, 500)
        where id = any(@Ids) and processed_at is null
        """;
}
