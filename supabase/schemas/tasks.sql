-- Tasks and the daily list (docs/tasks.md): one list that tells the team what to do today, generated every
-- morning from rules whose thresholds are data (public.task_settings, public.stale_stage_limits,
-- public.weekly_targets), plus the calls that close a task (touchpoint and stage move in one transaction).
-- Pipeline tasks come from playbook steps (public.playbook_step_tasks, below) when a stage event is processed
-- (public.process_pipeline_events, pipeline.sql).
--
-- public.generate_daily_tasks(date, at, queue, trigger) runs every rule once, set-based, for one Berlin
-- date: one function per rule (create_first_contact_tasks, create_follow_up_tasks, create_stale_lead_tasks,
-- create_call_prep_tasks, create_overdue_summary_tasks, create_kpi_shortfall_tasks) and the digest
-- (send_daily_tasks_digest). Each task it makes has a dedupe key (rule, subject, Berlin date), so a repeated or concurrent run
-- creates nothing twice. public.run_daily_tasks(at, queue) is what the 15-minute timer calls: it generates
-- for today's Berlin date once the local hour has reached task_settings.generate_at_hour and a ledger row
-- (public.task_generation_runs) says it has not yet; afterwards it only gives new leads their first contact.
-- Every function takes the time as a parameter (tests move the clock).

create type public.task_status as enum ('OPEN', 'DONE', 'CANCELLED');

-- ---------------------------------------------------------------------------------------------
-- Tasks: which rule or playbook step made a task, its dedupe key, a priority, and how it was closed.
create table public.tasks (
  id uuid primary key default gen_random_uuid(),
  lead_id uuid references public.leads (id) on delete cascade,
  deal_id uuid references public.deals (id) on delete cascade,
  kind text not null check (char_length(kind) between 1 and 60),
  title text not null check (char_length(title) between 1 and 200),
  details text check (char_length(details) <= 4000),
  status public.task_status not null default 'OPEN',
  due_at timestamptz not null,
  assignee uuid references public.team_members (user_id) on delete set null,
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  -- the playbook step and the stage event a pipeline task was made from
  playbook_key text references public.playbooks (key) on update cascade on delete set null,
  playbook_step integer,
  source_event_id bigint references public.pipeline_events (id) on delete set null,
  cancel_reason text check (char_length(cancel_reason) <= 200),
  -- the daily list's rule, its dedupe key and the Berlin date it was generated for
  rule text check (rule in ('first_contact', 'follow_up', 'stale', 'call_prep', 'overdue_summary', 'kpi_shortfall')),
  dedupe_key text check (char_length(dedupe_key) <= 200),
  generated_for date,
  priority text not null default 'normal' check (priority in ('normal', 'high')),
  attributes jsonb not null default '{}' check (jsonb_typeof(attributes) = 'object'),
  outcome text check (outcome in ('done', 'skipped')),
  outcome_channel text check (outcome_channel in ('dm', 'email', 'call', 'meeting')),
  outcome_note_code text references public.touchpoint_note_codes (code) on update cascade,
  touchpoint_id uuid references public.lead_touchpoints (id) on delete set null,
  constraint tasks_completed_at_matches_status check ((status = 'OPEN') = (completed_at is null)),
  constraint tasks_dedupe_key unique (dedupe_key),
  constraint tasks_outcome_closed check (outcome is null or status <> 'OPEN')
);
create index tasks_open_due_idx on public.tasks (due_at) where status = 'OPEN';
create index tasks_lead_idx on public.tasks (lead_id);
-- One task per event and playbook step, however often an event is delivered.
create unique index tasks_event_step_key on public.tasks (source_event_id, playbook_key, playbook_step)
  where source_event_id is not null;
create index tasks_lead_rule_open_idx on public.tasks (lead_id, rule) where status = 'OPEN';
create index tasks_lead_done_idx on public.tasks (lead_id, completed_at) where status = 'DONE';
create index tasks_open_assignee_idx on public.tasks (assignee, due_at) where status = 'OPEN';

-- ---------------------------------------------------------------------------------------------
-- The thresholds, editable without code (table editor or SQL). The rows: reference_data.sql.
create table public.task_settings (
  id boolean primary key default true check (id),
  -- the local hour (Europe/Berlin) from which the day's list is generated
  generate_at_hour smallint not null default 5 check (generate_at_hour between 0 and 23),
  -- first contacts and follow-ups that fall on a Saturday or Sunday move to Monday (same local time)
  weekend_to_monday boolean not null default true,
  -- a new lead waiting longer than this for its first contact gets priority "high" and is named in the digest
  first_contact_urgent_after interval not null default interval '24 hours' check (first_contact_urgent_after > interval '0'),
  -- calls booked for today and the next N days get their preparation task
  call_prep_days_ahead smallint not null default 1 check (call_prep_days_ahead between 0 and 7),
  -- how many overdue tasks the summary task lists (by reference, attributes.items)
  overdue_list_limit smallint not null default 20 check (overdue_list_limit between 1 and 100)
);

-- A lead that has been in one of these stages without any activity (touchpoint, done task) for longer
-- than stale_after gets "Nachfassen". anchor call_at: counted from the booked call, not the stage change.
create table public.stale_stage_limits (
  stage public.lead_stage primary key check (stage in ('REPLIED', 'QUALIFIED', 'CALL_BOOKED')),
  stale_after interval not null check (stale_after >= interval '1 hour'),
  anchor text not null default 'activity' check (anchor in ('activity', 'call_at')),
  hint text not null check (char_length(hint) between 1 and 1000)
);

-- The roadmap's weekly minimums (ISO week, Monday start, Europe/Berlin). action_one/action_many: what to
-- do today to catch up (%s = how many). The KPI board reads the same targets (kpi.sql).
create table public.weekly_targets (
  metric text primary key check (metric in ('new_leads', 'first_contacts', 'replies', 'calls', 'setups_sold')),
  label text not null check (char_length(label) between 1 and 40),
  target integer not null check (target between 0 and 100000),
  position smallint not null,
  action_one text not null check (char_length(action_one) <= 100),
  action_many text not null check (char_length(action_many) <= 100 and action_many like '%\%s%')
);

-- One row per Berlin date the list was generated for: the timer's memory across restarts, daylight
-- saving changes and instances.
create table public.task_generation_runs (
  berlin_date date primary key,
  trigger text not null check (trigger in ('timer', 'on_demand')),
  started_at timestamptz not null,
  finished_at timestamptz not null,
  -- the latest run of this date (the morning's full run, then the quarter-hourly ones): "since" of the next
  last_run_at timestamptz not null,
  created jsonb not null check (jsonb_typeof(created) = 'object'),
  runs integer not null default 1
);

-- ---------------------------------------------------------------------------------------------
-- When a playbook step is due: first contacts and follow-ups skip the weekend where the setting says so
-- (SQL, no SET clause, so the planner inlines it).
create function public.playbook_task_due(p_playbook text, p_due timestamptz)
returns timestamptz
language sql stable as $$
  select case when p_playbook = 'followup_sequence' and (select s.weekend_to_monday from public.task_settings s)
              then public.weekend_to_monday(p_due) else p_due end
$$;

-- Task texts keep no personal data (issue 21): the stored title and details hold the placeholders {name},
-- {vorname}, {firma} and {handle}, and whoever reads a task fills them from its lead (public.task_text), so a
-- changed or erased name is never left behind in a task. A lead without a name (erased) reads "gelöschter Lead".
-- SQL without a SET clause, so the planner inlines it into the read.
create function public.task_text(p_text text, p_name text, p_company text, p_handle text)
returns text
language sql immutable as $$
  select replace(public.playbook_text(p_text, coalesce(p_name, 'gelöschter Lead'), p_company), '{handle}', coalesce(p_handle, '–'))
$$;

-- Playbook step → task: what each step of a playbook becomes for one lead. Title and body keep their
-- placeholders ({name}, {vorname}, {firma}: filled at read time, public.task_text); a step is due its due_after
-- after its anchor: the lead's entry into the stage (p_entered_at) or, for due_anchor call_at, the booked call
-- (p_call_at, else the entry); follow-ups that fall on a weekend move to Monday where task_settings says so
-- (public.playbook_task_due). SQL without a SET clause, so the planner inlines it into the set-based statements
-- that use it.
create function public.playbook_step_tasks(p_playbook text, p_entered_at timestamptz, p_call_at timestamptz)
returns table (playbook_key text, step integer, kind text, title text, details text, due_anchor text, due_at timestamptz)
language sql stable as $$
  select s.playbook_key, s.step, s.kind, left(s.title, 200), left(s.body, 4000), s.due_anchor,
         public.playbook_task_due(s.playbook_key,
           case s.due_anchor when 'call_at' then coalesce(p_call_at, p_entered_at) else p_entered_at end + s.due_after)
  from public.playbook_steps s
  where s.playbook_key = p_playbook
$$;

-- Rule "first contact": a NEW lead not yet contacted gets "Erstkontakt: {name}" due today; waiting longer
-- than first_contact_urgent_after it is raised to priority high. p_leads limits the rule to some leads
-- (a prospect added by hand gets its task at once), p_since to leads that entered NEW since then (the runs
-- after the morning's). Returns (created, raised to high).
create function public.create_first_contact_tasks(p_date date, p_at timestamptz, p_leads uuid[] default null,
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

-- Rule "stale lead" ("Nachfassen: {name} steht seit …"): no activity for longer than the stage's limit (public.stale_stage_limits).
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

-- Rule "overdue summary": yesterday's summaries are replaced by today's; overdue open tasks get one summary
-- per assignee (and one for the unassigned), not one per task. It names no one: the oldest ones are listed by
-- reference (attributes.items: task id and due date, oldest first, at most task_settings.overdue_list_limit), and
-- the details keep the placeholder {aufgaben} where the reader puts those tasks' titles with their leads' names
-- (public.overdue_summary_lines). Once a day. Returns (created, superseded).
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

-- The overdue summary's list as its reader sees it: one line per listed task (attributes.items), its title filled
-- from its lead at read time and its due date; a task that is gone (its lead erased or deleted) reads as such.
-- Runs with the reader's rights (RLS).
create function public.overdue_summary_lines(p_items jsonb)
returns text
language sql stable as $$
  -- one line per task, whatever its title holds (a line break in it would shift the status center's list)
  select string_agg(format('- %s (fällig %s)',
                           regexp_replace(coalesce(public.task_text(x.title, l.name, l.company, l.handle), 'Aufgabe eines gelöschten Leads'), '\s+', ' ', 'g'),
                           to_char((i.item ->> 'due_at')::timestamptz at time zone 'Europe/Berlin', 'DD.MM.')), E'\n' order by i.position)
  from jsonb_array_elements(coalesce(p_items, '[]')) with ordinality as i(item, position)
  left join public.tasks x on x.id = (i.item ->> 'task_id')::uuid
  left join public.leads l on l.id = x.lead_id
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

-- All rules for one Berlin date (same signature and result as before); returns what each created and the
-- digest's message ids.
--
-- The first run of a date (the morning's) is the full list: every rule, then the digest. A later run of the
-- same date (the quarter-hourly timer, the team's call again) looks only at what changed since the date's
-- previous run: leads that entered NEW, calls booked or moved (and follow-ups of unprocessed stage events).
-- "Nachfassen", the overdue summary, the KPI tasks and the digest are made once a day, in the morning. So a
-- second run with nothing new reads little and writes nothing.
create function public.generate_daily_tasks(p_date date, p_at timestamptz, p_queue text, p_trigger text default 'timer')
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

-- What the 15-minute timer calls. Timers on Linux Flex Consumption run in UTC, so the local day and hour
-- are worked out here: once the Berlin hour has reached generate_at_hour, the day's first run generates the
-- whole list (a host that was down at 05:00 catches up on its next run; two instances at once wait for each
-- other on the advisory lock and the ledger), and every run after it picks up what changed since: new leads
-- get their first contact within 15 minutes.
create function public.run_daily_tasks(p_at timestamptz, p_queue text)
returns jsonb
language plpgsql set search_path = '' as $$
declare
  v_local timestamp := p_at at time zone 'Europe/Berlin';
begin
  if extract(hour from v_local) < (select s.generate_at_hour from public.task_settings s) then
    return jsonb_build_object('date', v_local::date, 'generated', false, 'reason', 'before_hour');
  end if;
  return public.generate_daily_tasks(v_local::date, p_at, p_queue, 'timer');
end
$$;

-- Closes an open task (compare-and-set on status): done with a channel records the touchpoint and the
-- stage move it implies (record_touchpoint, leads.sql); skipped only closes it. result: completed, not_found,
-- not_open, not_skippable (skipped, but the task's playbook step says it cannot be: the safety baseline of the
-- install, which is ticked item by item in the install run), channel_required (a first contact or follow-up done
-- needs the channel it went out on),
-- note_without_touchpoint (p_note, the touchpoint's free-text note, needs a touchpoint: done, with a channel,
-- on a lead's task; nothing is changed).
create function public.complete_task(p_task uuid, p_outcome text, p_channel text, p_note_code text, p_at timestamptz,
                                     p_note text default null)
returns table (result text, lead_id uuid, touchpoint_id uuid, from_stage public.lead_stage, to_stage public.lead_stage)
language plpgsql set search_path = '' as $$
declare
  v_task public.tasks;
  v_code text;
  v_tp record;
  v_tp_id uuid;
begin
  select * into v_task from public.tasks t where t.id = p_task for update;
  if not found then
    result := 'not_found'; return next; return;
  end if;
  lead_id := v_task.lead_id;
  if v_task.status <> 'OPEN' then
    result := 'not_open'; return next; return;
  end if;
  if p_outcome = 'skipped' and exists (select 1 from public.playbook_steps s
                                      where s.playbook_key = v_task.playbook_key and s.step = v_task.playbook_step and not s.skippable) then
    result := 'not_skippable'; return next; return;
  end if;
  if p_outcome = 'done' and p_channel is null and v_task.lead_id is not null
     and (v_task.rule = 'first_contact' or v_task.kind = 'follow_up') then
    result := 'channel_required'; return next; return;
  end if;

  if p_outcome = 'done' and p_channel is not null and v_task.lead_id is not null then
    v_code := coalesce(p_note_code, case when v_task.rule = 'first_contact' then 'first_message_sent'
                                         when v_task.kind = 'follow_up' then 'follow_up_sent'
                                         when v_task.kind = 'mark_lost' then 'closing_message_sent'
                                         else 'other_outbound' end);
    select * into v_tp from public.record_touchpoint(v_task.lead_id, p_channel, v_code, p_at, p_task, null, p_note);
    v_tp_id := v_tp.touchpoint_id;
    touchpoint_id := v_tp_id;
    from_stage := v_tp.from_stage;
    to_stage := v_tp.to_stage;
  end if;
  if p_note is not null and v_tp_id is null then
    result := 'note_without_touchpoint'; return next; return;
  end if;

  update public.tasks t set status = case when p_outcome = 'done' then 'DONE'::public.task_status else 'CANCELLED'::public.task_status end,
    completed_at = p_at, outcome = p_outcome, outcome_channel = p_channel, outcome_note_code = coalesce(v_code, p_note_code),
    touchpoint_id = v_tp_id, cancel_reason = case when p_outcome = 'skipped' then 'Übersprungen' end
  where t.id = p_task and t.status = 'OPEN';
  result := 'completed';
  return next;
end
$$;

revoke all on function public.create_first_contact_tasks(date, timestamptz, uuid[], timestamptz) from public, anon;
revoke all on function public.overdue_summary_lines(jsonb) from public, anon;
grant execute on function public.overdue_summary_lines(jsonb) to authenticated, leitstand_functions;
revoke all on function public.generate_daily_tasks(date, timestamptz, text, text) from public, anon, authenticated;
revoke all on function public.run_daily_tasks(timestamptz, text) from public, anon, authenticated;
revoke all on function public.complete_task(uuid, text, text, text, timestamptz, text) from public, anon;
revoke all on function public.create_follow_up_tasks(date, timestamptz), public.create_stale_lead_tasks(date, timestamptz),
  public.create_call_prep_tasks(date, timestamptz), public.create_overdue_summary_tasks(date, timestamptz),
  public.create_kpi_shortfall_tasks(date, timestamptz), public.send_daily_tasks_digest(date, timestamptz, text, jsonb)
  from public, anon, authenticated;
grant execute on function public.create_follow_up_tasks(date, timestamptz), public.create_stale_lead_tasks(date, timestamptz),
  public.create_call_prep_tasks(date, timestamptz), public.create_overdue_summary_tasks(date, timestamptz),
  public.create_kpi_shortfall_tasks(date, timestamptz), public.send_daily_tasks_digest(date, timestamptz, text, jsonb)
  to leitstand_functions;
grant execute on function public.create_first_contact_tasks(date, timestamptz, uuid[], timestamptz), public.generate_daily_tasks(date, timestamptz, text, text),
  public.run_daily_tasks(timestamptz, text), public.complete_task(uuid, text, text, text, timestamptz, text) to leitstand_functions;
grant execute on function public.complete_task(uuid, text, text, text, timestamptz, text),
  public.create_first_contact_tasks(date, timestamptz, uuid[], timestamptz) to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Row level security
alter table public.tasks enable row level security;
alter table public.task_settings enable row level security;
alter table public.stale_stage_limits enable row level security;
alter table public.weekly_targets enable row level security;
alter table public.task_generation_runs enable row level security;

revoke all on public.tasks, public.task_settings, public.stale_stage_limits, public.weekly_targets,
  public.task_generation_runs from anon;
revoke truncate, references, trigger on public.tasks, public.task_settings, public.stale_stage_limits,
  public.weekly_targets, public.task_generation_runs from authenticated, service_role;
revoke insert, update, delete on public.task_generation_runs from authenticated;

create policy tasks_team on public.tasks for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy task_settings_team on public.task_settings for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy stale_stage_limits_team on public.stale_stage_limits for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy weekly_targets_team on public.weekly_targets for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy task_generation_runs_team on public.task_generation_runs for select to authenticated
  using ((select public.is_team_member()));

grant select, insert, update, delete on public.tasks to leitstand_functions;
grant select on public.task_settings, public.stale_stage_limits, public.weekly_targets to leitstand_functions;
grant select, insert, update on public.task_generation_runs to leitstand_functions;
create policy tasks_functions on public.tasks for all to leitstand_functions using (true) with check (true);
create policy task_settings_functions on public.task_settings for select to leitstand_functions using (true);
create policy stale_stage_limits_functions on public.stale_stage_limits for select to leitstand_functions using (true);
create policy weekly_targets_functions on public.weekly_targets for select to leitstand_functions using (true);
create policy task_generation_runs_functions on public.task_generation_runs for all to leitstand_functions using (true) with check (true);
