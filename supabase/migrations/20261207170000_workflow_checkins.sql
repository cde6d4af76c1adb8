-- Workflow check-ins (issue 20): public.agent_workflows, workflow incidents (incidents.workflow_id, one open per
-- workflow and class; a heartbeat never resolves them), public.workflow_checkin, public.check_workflows, the error
-- classes workflow_missed/workflow_failed/workflow_overrun, and the onboarding's workflows (workflows.sql).

create table public.agent_workflows (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid not null references public.agents (id) on delete cascade,
  key text not null check (key ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
  name text not null check (char_length(name) between 1 and 120),
  schedule text check (char_length(schedule) between 9 and 100),
  run_interval interval check (run_interval between interval '1 minute' and interval '31 days'),
  grace interval not null default interval '10 minutes' check (grace between interval '0 seconds' and interval '1 day'),
  max_runtime interval not null default interval '1 hour' check (max_runtime between interval '1 minute' and interval '1 day'),
  origin text not null check (origin in ('onboarding', 'client')),
  created_at timestamptz not null,
  last_check_in_id uuid,
  last_state text check (last_state in ('in_progress', 'ok', 'error')),
  last_started_at timestamptz,
  last_finished_at timestamptz,
  last_duration_s double precision check (last_duration_s between 0 and 31 * 86400),
  last_error_code text check (last_error_code ~ '^[A-Za-z0-9_.:-]{1,40}$'),
  next_expected_at timestamptz,
  constraint agent_workflows_agent_key unique (agent_id, key),
  constraint agent_workflows_one_rhythm check ((schedule is null) <> (run_interval is null))
);
create index agent_workflows_due_idx on public.agent_workflows (next_expected_at);

alter table public.incidents add column workflow_id uuid references public.agent_workflows (id) on delete cascade;
drop index public.incidents_open_key;
create unique index incidents_open_key on public.incidents (agent_id, error_class, workflow_id) nulls not distinct where status <> 'resolved';
create index incidents_workflow_idx on public.incidents (workflow_id) where workflow_id is not null;

create or replace function public.open_incident(p_agent uuid, p_class text, p_code text, p_at timestamptz, p_queue text, p_auto_restarts_per_hour integer)
returns uuid
language plpgsql set search_path = '' as $$
declare
  incident uuid;
  created boolean;
  alert uuid;
begin
  -- The flapping guard: while an agent is marked unstable, no other incidents are opened for it.
  if p_class <> 'unstable' and exists (select 1 from public.incidents
      where agent_id = p_agent and error_class = 'unstable' and status <> 'resolved') then
    return null;
  end if;

  insert into public.incidents as i (agent_id, error_class, severity, opened_at, last_seen_at, last_error_code)
  select p_agent, c.key, c.severity, p_at, p_at, p_code from public.error_classes c where c.key = p_class
  on conflict (agent_id, error_class, workflow_id) where status <> 'resolved'
  do update set last_seen_at = p_at, occurrences = i.occurrences + 1, last_error_code = coalesce(p_code, i.last_error_code)
  returning i.id, (i.xmax = 0) into incident, created;

  if not created then
    return null;
  end if;
  insert into public.incident_events (incident_id, at, kind, detail) values (incident, p_at, 'opened', p_code);
  alert := public.enqueue_incident_alert(p_queue, incident, 'incident_opened', p_at,
    (select format('Incident geöffnet: %s (%s). Runbook: %s', c.title, coalesce(p_code, p_class), c.runbook)
     from public.error_classes c where c.key = p_class));

  if (select auto_restart from public.error_classes where key = p_class)
     and (select count(*) from public.agent_commands
          where agent_id = p_agent and automatic and requested_at > p_at - interval '1 hour') < p_auto_restarts_per_hour then
    insert into public.agent_commands (agent_id, incident_id, kind, automatic, requested_at, requested_by, reason)
    values (p_agent, incident, 'restart', true, p_at, 'leitstand', 'Automatischer Neustart: ' || p_class)
    on conflict do nothing;
    if found then
      insert into public.incident_events (incident_id, at, kind, detail) values (incident, p_at, 'restart_requested', 'automatisch');
    end if;
  end if;
  return alert;
end
$$;

create or replace function public.resolve_incidents(p_agent uuid, p_at timestamptz, p_queue text)
returns uuid[]
language plpgsql set search_path = '' as $$
declare
  alerts uuid[] := '{}';
  r record;
begin
  for r in
    update public.incidents set status = 'resolved', resolved_at = p_at
    where agent_id = p_agent and status <> 'resolved' and error_class <> 'unstable' and workflow_id is null
    returning id, error_class
  loop
    if exists (select 1 from public.agent_commands where incident_id = r.id and status in ('delivered', 'acknowledged')) then
      insert into public.incident_events (incident_id, at, kind) values (r.id, p_at, 'healthy_again');
    end if;
    insert into public.incident_events (incident_id, at, kind) values (r.id, p_at, 'resolved');
    alerts := alerts || public.enqueue_incident_alert(p_queue, r.id, 'incident_resolved', p_at,
      format('Agent wieder gesund, Incident behoben (%s).', r.error_class));
  end loop;
  return alerts;
end
$$;

create or replace function public.ingest_heartbeat(
  p_key_hash text, p_kind text, p_status text, p_at timestamptz,
  p_version text, p_uptime bigint, p_error_class text, p_error_code text,
  p_messages bigint, p_failed bigint, p_queue_depth integer, p_latency_p50 real, p_latency_p95 real,
  p_ack uuid[], p_alerts_queue text, p_auto_restarts_per_hour integer)
returns jsonb
language plpgsql set search_path = '' as $$
declare
  a record;
  after record;
  hb_status public.heartbeat_status := case when p_kind = 'fail' then 'error' else coalesce(p_status, 'ok') end::public.heartbeat_status;
  run_seconds double precision;
  alerts uuid[] := '{}';
  alert uuid;
  commands jsonb;
begin
  -- The current key, or the previous one during a rotation's overlap period.
  select ag.id, ag.paused, ag.status, ag.alert_after_errors, ag.snoozed_until, ag.run_started_at
  into a from public.agents ag
  where ag.id = (select id from public.agents where key_hash = p_key_hash
                 union all
                 select id from public.agents where previous_key_hash = p_key_hash and previous_key_expires_at > p_at
                 limit 1)
    and ag.revoked_at is null
  for update;
  if not found then
    return jsonb_build_object('result', 'unknown');
  end if;
  -- The time of a status flip (agents_status_bookkeeping), when there is one.
  if a.status is distinct from (case when a.paused then 'paused' else 'up' end)::public.agent_status then
    perform set_config('leitstand.now', p_at::text, true);
  end if;
  run_seconds := case when p_kind <> 'start' and a.run_started_at is not null then extract(epoch from p_at - a.run_started_at) end;

  insert into public.agent_heartbeats (agent_id, received_at, kind, status, agent_version, uptime_seconds, error_class, error_code,
    messages_handled, failed_runs, queue_depth, latency_p50_ms, latency_p95_ms, run_seconds)
  values (a.id, p_at, p_kind::public.heartbeat_kind, hb_status, p_version, p_uptime, p_error_class, p_error_code,
    p_messages, p_failed, p_queue_depth, p_latency_p50, p_latency_p95, run_seconds);

  -- The update sees everything committed before the lock: whether incidents wait to be resolved and
  -- commands to be delivered.
  update public.agents set
    last_heartbeat_at = p_at,
    last_status = hb_status,
    last_error_class = case when hb_status = 'error' then coalesce(p_error_class, 'unknown') end,
    agent_version = coalesce(p_version, agent_version),
    consecutive_errors = case when hb_status = 'error' then consecutive_errors + 1 when p_kind = 'start' then consecutive_errors else 0 end,
    status = case when paused then 'paused'::public.agent_status else 'up'::public.agent_status end,
    run_started_at = case when p_kind = 'start' then p_at end,
    last_run_seconds = coalesce(run_seconds, last_run_seconds)
  where id = a.id
  returning consecutive_errors,
    hb_status = 'ok' and not paused
      and exists (select 1 from public.incidents i where i.agent_id = a.id and i.status <> 'resolved' and i.error_class <> 'unstable'
                  and i.workflow_id is null) as resolve,
    exists (select 1 from public.agent_commands c where c.agent_id = a.id and c.status = 'pending') as deliver
  into after;

  if hb_status = 'error' and not a.paused and after.consecutive_errors >= a.alert_after_errors
     and not coalesce(a.snoozed_until > p_at, false)
     and not exists (select 1 from public.agent_maintenance_windows w where w.agent_id = a.id and p_at >= w.starts_at and p_at < w.ends_at) then
    alert := public.open_incident(a.id, coalesce(p_error_class, 'unknown'), p_error_code, p_at, p_alerts_queue, p_auto_restarts_per_hour);
    if alert is not null then alerts := alerts || alert; end if;
  elsif after.resolve then
    alerts := alerts || public.resolve_incidents(a.id, p_at, p_alerts_queue);
  end if;

  if cardinality(p_ack) > 0 then
    with acked as (
      update public.agent_commands set status = 'acknowledged', acknowledged_at = p_at
      where agent_id = a.id and id = any(p_ack) and status = 'delivered'
      returning incident_id
    )
    insert into public.incident_events (incident_id, at, kind)
    select incident_id, p_at, 'restart_acknowledged' from acked where incident_id is not null;
  end if;

  -- Waiting commands, and the automatic restart the incident just opened may have requested.
  if after.deliver or alert is not null then
    with delivered as (
      update public.agent_commands set status = 'delivered', delivered_at = p_at
      where agent_id = a.id and status = 'pending'
      returning id, kind, requested_at, reason, incident_id
    ), timeline as (
      insert into public.incident_events (incident_id, at, kind)
      select incident_id, p_at, 'restart_delivered' from delivered where incident_id is not null
    )
    select jsonb_agg(jsonb_build_object('id', id, 'kind', kind, 'requestedAt', requested_at, 'reason', reason))
    into commands from delivered;
  end if;

  return jsonb_build_object('result', case when a.paused then 'paused' else 'accepted' end,
    'agentId', a.id, 'agentStatus', case when a.paused then 'paused' else 'up' end,
    'commands', coalesce(commands, '[]'::jsonb), 'alerts', to_jsonb(alerts));
end
$$;

create function public.open_workflow_incidents(p_workflows uuid[], p_classes text[], p_codes text[], p_at timestamptz, p_queue text)
returns uuid[]
language plpgsql set search_path = '' as $$
declare
  opened uuid[];
begin
  with wanted as (
    select distinct on (w.id, x.class) w.id as workflow_id, w.agent_id, x.class, x.code
    from unnest(p_workflows, p_classes, p_codes) as x (workflow_id, class, code)
    join public.agent_workflows w on w.id = x.workflow_id
    join public.agents a on a.id = w.agent_id
    where not a.paused and a.revoked_at is null and not coalesce(a.snoozed_until > p_at, false)
      and not exists (select 1 from public.agent_maintenance_windows m where m.agent_id = a.id and p_at >= m.starts_at and p_at < m.ends_at)
      and not exists (select 1 from public.incidents u where u.agent_id = a.id and u.error_class = 'unstable' and u.status <> 'resolved')
    order by w.id, x.class
  ), upserted as (
    insert into public.incidents as i (agent_id, workflow_id, error_class, severity, opened_at, last_seen_at, last_error_code)
    select wt.agent_id, wt.workflow_id, c.key, c.severity, p_at, p_at, wt.code
    from wanted wt join public.error_classes c on c.key = wt.class
    on conflict (agent_id, error_class, workflow_id) where status <> 'resolved'
    do update set last_seen_at = p_at, occurrences = i.occurrences + 1, last_error_code = coalesce(excluded.last_error_code, i.last_error_code)
    returning i.id, i.last_error_code, (i.xmax = 0) as created
  ), events as (
    insert into public.incident_events (incident_id, at, kind, detail)
    select u.id, p_at, 'opened', u.last_error_code from upserted u where u.created
  )
  select coalesce(array_agg(u.id), '{}') into opened from upserted u where u.created;

  return coalesce((
    select array_agg(public.enqueue_incident_alert(p_queue, i.id, 'incident_opened', p_at,
             format('Incident geöffnet: %s (%s). Runbook: %s', c.title, coalesce(i.last_error_code, c.key), c.runbook)) order by o.n)
    from unnest(opened) with ordinality as o (id, n)
    join public.incidents i on i.id = o.id
    join public.error_classes c on c.key = i.error_class), '{}');
end
$$;

create function public.resolve_workflow_incidents(p_workflow uuid, p_at timestamptz, p_queue text)
returns uuid[]
language plpgsql set search_path = '' as $$
declare
  resolved uuid[];
begin
  with r as (
    update public.incidents set status = 'resolved', resolved_at = p_at
    where workflow_id = p_workflow and status <> 'resolved'
    returning id
  ), events as (
    insert into public.incident_events (incident_id, at, kind) select r.id, p_at, 'resolved' from r
  )
  select coalesce(array_agg(r.id), '{}') into resolved from r;

  return coalesce((
    select array_agg(public.enqueue_incident_alert(p_queue, o.id, 'incident_resolved', p_at,
             'Der Workflow lief wieder erfolgreich, Incident behoben.') order by o.n)
    from unnest(resolved) with ordinality as o (id, n)), '{}');
end
$$;

create function public.workflow_checkin(
  p_key_hash text, p_workflow text, p_status text, p_check_in_id uuid, p_duration_s double precision, p_error_code text,
  p_schedule text, p_interval interval, p_at timestamptz, p_alerts_queue text, p_max_workflows integer)
returns jsonb
language plpgsql set search_path = '' as $$
declare
  a record;
  w record;
  v_id uuid;
  v_started timestamptz;
  v_duration double precision;
  v_new_run boolean;
  alerts uuid[] := '{}';
begin
  select ag.id, ag.paused into a from public.agents ag
  where ag.id = (select id from public.agents where key_hash = p_key_hash
                 union all
                 select id from public.agents where previous_key_hash = p_key_hash and previous_key_expires_at > p_at
                 limit 1)
    and ag.revoked_at is null;
  if not found then
    return jsonb_build_object('result', 'unknown');
  end if;

  if p_schedule is not null or p_interval is not null then
    insert into public.agent_workflows as x (agent_id, key, name, schedule, run_interval, origin, created_at)
    select a.id, p_workflow, p_workflow, p_schedule, p_interval, 'client', p_at
    where (select count(*) from public.agent_workflows c where c.agent_id = a.id) < p_max_workflows
       or exists (select 1 from public.agent_workflows c where c.agent_id = a.id and c.key = p_workflow)
    on conflict (agent_id, key) do update
      set schedule = excluded.schedule, run_interval = excluded.run_interval, next_expected_at = null
      where x.origin = 'client' and (x.schedule is distinct from excluded.schedule or x.run_interval is distinct from excluded.run_interval);
  end if;

  select * into w from public.agent_workflows where agent_id = a.id and key = p_workflow for update;
  if not found then
    return jsonb_build_object('result', case when p_schedule is null and p_interval is null then 'unknown_workflow' else 'too_many' end);
  end if;

  if p_check_in_id is not null and p_check_in_id = w.last_check_in_id
     and (w.last_state <> 'in_progress' or p_status = 'in_progress') then
    -- a repeated check-in (the client retried): already counted
    return jsonb_build_object('result', case when a.paused then 'paused' else 'accepted' end,
      'check_in_id', w.last_check_in_id, 'workflow_id', w.id, 'alerts', '[]'::jsonb);
  end if;

  v_new_run := not (p_status <> 'in_progress' and p_check_in_id is not null and p_check_in_id = w.last_check_in_id);
  v_id := coalesce(p_check_in_id, gen_random_uuid());
  if p_status = 'in_progress' then
    v_started := p_at;
  elsif v_new_run then
    v_duration := p_duration_s;
    v_started := p_at - make_interval(secs => coalesce(p_duration_s, 0));
  else
    v_started := w.last_started_at;
    v_duration := coalesce(p_duration_s, greatest(0, extract(epoch from p_at - w.last_started_at)::double precision));
  end if;

  update public.agent_workflows set
    last_check_in_id = v_id,
    last_state = p_status,
    last_started_at = v_started,
    last_finished_at = case when p_status <> 'in_progress' then p_at end,
    last_duration_s = v_duration,
    last_error_code = case when p_status = 'error' then p_error_code end,
    next_expected_at = case when not v_new_run then next_expected_at
                            when run_interval is not null then v_started + run_interval end
  where id = w.id;

  if not a.paused then
    if p_status = 'error' then
      alerts := public.open_workflow_incidents(array[w.id], array['workflow_failed'], array[p_error_code], p_at, p_alerts_queue);
    elsif p_status = 'ok' then
      alerts := public.resolve_workflow_incidents(w.id, p_at, p_alerts_queue);
    end if;
  end if;

  return jsonb_build_object('result', case when a.paused then 'paused' else 'accepted' end,
    'check_in_id', v_id, 'workflow_id', w.id, 'alerts', to_jsonb(alerts));
end
$$;

create function public.check_workflows(p_at timestamptz, p_ids uuid[], p_expected timestamptz[], p_next timestamptz[], p_queue text)
returns uuid[]
language plpgsql set search_path = '' as $$
declare
  missed uuid[];
  overrun uuid[];
begin
  with moved as (
    update public.agent_workflows w set next_expected_at = x.next
    from unnest(p_ids, p_expected, p_next) as x (id, expected, next)
    where w.id = x.id and w.next_expected_at is not distinct from x.expected
    returning w.id, x.expected, w.grace
  )
  select coalesce(array_agg(m.id), '{}') into missed from moved m where m.expected + m.grace < p_at;

  select coalesce(array_agg(w.id), '{}') into overrun
  from public.agent_workflows w
  where w.last_state = 'in_progress' and w.last_started_at + w.max_runtime < p_at
    and not exists (select 1 from public.incidents i where i.workflow_id = w.id and i.error_class = 'workflow_overrun' and i.status <> 'resolved');

  return public.open_workflow_incidents(missed || overrun,
    array_fill('workflow_missed'::text, array[cardinality(missed)]) || array_fill('workflow_overrun'::text, array[cardinality(overrun)]),
    array_fill(null::text, array[cardinality(missed) + cardinality(overrun)]), p_at, p_queue);
end
$$;

revoke all on function public.open_workflow_incidents(uuid[], text[], text[], timestamptz, text) from public, anon, authenticated;
revoke all on function public.resolve_workflow_incidents(uuid, timestamptz, text) from public, anon, authenticated;
revoke all on function public.workflow_checkin(text, text, text, uuid, double precision, text, text, interval, timestamptz, text, integer)
  from public, anon, authenticated;
revoke all on function public.check_workflows(timestamptz, uuid[], timestamptz[], timestamptz[], text) from public, anon, authenticated;
grant execute on function public.open_workflow_incidents(uuid[], text[], text[], timestamptz, text),
  public.resolve_workflow_incidents(uuid, timestamptz, text),
  public.workflow_checkin(text, text, text, uuid, double precision, text, text, interval, timestamptz, text, integer),
  public.check_workflows(timestamptz, uuid[], timestamptz[], timestamptz[], text)
  to leitstand_functions;

alter table public.agent_workflows enable row level security;
-- Workflows: the team reads them (the rhythm changes with the onboarding or the client); the functions write them.
revoke all on public.agent_workflows from anon;
revoke truncate, references, trigger on public.agent_workflows from authenticated, service_role;
revoke insert, update, delete on public.agent_workflows from authenticated;
create policy agent_workflows_team on public.agent_workflows for select to authenticated using ((select public.is_team_member()));
grant select, insert, update on public.agent_workflows to leitstand_functions;
create policy agent_workflows_functions on public.agent_workflows for all to leitstand_functions using (true) with check (true);

insert into public.error_classes (key, severity, title, auto_restart, reported_by_agent, runbook) values
  ('workflow_missed', 'critical', 'Workflow-Lauf verpasst', false, false, 'docs/runbooks/workflow-missed.md'),
  ('workflow_failed', 'warning', 'Workflow-Lauf fehlgeschlagen', false, false, 'docs/runbooks/workflow-failed.md'),
  ('workflow_overrun', 'warning', 'Workflow läuft zu lange', false, false, 'docs/runbooks/workflow-overrun.md');

-- The onboarding's workflows (workflows.sql), and those of the answers submitted so far.
create function public.sync_onboarding_workflows(p_leads uuid[], p_at timestamptz)
returns void
language sql security definer set search_path = '' as $$
  with answered as (
    select distinct on (o.lead_id) o.lead_id, o.answers
    from public.onboarding_answers o
    where o.lead_id = any(p_leads) and o.state = 'submitted'
    order by o.lead_id, o.template_version desc
  ), items as (
    select a.lead_id, f.n, left(btrim(f.item->>'name'), 120) as name, f.item->>'schedule' as schedule,
           case when f.item->>'interval' ~ '^P(T[0-9]{1,5}[MH]|[0-9]{1,3}D)$' then (f.item->>'interval')::interval end as run_interval,
           left(btrim(regexp_replace(replace(replace(replace(replace(lower(f.item->>'name'), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss'),
                                     '[^a-z0-9]+', '-', 'g'), '-'), 56) as slug
    from answered a
    cross join lateral jsonb_array_elements(case when jsonb_typeof(a.answers->'workflows') = 'array' then a.answers->'workflows' else '[]'::jsonb end)
      with ordinality as f (item, n)
    where jsonb_typeof(f.item) = 'object' and btrim(coalesce(f.item->>'name', '')) <> ''
  ), keyed as (
    select i.*, case when i.slug = '' or count(*) over (partition by i.lead_id, i.slug) > 1
                     then coalesce(nullif(i.slug, '') || '-', 'workflow-') || i.n else i.slug end as key
    from items i
    where (i.schedule is not null and char_length(i.schedule) between 9 and 100 and i.run_interval is null)
       or (i.schedule is null and i.run_interval between interval '1 minute' and interval '31 days')
  )
  insert into public.agent_workflows as w (agent_id, key, name, schedule, run_interval, origin, created_at)
  select distinct on (ag.id, k.key) ag.id, k.key, k.name, k.schedule, k.run_interval, 'onboarding', p_at
  from keyed k join public.agents ag on ag.lead_id = k.lead_id and ag.revoked_at is null
  order by ag.id, k.key, k.n
  on conflict (agent_id, key) do update
    set name = excluded.name, schedule = excluded.schedule, run_interval = excluded.run_interval,
        next_expected_at = case when w.schedule is not distinct from excluded.schedule and w.run_interval is not distinct from excluded.run_interval
                                then w.next_expected_at end
    where w.origin = 'onboarding'
$$;

create function public.onboarding_answers_sync_workflows() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform public.sync_onboarding_workflows(array(select c.lead_id from changed c where c.state = 'submitted'), now());
  return null;
end
$$;
create trigger onboarding_answers_sync_workflows_insert after insert on public.onboarding_answers
  referencing new table as changed for each statement execute function public.onboarding_answers_sync_workflows();
create trigger onboarding_answers_sync_workflows_update after update on public.onboarding_answers
  referencing new table as changed for each statement execute function public.onboarding_answers_sync_workflows();

create function public.agents_sync_workflows() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform public.sync_onboarding_workflows(array(select c.lead_id from created c), now());
  return null;
end
$$;
create trigger agents_sync_workflows after insert on public.agents
  referencing new table as created for each statement execute function public.agents_sync_workflows();

revoke all on function public.sync_onboarding_workflows(uuid[], timestamptz) from public, anon, authenticated;
revoke all on function public.onboarding_answers_sync_workflows() from public, anon, authenticated;
revoke all on function public.agents_sync_workflows() from public, anon, authenticated;

select public.sync_onboarding_workflows(array(select lead_id from public.onboarding_answers where state = 'submitted'), now());
