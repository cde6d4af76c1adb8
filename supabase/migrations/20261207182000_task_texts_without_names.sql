-- Issue 21, no personal data in derived text: task titles and details keep their placeholders ({name}, {vorname},
-- {firma}, {handle}) and are filled from the lead when read (public.task_text); the overdue summary lists its tasks
-- by reference (attributes.items, details with {aufgaben}, public.overdue_summary_lines); an agent made at WON is
-- named after its package and id (public.agent_default_name), not after the company or person. Existing rows are
-- rewritten set-based to the new form.

drop function public.playbook_step_tasks(text, text, text, timestamptz, timestamptz);

create function public.task_text(p_text text, p_name text, p_company text, p_handle text)
returns text
language sql immutable as $$
  select replace(public.playbook_text(p_text, coalesce(p_name, 'gelöschter Lead'), p_company), '{handle}', coalesce(p_handle, '–'))
$$;

create function public.playbook_step_tasks(p_playbook text, p_entered_at timestamptz, p_call_at timestamptz)
returns table (playbook_key text, step integer, kind text, title text, details text, due_anchor text, due_at timestamptz)
language sql stable as $$
  select s.playbook_key, s.step, s.kind, left(s.title, 200), left(s.body, 4000), s.due_anchor,
         public.playbook_task_due(s.playbook_key,
           case s.due_anchor when 'call_at' then coalesce(p_call_at, p_entered_at) else p_entered_at end + s.due_after)
  from public.playbook_steps s
  where s.playbook_key = p_playbook
$$;

create or replace function public.create_first_contact_tasks(p_date date, p_at timestamptz, p_leads uuid[] default null,
                                                  p_since timestamptz default null)
returns table (created integer, urgent integer)
language plpgsql set search_path = '' as $$
declare
  s public.task_settings;
  v_day_start timestamptz := public.berlin_day_start(p_date);
  v_day_end timestamptz := public.berlin_day_start(p_date + 1);
begin
  select * into s from public.task_settings;

  with waiting as (
    select l.id, l.contact_basis, l.handle_channel, l.handle is not null as has_handle, l.email is not null as has_email,
           case when s.weekend_to_monday then public.weekend_to_monday(l.stage_changed_at) else l.stage_changed_at end as since
    from public.leads l
    -- a lead contacted outside the task (an outbound touchpoint since it entered NEW) needs none
    left join lateral (select 1 as found from public.lead_touchpoints tp
                       where tp.lead_id = l.id and tp.occurred_at >= l.stage_changed_at and tp.direction = 'OUTBOUND'
                       limit 1) contacted on true
    where l.stage = 'NEW' and (p_leads is null or l.id = any(p_leads))
      and (p_since is null or l.stage_changed_at >= p_since)
      and contacted.found is null
      and not exists (select 1 from public.tasks t where t.lead_id = l.id and t.rule = 'first_contact' and t.status = 'OPEN')
  ), inserted as (
    insert into public.tasks (lead_id, kind, rule, title, details, due_at, priority, dedupe_key, generated_for, attributes)
    select w.id, 'first_contact', 'first_contact', 'Erstkontakt: {name}',
           concat_ws(E'\n\n',
             case w.contact_basis
               when 'form' then 'Die Person hat über das Formular angefragt und eingewilligt. Heute persönlich antworten: kurz auf die Anfrage eingehen und ein 15-Minuten-Gespräch anbieten.'
               when 'existing_customer' then 'Bestandskunde: persönlich anschreiben, auf die bisherige Zusammenarbeit Bezug nehmen.'
               when 'referral' then 'Empfehlung: die empfehlende Person nennen und persönlich anschreiben.'
               else 'Erst-DM nach dem Cold-DM-Skript senden (docs/vertrieb/cold-dm-skript.md): persönlich, höchstens fünf Sätze, kein Link, am Ende eine einfache Frage.'
             end,
             case when w.contact_basis = 'cold' then
               'Hinweis (UWG § 7): Für diesen Kontakt liegt keine Einwilligung vor. Werbung per E-Mail, DM oder Messenger ohne vorherige ausdrückliche Einwilligung ist eine unzumutbare Belästigung (§ 7 Abs. 2 UWG) – auch gegenüber Unternehmern, und Direktnachrichten in sozialen Netzwerken gelten als elektronische Post. Die erste Nachricht darf deshalb nicht werben: persönlich auf einen Beitrag oder eine Frage der Person eingehen und erst nach ihrer Zustimmung über das Angebot sprechen. Im Zweifel nicht senden.'
             end,
             case when w.has_handle then 'Kanal: ' || w.handle_channel || ' ({handle})'
                  when w.has_email then 'Kanal: E-Mail' end,
             'Danach die Aufgabe mit Kanal erledigen: Der Lead wechselt nach CONTACTED, die Follow-ups entstehen automatisch.'),
           greatest(w.since, v_day_start),
           case when w.since <= p_at - s.first_contact_urgent_after then 'high' else 'normal' end,
           'first_contact:' || w.id || ':' || p_date, p_date,
           jsonb_build_object('contact_basis', w.contact_basis, 'waiting_since', w.since)
    from waiting w
    where w.since < v_day_end   -- with the weekend setting a Saturday's lead is Monday's task
    on conflict do nothing
    returning 1
  )
  select count(*)::int into created from inserted;

  with raised as (
    update public.tasks t set priority = 'high'
    from public.leads l
    where t.rule = 'first_contact' and t.status = 'OPEN' and t.priority = 'normal' and l.id = t.lead_id
      and (p_leads is null or l.id = any(p_leads))
      and (t.attributes ->> 'waiting_since')::timestamptz <= p_at - s.first_contact_urgent_after
    returning 1
  )
  select count(*)::int into urgent from raised;
  return next;
end
$$;

create or replace function public.create_follow_up_tasks(p_date date, p_since timestamptz default null)
returns integer
language plpgsql set search_path = '' as $$
declare
  v_day_end timestamptz := public.berlin_day_start(p_date + 1);
  v_created integer;
begin
  with entry as (
    select distinct on (e.lead_id) e.lead_id, e.id as event_id, e.occurred_at
    from public.pipeline_events e
    join public.leads l on l.id = e.lead_id and l.stage = 'CONTACTED'
    where e.processed_at is null and e.to_stage = 'CONTACTED' and (p_since is null or e.occurred_at >= p_since)
      and not exists (select 1 from public.pipeline_events later
                      where later.lead_id = e.lead_id and later.to_stage = 'CONTACTED' and later.id > e.id)
    order by e.lead_id, e.id desc
  ), inserted as (
    insert into public.tasks (lead_id, kind, rule, title, details, due_at, playbook_key, playbook_step, source_event_id, generated_for)
    select l.id, st.kind, 'follow_up', st.title, st.details, st.due_at, st.playbook_key, st.step, en.event_id, p_date
    from entry en
    join public.leads l on l.id = en.lead_id
    cross join lateral public.playbook_step_tasks('followup_sequence', en.occurred_at, l.call_at) st
    where st.due_at < v_day_end
      and not exists (select 1 from public.tasks t
                      where t.source_event_id = en.event_id and t.playbook_key = st.playbook_key and t.playbook_step = st.step)
      and not exists (select 1 from public.lead_touchpoints tp
                      where tp.lead_id = l.id and tp.direction = 'INBOUND' and tp.occurred_at > en.occurred_at)
    on conflict do nothing
    returning 1
  )
  select count(*)::int into v_created from inserted;
  return v_created;
end
$$;

create or replace function public.create_stale_lead_tasks(p_date date, p_at timestamptz)
returns integer
language plpgsql set search_path = '' as $$
declare
  v_day_start timestamptz := public.berlin_day_start(p_date);
  v_created integer;
begin
  with candidates as materialized (
    select l.id, l.stage, l.stage_changed_at, lim.hint,
           greatest(l.stage_changed_at, case when lim.anchor = 'call_at' then l.call_at end,
                    (select max(tp.occurred_at) from public.lead_touchpoints tp where tp.lead_id = l.id),
                    (select max(t.completed_at) from public.tasks t where t.lead_id = l.id and t.status = 'DONE'))
             + lim.stale_after as stale_at
    from public.stale_stage_limits lim
    join public.leads l on l.stage = lim.stage and l.stage_changed_at <= p_at - lim.stale_after
    where (lim.anchor <> 'call_at' or l.call_at <= p_at - lim.stale_after)
      and not exists (select 1 from public.tasks t where t.lead_id = l.id and t.rule = 'stale' and t.status = 'OPEN')
  ), inserted as (
    insert into public.tasks (lead_id, kind, rule, title, details, due_at, dedupe_key, generated_for, attributes)
    select c.id, 'stale', 'stale',
           left(format('Nachfassen: {name} steht seit %s in %s',
                       public.german_days(p_date - (c.stage_changed_at at time zone 'Europe/Berlin')::date),
                       public.lead_stage_label(c.stage)), 200),
           c.hint, v_day_start, 'stale:' || c.id || ':' || p_date, p_date,
           jsonb_build_object('stage', c.stage, 'stale_since', c.stale_at)
    from candidates c
    where c.stale_at <= p_at
    on conflict do nothing
    returning 1
  )
  select count(*)::int into v_created from inserted;
  return v_created;
end
$$;

create or replace function public.create_call_prep_tasks(p_date date, p_since timestamptz default null)
returns table (created integer, moved integer)
language plpgsql set search_path = '' as $$
declare
  s public.task_settings;
  v_day_start timestamptz := public.berlin_day_start(p_date);
begin
  select * into s from public.task_settings;

  with moved_tasks as (
    update public.tasks t set due_at = st.due_at
    from public.leads l, public.playbook_step_tasks('call_prep', l.stage_changed_at, l.call_at) st
    where t.status = 'OPEN' and t.playbook_key = 'call_prep' and st.playbook_key = t.playbook_key and st.step = t.playbook_step
      and st.due_anchor = 'call_at' and l.id = t.lead_id and l.stage = 'CALL_BOOKED' and l.call_at is not null
      and (p_since is null or l.updated_at >= p_since)
      and t.due_at is distinct from st.due_at
    returning 1
  )
  select count(*)::int into moved from moved_tasks;

  with booked as (
    select l.id, l.stage_changed_at, l.call_at,
           (select e.id from public.pipeline_events e where e.lead_id = l.id and e.to_stage = 'CALL_BOOKED'
            order by e.id desc limit 1) as event_id
    from public.leads l
    where l.stage = 'CALL_BOOKED' and l.call_at >= v_day_start
      and l.call_at < public.berlin_day_start(p_date + 1 + s.call_prep_days_ahead)
      and (p_since is null or l.updated_at >= p_since)
  ), inserted as (
    insert into public.tasks (lead_id, kind, rule, title, details, due_at, playbook_key, playbook_step, source_event_id,
                              dedupe_key, generated_for)
    select b.id, st.kind, 'call_prep', st.title, st.details, st.due_at, st.playbook_key, st.step, b.event_id,
           'call_prep:' || b.id || ':' || to_char(b.call_at at time zone 'UTC', 'YYYYMMDD"T"HH24MI'), p_date
    from booked b
    cross join lateral public.playbook_step_tasks('call_prep', b.stage_changed_at, b.call_at) st
    where st.step = 1
      and not exists (select 1 from public.tasks t where t.lead_id = b.id and t.playbook_key = 'call_prep' and t.playbook_step = 1
                        and (t.status = 'OPEN' or t.source_event_id is not distinct from b.event_id))
    on conflict do nothing
    returning 1
  )
  select count(*)::int into created from inserted;
  return next;
end
$$;

create or replace function public.create_overdue_summary_tasks(p_date date, p_at timestamptz)
returns table (created integer, superseded integer)
language plpgsql set search_path = '' as $$
declare
  s public.task_settings;
  v_day_start timestamptz := public.berlin_day_start(p_date);
begin
  select * into s from public.task_settings;

  with replaced as (
    update public.tasks t set status = 'CANCELLED', completed_at = p_at,
      cancel_reason = 'Ersetzt durch die Liste vom ' || to_char(p_date, 'DD.MM.YYYY')
    where t.status = 'OPEN' and t.rule = 'overdue_summary' and t.generated_for < p_date
    returning 1
  )
  select count(*)::int into superseded from replaced;

  with overdue as (
    select t.assignee, count(*)::int as tasks, min(t.due_at) as oldest
    from public.tasks t
    where t.status = 'OPEN' and t.due_at < v_day_start and t.rule is distinct from 'overdue_summary'
      and t.rule is distinct from 'kpi_shortfall'
    group by t.assignee
  ), grouped as (
    -- the oldest ones by reference (an index range on the open tasks per assignee)
    select o.*, (select jsonb_agg(jsonb_build_object('task_id', x.id, 'due_at', x.due_at) order by x.due_at, x.id)
                 from (select t.due_at, t.id from public.tasks t
                       where t.status = 'OPEN' and t.due_at < v_day_start and t.assignee is not distinct from o.assignee
                         and t.rule is distinct from 'overdue_summary' and t.rule is distinct from 'kpi_shortfall'
                       order by t.due_at, t.id limit s.overdue_list_limit) x) as items
    from overdue o
  ), inserted as (
    insert into public.tasks (kind, rule, title, details, due_at, assignee, priority, dedupe_key, generated_for, attributes)
    select 'overdue_summary', 'overdue_summary',
           case when g.tasks = 1 then 'Überfällig: 1 offene Aufgabe aufarbeiten'
                else format('Überfällig: %s offene Aufgaben aufarbeiten', g.tasks) end,
           concat_ws(E'\n', 'Jede Aufgabe erledigen, überspringen oder neu terminieren:', '{aufgaben}',
                     case when g.tasks > s.overdue_list_limit then format('… und %s weitere.', g.tasks - s.overdue_list_limit) end),
           v_day_start, g.assignee, 'high', 'overdue:' || coalesce(g.assignee::text, 'unassigned') || ':' || p_date, p_date,
           jsonb_build_object('tasks', g.tasks, 'oldest_due_at', g.oldest, 'items', g.items)
    from grouped g
    on conflict do nothing
    returning 1
  )
  select count(*)::int into created from inserted;
  return next;
end
$$;

create function public.overdue_summary_lines(p_items jsonb)
returns text
language sql stable as $$
  select string_agg(format('- %s (fällig %s)',
                           coalesce(public.task_text(x.title, l.name, l.company, l.handle), 'Aufgabe eines gelöschten Leads'),
                           to_char((i.item ->> 'due_at')::timestamptz at time zone 'Europe/Berlin', 'DD.MM.')), E'\n' order by i.position)
  from jsonb_array_elements(coalesce(p_items, '[]')) with ordinality as i(item, position)
  left join public.tasks x on x.id = (i.item ->> 'task_id')::uuid
  left join public.leads l on l.id = x.lead_id
$$;

create function public.agent_default_name(p_agent uuid, p_package public.deal_package)
returns text
language sql immutable as $$
  select 'Agent ' || coalesce(initcap(p_package::text) || ' ', '') || '#' || left(p_agent::text, 8)
$$;

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
  cross join lateral public.playbook_step_tasks(p.key, e.occurred_at, l.call_at) st
  left join lateral public.latest_won_deal(e.lead_id) d on e.to_stage = 'WON'
  where e.id = any(p_ids) and l.stage = e.to_stage
  on conflict (source_event_id, playbook_key, playbook_step) where source_event_id is not null do nothing;

  if exists (select 1 from public.pipeline_events e where e.id = any(p_won_ids) and e.to_stage = 'WON') then
    -- One monitoring record per won deal, with its key sealed for a one-time handover. Its name carries no
    -- personal data ("Agent Setup #1a2b3c4d": package and the start of its id); the status center shows the
    -- customer by reference (the lead, read at read time).
    with input as materialized (
      select i.*, gen_random_uuid() as agent_id
      from unnest(p_won_ids, p_key_hashes, p_key_prefixes, p_sealed_keys) as i(event_id, key_hash, key_prefix, sealed)
    ), created as (
      insert into public.agents (id, lead_id, deal_id, name, key_hash, key_prefix)
      select i.agent_id, e.lead_id, d.deal_id, public.agent_default_name(i.agent_id, dp.package), i.key_hash, i.key_prefix
      from input i
      join public.pipeline_events e on e.id = i.event_id and e.to_stage = 'WON' and e.id = any(p_ids)
      left join lateral public.latest_won_deal(e.lead_id) d on true
      left join public.deals dp on dp.id = d.deal_id
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

revoke all on function public.overdue_summary_lines(jsonb) from public, anon;
grant execute on function public.overdue_summary_lines(jsonb) to authenticated, leitstand_functions;

-- Existing tasks. Playbook tasks take their step's texts (with the placeholders) again.
update public.tasks t set title = left(s.title, 200), details = left(s.body, 4000)
from public.playbook_steps s
where s.playbook_key = t.playbook_key and s.step = t.playbook_step;

-- First contacts and "Nachfassen": the name and the handle become placeholders.
update public.tasks t set title = 'Erstkontakt: {name}',
  details = case when l.handle is not null then replace(t.details, ' (' || l.handle || ')', ' ({handle})') else t.details end
from public.leads l
where l.id = t.lead_id and t.rule = 'first_contact';

update public.tasks t set title = replace(t.title, 'Nachfassen: ' || l.name || ' steht seit', 'Nachfassen: {name} steht seit')
from public.leads l
where l.id = t.lead_id and t.rule = 'stale';

-- Any other task of a lead that still names it (a step since removed, a task written by hand): every occurrence of
-- the name, company, handle, e-mail and phone becomes its placeholder or goes. A title that was only the address or
-- the number reads "Aufgabe" (an empty title would break the check and the whole migration).
update public.tasks t
set title = coalesce(nullif(left(replace(replace(replace(replace(replace(t.title, l.name, '{name}'), coalesce(l.company, ''), '{firma}'),
                         coalesce(l.handle, ''), '{handle}'), coalesce(l.email::text, ''), ''), coalesce(l.phone, ''), ''), 200), ''), 'Aufgabe'),
    details = left(replace(replace(replace(replace(replace(t.details, l.name, '{name}'), coalesce(l.company, ''), '{firma}'),
                           coalesce(l.handle, ''), '{handle}'), coalesce(l.email::text, ''), ''), coalesce(l.phone, ''), ''), 4000)
from public.leads l
where l.id = t.lead_id and char_length(l.name) >= 3
  and (strpos(t.title, l.name) > 0 or strpos(t.details, l.name) > 0
       or (char_length(l.company) >= 3 and (strpos(t.title, l.company) > 0 or strpos(t.details, l.company) > 0))
       or (l.handle is not null and strpos(t.details, l.handle) > 0)
       or (l.email is not null and strpos(t.details, l.email::text) > 0)
       or (l.phone is not null and strpos(t.details, l.phone) > 0));

-- Overdue summaries: the open ones list the overdue tasks of their assignee by reference again; closed ones keep
-- their heading only.
with summary as (
  select t.id, t.status, (t.attributes ->> 'tasks')::int as tasks, s.overdue_list_limit,
         (select jsonb_agg(jsonb_build_object('task_id', x.id, 'due_at', x.due_at) order by x.due_at, x.id)
          from (select o.id, o.due_at from public.tasks o
                where o.status = 'OPEN' and o.due_at < public.berlin_day_start(t.generated_for)
                  and o.assignee is not distinct from t.assignee
                  and o.rule is distinct from 'overdue_summary' and o.rule is distinct from 'kpi_shortfall'
                order by o.due_at, o.id limit s.overdue_list_limit) x) as items
  from public.tasks t cross join public.task_settings s
  where t.rule = 'overdue_summary'
)
update public.tasks t
set details = case when m.status = 'OPEN' and m.items is not null
                   then concat_ws(E'\n', 'Jede Aufgabe erledigen, überspringen oder neu terminieren:', '{aufgaben}',
                                  case when m.tasks > jsonb_array_length(m.items) then format('… und %s weitere.', m.tasks - jsonb_array_length(m.items)) end)
                   else 'Jede Aufgabe erledigen, überspringen oder neu terminieren.' end,
    attributes = t.attributes || jsonb_build_object('items', case when m.status = 'OPEN' then coalesce(m.items, '[]') else '[]' end)
from summary m
where m.id = t.id;

-- Agents named after their customer: package and id instead.
update public.agents a
set name = public.agent_default_name(a.id, (select d.package from public.deals d where d.id = a.deal_id))
from public.leads l
where l.id = a.lead_id
  and (strpos(lower(a.name), lower(l.name)) > 0 or (l.company is not null and strpos(lower(a.name), lower(l.company)) > 0));
