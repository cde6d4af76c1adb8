-- Every alert link opens what it names (issue 18): "Deal gewonnen" opens the won deal (#/deals/<id>, subject deal),
-- and a new kind "Agent verbunden" (subject agent, #/agents/<id>) is made at an agent's first heartbeat by a trigger
-- on public.agents (never inside public.ingest_heartbeat). Alerts written before keep their links.

update public.alert_kinds set subject_type = 'deal', route = '#/deals/{id}' where kind = 'deal_won';
insert into public.alert_kinds (kind, label, severity, subject_type, acknowledge_link, route) values
  ('agent_connected', 'Agent verbunden', 'info', 'agent', false, '#/agents/{id}');
-- A new agent's first heartbeat: chat, at working hours.
insert into public.alert_routes (kind, min_severity, channels, quiet_from, quiet_to, group_window, note) values
  ('agent_connected', 'info', '{slack,teams,telegram,webhook}', '19:00', '08:00', interval '0',
   'Agent verbunden: Chat zu Arbeitszeiten');

create or replace function public.process_pipeline_events(p_ids bigint[], p_lost_retention_days integer, p_queue text,
                                               p_won_ids bigint[] default '{}', p_key_hashes text[] default '{}',
                                               p_key_prefixes text[] default '{}', p_sealed_keys bytea[] default '{}')
returns uuid[]
language plpgsql set search_path = '' as $$
declare
  v_messages uuid[] := '{}';
begin
  -- LOST cancels every open task of the lead. Any other change makes the open tasks of the other sales
  -- stages' playbooks obsolete (e.g. REPLIED stops the follow-ups; a cancelled call, back to QUALIFIED, drops
  -- the call preparation), and so are a daily list's first contact and "Nachfassen", which belong to the
  -- stage the lead left. Fulfilment tasks (playbooks of WON) stay.
  update public.tasks t
  set status = 'CANCELLED', completed_at = now(),
      cancel_reason = case when e.to_stage = 'LOST' then 'Lead verloren'
                           else 'Stufe ' || e.to_stage::text || ' erreicht' end
  from public.pipeline_events e
  where e.id = any(p_ids) and t.lead_id = e.lead_id and t.status = 'OPEN'
    and (e.to_stage = 'LOST' or t.rule in ('first_contact', 'stale')
         or exists (select 1 from public.playbooks p
                    where p.key = t.playbook_key and p.trigger_stage not in ('WON', 'LOST') and p.trigger_stage <> e.to_stage));

  -- One task per playbook step of the new stage (public.playbook_step_tasks; the daily list shares this
  -- statement's unique key). A lead that has already moved on (a later change is waiting) gets no tasks for
  -- the stage it left. Fulfilment tasks point at the won deal.
  insert into public.tasks (lead_id, deal_id, kind, title, details, due_at, playbook_key, playbook_step, source_event_id)
  select e.lead_id, d.deal_id, st.kind, st.title, st.details, st.due_at, st.playbook_key, st.step, e.id
  from public.pipeline_events e
  join public.leads l on l.id = e.lead_id
  join public.playbooks p on p.trigger_stage = e.to_stage
  cross join lateral public.playbook_step_tasks(p.key, l.name, l.company, e.occurred_at, l.call_at) st
  left join lateral public.latest_won_deal(e.lead_id) d on e.to_stage = 'WON'
  where e.id = any(p_ids) and l.stage = e.to_stage
  on conflict (source_event_id, playbook_key, playbook_step) where source_event_id is not null do nothing;

  if exists (select 1 from public.pipeline_events e where e.id = any(p_won_ids) and e.to_stage = 'WON') then
    -- One monitoring record per won deal, with its key sealed for a one-time handover.
    with input as (
      select * from unnest(p_won_ids, p_key_hashes, p_key_prefixes, p_sealed_keys) as i(event_id, key_hash, key_prefix, sealed)
    ), created as (
      insert into public.agents (lead_id, deal_id, name, key_hash, key_prefix)
      select e.lead_id, d.deal_id, left('Agent ' || coalesce(l.company, l.name), 120), i.key_hash, i.key_prefix
      from input i
      join public.pipeline_events e on e.id = i.event_id and e.to_stage = 'WON' and e.id = any(p_ids)
      join public.leads l on l.id = e.lead_id
      left join lateral public.latest_won_deal(e.lead_id) d on true
      where not exists (select 1 from public.agents a where a.lead_id = e.lead_id and a.deal_id is not distinct from d.deal_id)
      on conflict do nothing
      returning id, key_hash
    )
    insert into public.agent_key_handovers (agent_id, key_ciphertext)
    select c.id, i.sealed from created c join input i on i.key_hash = c.key_hash;

    -- "Deal gewonnen" through the alert contract (public.enqueue_alerts: outbox, sent after the commit), once per event.
    -- Its link opens the won deal (#/deals/<id>; the deal corrected away from WON meanwhile: the lead's latest deal).
    select public.enqueue_alerts(p_queue, coalesce(jsonb_agg(jsonb_build_object(
             'kind', 'deal_won', 'severity', 'info', 'dedupe_key', 'deal_won:' || m.event_id,
             'subject_type', 'deal', 'subject_id', m.deal_id,
             'title', 'Deal gewonnen',
             'text', format('Deal gewonnen: %s, %s €. Onboarding und Installation sind als Aufgaben angelegt; der Agent-Schlüssel wartet auf die einmalige Anzeige.',
                            m.packages, replace(to_char(m.amount_cents / 100.0, 'FM9999990.00'), '.', ',')),
             'occurred_at', m.occurred_at,
             'attributes', jsonb_build_object('deal_ids', m.deal_ids, 'amount_cents', m.amount_cents, 'lead_id', m.lead_id,
                                              'agent_id', m.agent_id, 'source_event_id', m.event_id)))
             filter (where m.deal_id is not null), '[]'::jsonb))
    into v_messages
    from (
      select e.id as event_id, e.lead_id, e.occurred_at,
             coalesce((select w.deal_id from public.latest_won_deal(e.lead_id) w),
                      (select d2.id from public.deals d2 where d2.lead_id = e.lead_id order by d2.created_at desc, d2.id limit 1)) as deal_id,
             coalesce(sum(d.amount_cents), 0) as amount_cents,
             coalesce(string_agg(initcap(d.package::text), ' + ' order by d.package), 'ohne Paket') as packages,
             coalesce(jsonb_agg(d.id order by d.package) filter (where d.id is not null), '[]'::jsonb) as deal_ids,
             (select a.id from public.agents a where a.lead_id = e.lead_id order by a.created_at desc limit 1) as agent_id
      from public.pipeline_events e
      left join public.deals d on d.lead_id = e.lead_id and d.status = 'WON'
      where e.id = any(p_won_ids) and e.to_stage = 'WON' and e.id = any(p_ids)
      group by e.id
    ) m;
  end if;

  -- A lost lead is deleted after the retention period (ApplyRetention).
  update public.leads l set delete_after = e.occurred_at + make_interval(days => p_lost_retention_days)
  from public.pipeline_events e
  where e.id = any(p_ids) and e.to_stage = 'LOST' and l.id = e.lead_id and l.stage = 'LOST';

  return coalesce(v_messages, '{}');
end
$$;

create function public.agents_connected_alert() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform public.enqueue_alerts(coalesce(nullif(current_setting('leitstand.alerts_queue', true), ''), 'alerts'),
    jsonb_build_array(jsonb_build_object(
      'kind', 'agent_connected', 'severity', 'info', 'dedupe_key', 'agent_connected:' || new.id,
      'subject_type', 'agent', 'subject_id', new.id,
      'title', 'Agent verbunden',
      'text', 'Ein neuer Agent hat seinen ersten Heartbeat geschickt' || coalesce(' (Version ' || new.agent_version::text || ')', '')
              || '. Status, Wartungsfenster und Aktionen stehen im Status-Center.',
      'occurred_at', new.last_heartbeat_at,
      'attributes', jsonb_build_object('agent_id', new.id, 'agent_version', new.agent_version))));
  return null;
end
$$;
create trigger agents_connected_alert after update of last_heartbeat_at on public.agents
  for each row when (old.last_heartbeat_at is null and new.last_heartbeat_at is not null)
  execute function public.agents_connected_alert();
revoke all on function public.agents_connected_alert() from public, anon, authenticated;
