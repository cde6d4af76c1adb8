-- One home per rule for the pipeline and the daily list (issue 17, items 2 and 3). No behaviour changes:
-- the same tasks, titles, due dates and alerts as before, from fewer places.
--
-- * public.playbook_step_tasks: "playbook step → task" (title and details from the step's text, the due
--   date from its anchor plus the weekend rule of public.playbook_task_due). The stage-change reactions and
--   the daily list's follow-up and call-preparation rules all read it, instead of three copies.
-- * public.latest_won_deal: "the latest won deal of a lead" (the deal a won lead's fulfilment tasks and its
--   agent belong to), instead of the same lateral twice.
-- * public.process_pipeline_events: the state rules of a stage change (obsolete tasks, playbook tasks,
--   agents, "Deal gewonnen", deletion date) as one function. The C# side (ProcessPipelineEvents) claims the
--   events, makes the agent keys (crypto), calls it and marks the events processed or failed.
-- * public.generate_daily_tasks orchestrates one function per rule (first contact, follow-up, stale lead,
--   call preparation, overdue summary, KPI shortfall; tests/Leitstand.Tests/Tasks/*RuleTests.cs) and the
--   digest (DigestTests). Same signature, same result, same ledger.

-- ---------------------------------------------------------------------------------------------
-- Playbook step → task: what each step of a playbook becomes for one lead. {name}, {vorname}, {firma} are
-- filled from the lead; a step is due its due_after after its anchor: the lead's entry into the stage
-- (p_entered_at) or, for due_anchor call_at, the booked call (p_call_at, else the entry); follow-ups that
-- fall on a weekend move to Monday where task_settings says so (public.playbook_task_due). SQL without a SET
-- clause, so the planner inlines it into the set-based statements that use it.
create function public.playbook_step_tasks(p_playbook text, p_name text, p_company text,
                                           p_entered_at timestamptz, p_call_at timestamptz)
returns table (playbook_key text, step integer, kind text, title text, details text, due_anchor text, due_at timestamptz)
language sql stable as $$
  select s.playbook_key, s.step, s.kind,
         left(public.playbook_text(s.title, p_name, p_company), 200),
         left(public.playbook_text(s.body, p_name, p_company), 4000),
         s.due_anchor,
         public.playbook_task_due(s.playbook_key,
           case s.due_anchor when 'call_at' then coalesce(p_call_at, p_entered_at) else p_entered_at end + s.due_after)
  from public.playbook_steps s
  where s.playbook_key = p_playbook
$$;

-- The latest won deal of a lead (none if it has none): the deal its fulfilment tasks and its agent belong
-- to. Inlined like the function above.
create function public.latest_won_deal(p_lead uuid)
returns table (deal_id uuid)
language sql stable as $$
  select d.id from public.deals d
  where d.lead_id = p_lead and d.status = 'WON'
  order by d.won_at desc, d.amount_cents desc
  limit 1
$$;

-- ---------------------------------------------------------------------------------------------
-- What a batch of stage events sets in motion, in the caller's transaction (ProcessPipelineEvents claims
-- the events FOR UPDATE SKIP LOCKED and marks them processed in the same transaction, so each acts once;
-- the unique keys below make a repeat harmless anyway). p_won_ids/p_key_hashes/p_key_prefixes/p_sealed_keys:
-- a new agent key per WON event, made by the caller (hash, display prefix, sealed for the one-time handover).
-- Returns the outbox message ids of the "Deal gewonnen" alerts (sent after the commit).
create function public.process_pipeline_events(p_ids bigint[], p_lost_retention_days integer, p_queue text,
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
    select public.enqueue_alerts(p_queue, coalesce(jsonb_agg(jsonb_build_object(
             'kind', 'deal_won', 'severity', 'info', 'dedupe_key', 'deal_won:' || m.event_id,
             'subject_type', 'lead', 'subject_id', m.lead_id,
             'title', 'Deal gewonnen',
             'text', format('Deal gewonnen: %s, %s €. Onboarding und Installation sind als Aufgaben angelegt; der Agent-Schlüssel wartet auf die einmalige Anzeige.',
                            m.packages, replace(to_char(m.amount_cents / 100.0, 'FM9999990.00'), '.', ',')),
             'occurred_at', m.occurred_at,
             'attributes', jsonb_build_object('deal_ids', m.deal_ids, 'amount_cents', m.amount_cents,
                                              'agent_id', m.agent_id, 'source_event_id', m.event_id))), '[]'::jsonb))
    into v_messages
    from (
      select e.id as event_id, e.lead_id, e.occurred_at,
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

-- ---------------------------------------------------------------------------------------------
-- The daily list, one function per rule. Each takes the Berlin date and the time as parameters (tests move
-- the clock); p_since (null: the morning's full run) limits a rule to what changed since the previous run.

-- Rule "follow-up": the follow-up sequence's steps due by the end of the day whose stage event has not been
-- processed yet (webhook and timer down, or the event stuck after its attempts): processing an event
-- creates all its steps in one transaction, so a processed one has them. Same steps (public.playbook_step_tasks)
-- and same unique key as that path (event, playbook, step), so whichever comes first creates the task and the
-- other nothing. Only the lead's current stay in CONTACTED counts (its latest event), and a lead with an
-- inbound touchpoint since then has replied: no more follow-ups. Returns how many it created.
create function public.create_follow_up_tasks(p_date date, p_since timestamptz default null)
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
    cross join lateral public.playbook_step_tasks('followup_sequence', l.name, l.company, en.occurred_at, l.call_at) st
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

-- Rule "stale lead" ("Nachfassen"): no activity for longer than the stage's limit (public.stale_stage_limits).
-- Any touchpoint or done task resets the clock. The stage change alone must already be old enough (an index
-- range), before the activity is read. Once a day (the morning's run). Returns how many it created.
create function public.create_stale_lead_tasks(p_date date, p_at timestamptz)
returns integer
language plpgsql set search_path = '' as $$
declare
  v_day_start timestamptz := public.berlin_day_start(p_date);
  v_created integer;
begin
  with candidates as materialized (
    select l.id, l.name, l.stage, l.stage_changed_at, lim.hint,
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
           left(format('Nachfassen: %s steht seit %s in %s', c.name,
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

-- Rule "call preparation": calls booked for today or the next days (task_settings.call_prep_days_ahead) get
-- the preparation (playbook call_prep, step 1, public.playbook_step_tasks), if not already there for this
-- booking; a call that was moved takes its open call tasks along. Later runs of the day: leads changed since
-- the previous run. Returns (created, moved).
create function public.create_call_prep_tasks(p_date date, p_since timestamptz default null)
returns table (created integer, moved integer)
language plpgsql set search_path = '' as $$
declare
  s public.task_settings;
  v_day_start timestamptz := public.berlin_day_start(p_date);
begin
  select * into s from public.task_settings;

  with moved_tasks as (
    update public.tasks t set due_at = st.due_at
    from public.leads l, public.playbook_step_tasks('call_prep', l.name, l.company, l.stage_changed_at, l.call_at) st
    where t.status = 'OPEN' and t.playbook_key = 'call_prep' and st.playbook_key = t.playbook_key and st.step = t.playbook_step
      and st.due_anchor = 'call_at' and l.id = t.lead_id and l.stage = 'CALL_BOOKED' and l.call_at is not null
      and (p_since is null or l.updated_at >= p_since)
      and t.due_at is distinct from st.due_at
    returning 1
  )
  select count(*)::int into moved from moved_tasks;

  with booked as (
    select l.id, l.name, l.company, l.stage_changed_at, l.call_at,
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
    cross join lateral public.playbook_step_tasks('call_prep', b.name, b.company, b.stage_changed_at, b.call_at) st
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

-- Rule "overdue summary": yesterday's summaries are replaced by today's; overdue open tasks get one summary
-- per assignee (and one for the unassigned), not one per task, the oldest ones by name. Once a day.
-- Returns (created, superseded).
create function public.create_overdue_summary_tasks(p_date date, p_at timestamptz)
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
    -- the oldest ones by name (an index range on the open tasks per assignee)
    select o.*, (select string_agg(format('- %s (fällig %s)', x.title, to_char(x.due_at at time zone 'Europe/Berlin', 'DD.MM.')), E'\n'
                                    order by x.due_at, x.id)
                 from (select t.title, t.due_at, t.id from public.tasks t
                       where t.status = 'OPEN' and t.due_at < v_day_start and t.assignee is not distinct from o.assignee
                         and t.rule is distinct from 'overdue_summary' and t.rule is distinct from 'kpi_shortfall'
                       order by t.due_at, t.id limit s.overdue_list_limit) x) as lines
    from overdue o
  ), inserted as (
    insert into public.tasks (kind, rule, title, details, due_at, assignee, priority, dedupe_key, generated_for, attributes)
    select 'overdue_summary', 'overdue_summary',
           case when g.tasks = 1 then 'Überfällig: 1 offene Aufgabe aufarbeiten'
                else format('Überfällig: %s offene Aufgaben aufarbeiten', g.tasks) end,
           left(concat_ws(E'\n', 'Jede Aufgabe erledigen, überspringen oder neu terminieren:', g.lines,
                          case when g.tasks > s.overdue_list_limit then format('… und %s weitere.', g.tasks - s.overdue_list_limit) end), 4000),
           v_day_start, g.assignee, 'high', 'overdue:' || coalesce(g.assignee::text, 'unassigned') || ':' || p_date, p_date,
           jsonb_build_object('tasks', g.tasks, 'oldest_due_at', g.oldest)
    from grouped g
    on conflict do nothing
    returning 1
  )
  select count(*)::int into created from inserted;
  return next;
end
$$;

-- Rule "KPI shortfall": the ISO week so far (Monday, Europe/Berlin) against the weekly minimums
-- (public.weekly_targets), pro-rated to the end of today; one task per metric behind, yesterday's replaced.
-- Once a day. Returns (created, superseded).
create function public.create_kpi_shortfall_tasks(p_date date, p_at timestamptz)
returns table (created integer, superseded integer)
language plpgsql set search_path = '' as $$
declare
  v_day_start timestamptz := public.berlin_day_start(p_date);
  v_week_start date := p_date - (extract(isodow from p_date)::int - 1);
  v_until timestamptz := least(p_at, public.berlin_day_start(p_date + 1));
begin
  with replaced as (
    update public.tasks t set status = 'CANCELLED', completed_at = p_at,
      cancel_reason = 'Ersetzt durch die Liste vom ' || to_char(p_date, 'DD.MM.YYYY')
    where t.status = 'OPEN' and t.rule = 'kpi_shortfall' and t.generated_for < p_date
    returning 1
  )
  select count(*)::int into superseded from replaced;

  with history as (
    select count(distinct h.lead_id) filter (where h.from_stage = 'NEW' and h.to_stage in ('CONTACTED', 'CALL_BOOKED'))::int as first_contacts,
           count(distinct h.lead_id) filter (where h.to_stage = 'REPLIED')::int as replies,
           count(distinct h.lead_id) filter (where h.to_stage = 'CALL_BOOKED')::int as calls
    from public.lead_stage_history h
    where h.changed_at >= public.berlin_day_start(v_week_start) and h.changed_at < v_until
      and h.to_stage in ('CONTACTED', 'REPLIED', 'CALL_BOOKED')
  ), actual as (
    select 'new_leads' as metric, (select count(*)::int from public.leads l
                                   where l.created_at >= public.berlin_day_start(v_week_start) and l.created_at < v_until) as value
    union all select 'first_contacts', h.first_contacts from history h
    union all select 'replies', h.replies from history h
    union all select 'calls', h.calls from history h
    union all
    select 'setups_sold', count(*)::int from public.deals d
    where d.status = 'WON' and d.package = 'SETUP' and d.won_at >= public.berlin_day_start(v_week_start) and d.won_at < v_until
  ), progress as (
    select w.metric, w.label, w.target, w.position, w.action_one, w.action_many,
           coalesce(sum(a.value), 0)::int as value,
           ceil(w.target * (p_date - v_week_start + 1) / 7.0)::int as pro_rated
    from public.weekly_targets w
    left join actual a on a.metric = w.metric
    group by w.metric
  ), inserted as (
    insert into public.tasks (kind, rule, title, details, due_at, priority, dedupe_key, generated_for, attributes)
    select 'kpi_shortfall', 'kpi_shortfall',
           format('%s: %s von %s – %s', p.label, p.value, p.target,
                  case when p.pro_rated - p.value = 1 then p.action_one else format(p.action_many, p.pro_rated - p.value) end),
           format('Woche ab %s: Bis heute Abend wären anteilig %s von %s nötig, erreicht sind %s.',
                  to_char(v_week_start, 'DD.MM.YYYY'), p.pro_rated, p.target, p.value),
           v_day_start, 'normal', 'kpi:' || p.metric || ':' || p_date, p_date,
           jsonb_build_object('metric', p.metric, 'value', p.value, 'target', p.target, 'pro_rated', p.pro_rated,
                              'week_start', v_week_start)
    from progress p
    where p.value < p.pro_rated
    on conflict do nothing
    returning 1
  )
  select count(*)::int into created from inserted;
  return next;
end
$$;

-- The digest: one alert for the day's list (open tasks due by tonight), counts only, no names, through the
-- alert contract (public.enqueue_alerts). p_created: what the rules created (in the alert's attributes).
-- Returns the outbox message ids (sent after the commit).
create function public.send_daily_tasks_digest(p_date date, p_at timestamptz, p_queue text, p_created jsonb)
returns uuid[]
language plpgsql set search_path = '' as $$
declare
  s public.task_settings;
  v_day_start timestamptz := public.berlin_day_start(p_date);
  v_day_end timestamptz := public.berlin_day_start(p_date + 1);
  v_ids uuid[];
begin
  select * into s from public.task_settings;

  with today as (
    select case when t.rule = 'first_contact' then 'first_contact'
                when t.playbook_key = 'followup_sequence' then 'follow_up'
                when t.rule = 'stale' then 'stale'
                when t.playbook_key = 'call_prep' then 'call'
                when t.rule = 'kpi_shortfall' then 'kpi'
                when t.rule = 'overdue_summary' then 'summary'
                else 'other' end as category,
           t.due_at < v_day_start as overdue, t.priority = 'high' as urgent
    from public.tasks t
    where t.status = 'OPEN' and t.due_at < v_day_end
  ), counts as (
    select count(*) filter (where category not in ('summary', 'kpi'))::int as total,
           count(*) filter (where category = 'first_contact')::int as first_contact,
           count(*) filter (where category = 'first_contact' and urgent)::int as first_contact_urgent,
           count(*) filter (where category = 'follow_up')::int as follow_up,
           count(*) filter (where category = 'stale')::int as stale,
           count(*) filter (where category = 'call')::int as call,
           count(*) filter (where category = 'kpi')::int as kpi,
           count(*) filter (where category = 'other')::int as other,
           count(*) filter (where overdue and category not in ('summary', 'kpi'))::int as overdue
    from today
  ), kpi as (
    select string_agg(format('%s %s von %s', w.label, (t.attributes ->> 'value'), w.target), ', ' order by w.position) as text
    from public.tasks t join public.weekly_targets w on w.metric = t.attributes ->> 'metric'
    where t.rule = 'kpi_shortfall' and t.status = 'OPEN' and t.generated_for = p_date
  )
  select public.enqueue_alerts(p_queue, jsonb_build_array(jsonb_build_object(
           'kind', 'daily_tasks', 'severity', 'info', 'dedupe_key', 'daily_tasks:' || p_date,
           'subject_type', 'team', 'subject_id', null,
           'title', left(format('Heute: %s %s', c.total, case when c.total = 1 then 'Aufgabe' else 'Aufgaben' end)
                         || coalesce(' – ' || nullif(concat_ws(', ',
                              case when c.first_contact > 0 then c.first_contact || case when c.first_contact = 1 then ' Erstkontakt' else ' Erstkontakte' end end,
                              case when c.follow_up > 0 then c.follow_up || case when c.follow_up = 1 then ' Follow-up' else ' Follow-ups' end end,
                              case when c.stale > 0 then c.stale || '× Nachfassen' end,
                              case when c.call > 0 then c.call || case when c.call = 1 then ' Call' else ' Calls' end end,
                              case when c.other > 0 then c.other || ' weitere' end), ''), ''), 200),
           'text', left(concat_ws(E'\n',
                     format('Die Liste für %s steht im Status-Center.', to_char(p_date, 'DD.MM.YYYY')),
                     case when c.first_contact_urgent = 1 then 'Priorität hoch: 1 Erstkontakt wartet seit über ' || public.german_duration(s.first_contact_urgent_after) || '.'
                          when c.first_contact_urgent > 1 then format('Priorität hoch: %s Erstkontakte warten seit über %s.', c.first_contact_urgent, public.german_duration(s.first_contact_urgent_after)) end,
                     case when c.overdue > 0 then format('Davon überfällig: %s.', c.overdue) end,
                     case when k.text is not null then 'Wochenziele im Rückstand: ' || k.text || '.' end), 2000),
           'occurred_at', p_at,
           'attributes', jsonb_build_object('date', p_date, 'counts', to_jsonb(c), 'created', p_created))))
  into v_ids
  from counts c cross join kpi k;
  return v_ids;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- All rules for one Berlin date (same signature and result as before); returns what each created and the
-- digest's message ids.
--
-- The first run of a date (the morning's) is the full list: every rule, then the digest. A later run of the
-- same date (the quarter-hourly timer, the team's call again) looks only at what changed since the date's
-- previous run: leads that entered NEW, calls booked or moved (and follow-ups of unprocessed stage events).
-- "Nachfassen", the overdue summary, the KPI tasks and the digest are made once a day, in the morning. So a
-- second run with nothing new reads little and writes nothing.
create or replace function public.generate_daily_tasks(p_date date, p_at timestamptz, p_queue text, p_trigger text default 'timer')
returns jsonb
language plpgsql set search_path = '' as $$
declare
  -- margin for transactions that were still open when the previous run looked
  v_margin constant interval := interval '1 hour';
  v_since timestamptz;
  v_full boolean;
  v_first integer := 0; v_urgent integer := 0; v_follow integer := 0; v_stale integer := 0; v_prep integer := 0;
  v_moved integer := 0; v_overdue integer := 0; v_kpi integer := 0;
  v_superseded_overdue integer := 0; v_superseded_kpi integer := 0;
  v_created jsonb;
  v_digest uuid[] := '{}';
begin
  if p_trigger not in ('timer', 'on_demand') then
    raise exception 'unknown trigger %', p_trigger using errcode = 'invalid_parameter_value';
  end if;
  -- Two runs for the same date wait for each other; the dedupe keys make the second create nothing.
  perform pg_advisory_xact_lock(hashtext('leitstand.daily_tasks'), p_date - date '2000-01-01');
  select r.last_run_at - v_margin into v_since from public.task_generation_runs r where r.berlin_date = p_date;
  v_full := v_since is null;

  select f.created, f.urgent into v_first, v_urgent from public.create_first_contact_tasks(p_date, p_at, null, v_since) f;
  v_follow := public.create_follow_up_tasks(p_date, v_since);
  if v_full then
    v_stale := public.create_stale_lead_tasks(p_date, p_at);
  end if;
  select c.created, c.moved into v_prep, v_moved from public.create_call_prep_tasks(p_date, v_since) c;
  if v_full then
    select o.created, o.superseded into v_overdue, v_superseded_overdue from public.create_overdue_summary_tasks(p_date, p_at) o;
    select k.created, k.superseded into v_kpi, v_superseded_kpi from public.create_kpi_shortfall_tasks(p_date, p_at) k;
  end if;

  v_created := jsonb_build_object('first_contact', v_first, 'first_contact_urgent', v_urgent, 'follow_up', v_follow,
    'stale', v_stale, 'call_prep', v_prep, 'call_prep_moved', v_moved, 'overdue_summary', v_overdue,
    'kpi_shortfall', v_kpi, 'superseded', v_superseded_overdue + v_superseded_kpi);

  if v_full then
    v_digest := public.send_daily_tasks_digest(p_date, p_at, p_queue, v_created);
  end if;

  insert into public.task_generation_runs as r (berlin_date, trigger, started_at, finished_at, last_run_at, created)
  values (p_date, p_trigger, p_at, clock_timestamp(), p_at, v_created)
  on conflict (berlin_date) do update set finished_at = excluded.finished_at, last_run_at = greatest(r.last_run_at, excluded.last_run_at),
    runs = r.runs + 1;

  return jsonb_build_object('date', p_date, 'generated', v_full, 'reason', case when not v_full then 'already_generated' end,
                            'created', v_created, 'digest_message_ids', to_jsonb(v_digest));
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Who may run them: the functions' role. The two helpers read under the caller's rights like
-- public.playbook_text and public.playbook_task_due.
revoke all on function public.process_pipeline_events(bigint[], integer, text, bigint[], text[], text[], bytea[]),
  public.create_follow_up_tasks(date, timestamptz), public.create_stale_lead_tasks(date, timestamptz),
  public.create_call_prep_tasks(date, timestamptz), public.create_overdue_summary_tasks(date, timestamptz),
  public.create_kpi_shortfall_tasks(date, timestamptz), public.send_daily_tasks_digest(date, timestamptz, text, jsonb)
  from public, anon, authenticated;
grant execute on function public.process_pipeline_events(bigint[], integer, text, bigint[], text[], text[], bytea[]),
  public.create_follow_up_tasks(date, timestamptz), public.create_stale_lead_tasks(date, timestamptz),
  public.create_call_prep_tasks(date, timestamptz), public.create_overdue_summary_tasks(date, timestamptz),
  public.create_kpi_shortfall_tasks(date, timestamptz), public.send_daily_tasks_digest(date, timestamptz, text, jsonb)
  to leitstand_functions;
