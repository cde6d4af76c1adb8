-- Agent monitoring: the agents installed at customers with hashed keys, heartbeats (operational data only),
-- status with flips, incidents with a fixed taxonomy of error classes, maintenance windows, snooze, flapping
-- guard and the restart flow. The logic lives in functions the Azure Functions call: ingest_heartbeats (a
-- batch of heartbeats in one round trip) and check_agents (the minute timer). Both take the time as a
-- parameter (testable clock). Incidents become alerts through public.enqueue_alerts (alerts.sql).

create type public.agent_status as enum ('new', 'up', 'late', 'down', 'paused');
create type public.heartbeat_status as enum ('ok', 'degraded', 'error');
create type public.heartbeat_kind as enum ('heartbeat', 'start', 'fail');
create type public.incident_status as enum ('open', 'acknowledged', 'resolved');
create type public.command_status as enum ('pending', 'delivered', 'acknowledged', 'expired');

-- The agents' rules as domains, not as table check constraints: a table's check constraints are parsed and
-- evaluated again on every UPDATE of a row, whichever columns change, and every heartbeat updates its agent.
-- A domain's check runs only when a value is written into such a column.
create domain public.sha256_hex as text check (value ~ '^[0-9a-f]{64}$');
create domain public.agent_name as text check (char_length(value) between 1 and 120);
create domain public.agent_key_prefix as text check (char_length(value) between 4 and 16);
create domain public.agent_version as text check (char_length(value) <= 32);
create domain public.heartbeat_interval as interval check (value between interval '10 seconds' and interval '7 days');
create domain public.grace_interval as interval check (value between interval '0 seconds' and interval '7 days');
create domain public.error_threshold as integer check (value between 1 and 100);

-- ---------------------------------------------------------------------------------------------
-- The fixed, documented taxonomy (runbook: docs/runbooks/<key>.md, one German runbook each). The classes:
-- reference_data.sql.
create table public.error_classes (
  key text primary key check (key ~ '^[a-z][a-z_]{2,30}$'),
  severity text not null check (severity in ('info', 'warning', 'critical')),
  title text not null check (char_length(title) between 1 and 80),
  auto_restart boolean not null default false,
  reported_by_agent boolean not null default true,
  -- its runbook (C#, SQL and the alerts read it here)
  runbook text not null check (runbook ~ '^docs/runbooks/[a-z0-9-]+\.md$')
);

-- ---------------------------------------------------------------------------------------------
-- Agents installed at customers (one per won deal, created by the pipeline). The key is shown once and
-- stored only as a SHA-256 hash.
create table public.agents (
  id uuid primary key default gen_random_uuid(),
  lead_id uuid not null references public.leads (id) on delete cascade,
  deal_id uuid references public.deals (id) on delete set null,
  name public.agent_name not null,
  key_hash public.sha256_hex not null,
  key_prefix public.agent_key_prefix not null,
  expected_interval public.heartbeat_interval not null default interval '5 minutes',
  grace_period public.grace_interval not null default interval '10 minutes',
  paused boolean not null default false,
  created_at timestamptz not null default now(),
  status public.agent_status not null default 'new',
  status_changed_at timestamptz not null default now(),
  last_heartbeat_at timestamptz,
  last_status public.heartbeat_status,
  last_error_class text references public.error_classes (key),
  agent_version public.agent_version,
  consecutive_errors integer not null default 0,
  alert_after_errors public.error_threshold not null default 1,
  snoozed_until timestamptz,
  run_started_at timestamptz,
  last_run_seconds double precision,
  -- key rotation: the previous key is accepted until previous_key_expires_at
  previous_key_hash public.sha256_hex,
  previous_key_expires_at timestamptz,
  revoked_at timestamptz,
  constraint agents_key_hash_key unique (key_hash),
  constraint agents_deal_key unique (deal_id)
)
-- Every heartbeat updates its agent's row: room on the page lets PostgreSQL do that as a HOT update.
with (fillfactor = 70);
create index agents_previous_key_idx on public.agents (previous_key_hash) where previous_key_hash is not null;
create index agents_watch_idx on public.agents (status) where not paused and revoked_at is null;

-- The plaintext key, encrypted by the functions (AES-GCM, key from configuration), until the team has
-- looked at it once; then deleted. Expired handovers are deleted by the retention timer.
create table public.agent_key_handovers (
  agent_id uuid primary key references public.agents (id) on delete cascade,
  key_ciphertext bytea not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '14 days'
);

-- History of heartbeats: kept for Monitoring__HeartbeatRetentionDays, pruned daily. kind is an enum (no check
-- constraint on the busiest insert) and agent_id has no foreign key: the row is only ever written by
-- ingest_heartbeat for the agent row it has locked, so a per-insert key check would find nothing new.
-- Deleting an agent still deletes its heartbeats (trigger agents_delete_heartbeats).
create table public.agent_heartbeats (
  id bigint generated always as identity primary key,
  agent_id uuid not null,
  received_at timestamptz not null,
  kind public.heartbeat_kind not null,
  status public.heartbeat_status not null,
  agent_version text,
  uptime_seconds bigint,
  error_class text,
  error_code text,
  messages_handled bigint,
  failed_runs bigint,
  queue_depth integer,
  latency_p50_ms real,
  latency_p95_ms real,
  run_seconds double precision,
  -- the supervised process (leitstand-agent run): restarts since the client started, resident memory, CPU time used
  restarts integer,
  memory_bytes bigint,
  cpu_seconds double precision
);
create index agent_heartbeats_agent_idx on public.agent_heartbeats (agent_id, received_at desc);
create index agent_heartbeats_received_idx on public.agent_heartbeats (received_at);

-- Every status change, kept longer than heartbeats.
create table public.agent_status_flips (
  id bigint generated always as identity primary key,
  agent_id uuid not null references public.agents (id) on delete cascade,
  from_status public.agent_status,
  to_status public.agent_status not null,
  flipped_at timestamptz not null
);
create index agent_status_flips_agent_idx on public.agent_status_flips (agent_id, flipped_at desc);

create table public.agent_maintenance_windows (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid not null references public.agents (id) on delete cascade,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  note text check (char_length(note) <= 200),
  check (ends_at > starts_at)
);
create index agent_maintenance_windows_agent_idx on public.agent_maintenance_windows (agent_id, ends_at);

-- The workflows an agent runs on a schedule (issue 20, in the manner of Sentry's cron monitors): the
-- onboarding's three core workflows (origin 'onboarding', workflows.sql) or registered by the client at its
-- first check-in (origin 'client'). A cron schedule in Europe/Berlin or an interval; grace after the expected
-- start, longest run. Of each run only state, times, duration and a short error code are kept (never content);
-- next_expected_at is computed by the functions (Cronos, Europe/Berlin) and public.workflow_checkin.
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
  -- counts changes of the rhythm, grace and longest run (trigger agent_workflows_version): the status center edits
  -- them by compare-and-set on it (PATCH /api/agents/{id}/workflows/{key})
  version integer not null default 1,
  constraint agent_workflows_agent_key unique (agent_id, key),
  constraint agent_workflows_one_rhythm check ((schedule is null) <> (run_interval is null))
);
create index agent_workflows_due_idx on public.agent_workflows (next_expected_at);

create table public.incidents (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid not null references public.agents (id) on delete cascade,
  error_class text not null references public.error_classes (key),
  severity text not null,
  status public.incident_status not null default 'open',
  opened_at timestamptz not null,
  last_seen_at timestamptz not null,
  occurrences integer not null default 1,
  last_error_code text,
  acknowledged_at timestamptz,
  acknowledged_by text,
  escalated_at timestamptz,
  resolved_at timestamptz,
  check ((status = 'resolved') = (resolved_at is not null)),
  -- the workflow of a workflow_* incident (null for the agent's own)
  workflow_id uuid references public.agent_workflows (id) on delete cascade
);
-- One open incident per agent, error class and workflow (null: the agent itself).
create unique index incidents_open_key on public.incidents (agent_id, error_class, workflow_id) nulls not distinct where status <> 'resolved';
create index incidents_workflow_idx on public.incidents (workflow_id) where workflow_id is not null;

create table public.incident_events (
  id bigint generated always as identity primary key,
  incident_id uuid not null references public.incidents (id) on delete cascade,
  at timestamptz not null,
  kind text not null check (kind in ('opened', 'acknowledged', 'restart_requested', 'restart_delivered',
                                     'restart_acknowledged', 'healthy_again', 'escalated', 'resolved')),
  detail text check (char_length(detail) <= 300)
);
create index incident_events_incident_idx on public.incident_events (incident_id, at);

create table public.agent_commands (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid not null references public.agents (id) on delete cascade,
  incident_id uuid references public.incidents (id) on delete set null,
  kind text not null check (kind in ('restart')),
  status public.command_status not null default 'pending',
  automatic boolean not null default false,
  requested_at timestamptz not null,
  requested_by text not null,
  reason text check (char_length(reason) <= 200),
  delivered_at timestamptz,
  acknowledged_at timestamptz
);
create index agent_commands_agent_idx on public.agent_commands (agent_id, status);
-- At most one restart waiting per agent.
create unique index agent_commands_one_open_key on public.agent_commands (agent_id, kind) where status in ('pending', 'delivered');

-- ---------------------------------------------------------------------------------------------
-- Status flips are recorded whoever changes the status; pausing sets the status. The trigger runs only when
-- status or paused actually change.
create function public.agents_status_bookkeeping() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'UPDATE' and new.paused is distinct from old.paused then
    new.status := case when new.paused then 'paused'::public.agent_status
                       when new.last_heartbeat_at is null then 'new'::public.agent_status
                       else 'up'::public.agent_status end;
  end if;
  if tg_op = 'UPDATE' and new.status is distinct from old.status then
    new.status_changed_at := coalesce(nullif(current_setting('leitstand.now', true), '')::timestamptz, now());
    insert into public.agent_status_flips (agent_id, from_status, to_status, flipped_at)
    values (new.id, old.status, new.status, new.status_changed_at);
  end if;
  return new;
end
$$;
create trigger agents_status_bookkeeping before update of status, paused on public.agents
  for each row when (old.status is distinct from new.status or old.paused is distinct from new.paused)
  execute function public.agents_status_bookkeeping();

-- Replaces "on delete cascade" for the heartbeats: one statement for all deleted agents (also when a lead's
-- deletion cascades).
create function public.agents_delete_heartbeats() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  delete from public.agent_heartbeats h using deleted_agents d where h.agent_id = d.id;
  return null;
end
$$;
create trigger agents_delete_heartbeats after delete on public.agents
  referencing old table as deleted_agents
  for each statement execute function public.agents_delete_heartbeats();

-- "Agent verbunden": an info alert at an agent's first heartbeat (its link opens #/agents/<id>), made beside the
-- heartbeat's own update, never inside public.ingest_heartbeat (the hot path): the trigger fires once per agent.
-- The alert names no one (the agent's name may carry the customer's); the queue is the caller's
-- (leitstand.alerts_queue, transaction-local, set by the heartbeat writer), else 'alerts' (Alerts__Queue's default).
-- Its queue message goes out with the ResendOutbox timer (within a minute).
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

-- Incidents as alerts (called by open_incident, resolve_incidents and check_agents). The severity given is the
-- error class's; the catalogue overrides it where the kind has its own (resolved: info, escalated: critical).
-- Returns the alert id, also when it existed already.
create function public.enqueue_incident_alert(p_queue text, p_incident uuid, p_kind text, p_at timestamptz, p_text text)
returns uuid
language plpgsql set search_path = '' as $$
declare
  v_key text := format('incident:%s:%s', p_incident, replace(p_kind, 'incident_', ''));
  v_id uuid;
begin
  select (public.enqueue_alerts(p_queue, jsonb_build_array(jsonb_build_object(
           'kind', p_kind, 'severity', c.severity,
           'dedupe_key', v_key, 'subject_type', 'incident', 'subject_id', i.id,
           'title', left(case p_kind when 'incident_opened' then 'Incident: ' || c.title
                                     when 'incident_resolved' then 'Behoben: ' || c.title
                                     else 'Eskaliert: ' || c.title end
                         || coalesce(' – Workflow „' || w.name || '“', ''), 200),
           'text', p_text || coalesce(format(' Workflow: %s (%s).', w.name, w.key), ''), 'occurred_at', p_at,
           'attributes', jsonb_build_object('agent_id', i.agent_id, 'error_class', i.error_class, 'runbook', c.runbook)
                         || case when w.id is not null then jsonb_build_object('workflow_key', w.key) else '{}'::jsonb end))))[1]
  into v_id
  from public.incidents i
  join public.error_classes c on c.key = i.error_class
  left join public.agent_workflows w on w.id = i.workflow_id
  where i.id = p_incident;
  return coalesce(v_id, (select a.id from public.alerts a where a.dedupe_key = v_key));
end
$$;

-- Opens the incident for (agent, class) or counts another occurrence of the open one. Returns the
-- alert message id when it opened (null otherwise). A crash loop may request an automatic restart.
create function public.open_incident(p_agent uuid, p_class text, p_code text, p_at timestamptz, p_queue text, p_auto_restarts_per_hour integer)
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

-- Resolves the agent's open incidents (all but "unstable", which the flapping guard resolves, and a workflow's,
-- which its next ok run resolves).
create function public.resolve_incidents(p_agent uuid, p_at timestamptz, p_queue text)
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

-- One heartbeat. Returns {result, agentId, agentStatus, commands, alerts}. Three statements for a healthy
-- agent (lock, insert, update); incidents and commands are looked at only when there are any.
create function public.ingest_heartbeat(
  p_key_hash text, p_kind text, p_status text, p_at timestamptz,
  p_version text, p_uptime bigint, p_error_class text, p_error_code text,
  p_messages bigint, p_failed bigint, p_queue_depth integer, p_latency_p50 real, p_latency_p95 real,
  p_ack uuid[], p_alerts_queue text, p_auto_restarts_per_hour integer,
  p_restarts integer default null, p_memory_bytes bigint default null, p_cpu_seconds double precision default null)
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
    messages_handled, failed_runs, queue_depth, latency_p50_ms, latency_p95_ms, run_seconds, restarts, memory_bytes, cpu_seconds)
  values (a.id, p_at, p_kind::public.heartbeat_kind, hb_status, p_version, p_uptime, p_error_class, p_error_code,
    p_messages, p_failed, p_queue_depth, p_latency_p50, p_latency_p95, run_seconds, p_restarts, p_memory_bytes, p_cpu_seconds);

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

-- A batch: the functions send the heartbeats that arrive while an earlier batch is being written in one round
-- trip (at most one per heartbeat, fewer under load).
-- p_items: [{"key_hash", "kind", "status", "at", "version", "uptime", "error_class", "error_code", "messages",
-- "failed", "queue_depth", "p50", "p95", "ack", "restarts", "memory", "cpu"}, …] in the order to apply them (the functions sort by key
-- hash so that concurrent batches lock agents in the same order). Returns the answers in the same order.
create function public.ingest_heartbeats(p_items jsonb, p_alerts_queue text, p_auto_restarts_per_hour integer)
returns jsonb
language plpgsql set search_path = '' as $$
declare
  r record;
  answers jsonb[] := '{}';
begin
  if jsonb_typeof(p_items) is distinct from 'array' or jsonb_array_length(p_items) > 1000 then
    raise exception 'ingest_heartbeats: p_items must be an array of at most 1000 heartbeats' using errcode = '22023';
  end if;
  for r in
    select * from jsonb_to_recordset(p_items) as x(key_hash text, kind text, status text, at timestamptz, version text,
      uptime bigint, error_class text, error_code text, messages bigint, failed bigint, queue_depth integer,
      p50 real, p95 real, ack uuid[], restarts integer, memory bigint, cpu double precision)
  loop
    answers := answers || public.ingest_heartbeat(r.key_hash, r.kind, r.status, r.at, r.version, r.uptime, r.error_class,
      r.error_code, r.messages, r.failed, r.queue_depth, r.p50, r.p95, r.ack, p_alerts_queue, p_auto_restarts_per_hour,
      r.restarts, r.memory, r.cpu);
  end loop;
  return to_jsonb(answers);
end
$$;

-- The minute timer: late/down by compare-and-set, incidents for silent agents (not while snoozed or
-- in maintenance; checked again right after), the flapping guard, escalation of restarts that did not
-- help. Safe to run concurrently. Returns the alert message ids to send.
create function public.check_agents(p_at timestamptz, p_alerts_queue text, p_flips_per_hour integer, p_escalate_after interval)
returns uuid[]
language plpgsql set search_path = '' as $$
declare
  alerts uuid[] := '{}';
  r record;
  alert uuid;
begin
  perform set_config('leitstand.now', p_at::text, true);

  with due as (
    select id, status as old_status,
           case when p_at > last_heartbeat_at + expected_interval + grace_period then 'down' else 'late' end::public.agent_status as new_status
    from public.agents
    where not paused and revoked_at is null and last_heartbeat_at is not null
      and status in ('up', 'late') and p_at > last_heartbeat_at + expected_interval
    for update skip locked
  )
  update public.agents a set status = due.new_status
  from due
  where a.id = due.id and a.status = due.old_status and due.new_status <> due.old_status;

  for r in
    select a.id from public.agents a
    where a.status = 'down' and not a.paused and a.revoked_at is null
      and (a.snoozed_until is null or a.snoozed_until <= p_at)
      and not exists (select 1 from public.agent_maintenance_windows w where w.agent_id = a.id and p_at >= w.starts_at and p_at < w.ends_at)
      and not exists (select 1 from public.incidents i where i.agent_id = a.id and i.error_class = 'no_heartbeat' and i.status <> 'resolved')
  loop
    alert := public.open_incident(r.id, 'no_heartbeat', null, p_at, p_alerts_queue, 0);
    if alert is not null then alerts := alerts || alert; end if;
  end loop;

  for r in
    select f.agent_id from public.agent_status_flips f join public.agents a on a.id = f.agent_id
    where f.flipped_at > p_at - interval '1 hour' and f.flipped_at <= p_at and not a.paused
    group by f.agent_id having count(*) >= p_flips_per_hour
  loop
    alert := public.open_incident(r.agent_id, 'unstable', null, p_at, p_alerts_queue, 0);
    if alert is not null then alerts := alerts || alert; end if;
  end loop;

  for r in
    update public.incidents i set status = 'resolved', resolved_at = p_at
    from public.agents a
    where a.id = i.agent_id and i.error_class = 'unstable' and i.status <> 'resolved' and a.status = 'up'
      and (select count(*) from public.agent_status_flips f where f.agent_id = i.agent_id and f.flipped_at > p_at - interval '1 hour') < greatest(1, p_flips_per_hour / 2)
    returning i.id
  loop
    insert into public.incident_events (incident_id, at, kind) values (r.id, p_at, 'resolved');
    alerts := alerts || public.enqueue_incident_alert(p_alerts_queue, r.id, 'incident_resolved', p_at, 'Agent läuft wieder stabil.');
  end loop;

  for r in
    update public.incidents i set escalated_at = p_at
    where i.status <> 'resolved' and i.escalated_at is null
      and exists (select 1 from public.agent_commands c where c.incident_id = i.id and c.requested_at <= p_at - p_escalate_after)
    returning i.id
  loop
    insert into public.incident_events (incident_id, at, kind, detail) values (r.id, p_at, 'escalated', 'Neustart hat nicht geholfen');
    alerts := alerts || public.enqueue_incident_alert(p_alerts_queue, r.id, 'incident_escalated', p_at,
      'Neustart hat nicht geholfen: Agent ist weiterhin nicht gesund. Bitte eingreifen (Runbook).');
  end loop;

  -- A restart nobody picked up or acknowledged within an hour stops blocking new ones.
  update public.agent_commands set status = 'expired'
  where status in ('pending', 'delivered') and requested_at < p_at - interval '1 hour';

  return alerts;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Workflow check-ins (issue 20). Workflow incidents carry their workflow_id: one open per workflow and class,
-- resolved by the workflow's next ok run (never by a heartbeat). Like the agent's own, none open while the agent
-- is paused, snoozed, in maintenance or unstable.

-- Opens (or counts another occurrence of) the incidents for (workflow, class, code) triples. Returns the alert
-- message ids of the incidents it opened.
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

-- Resolves a workflow's open incidents (its run was ok). Returns the alert message ids.
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

-- One check-in (POST /api/workflows/{workflow}/checkins), one round trip. p_status: in_progress | ok | error.
-- An unknown workflow is registered with the rhythm the client sends (p_schedule or p_interval; at most
-- p_max_workflows per agent); the client may change the rhythm of its own, never of the onboarding's. An ok/error
-- with the check_in_id of the open run finishes it, without one it is a whole run reported at its end (started
-- p_duration_s ago); a repeated check-in of a finished run changes nothing. Returns {result: accepted | paused |
-- unknown (key) | unknown_workflow (no rhythm to register it) | too_many, check_in_id, workflow_id, alerts}.
-- next_expected_at: start + interval; for a cron schedule the CheckWorkflows timer computes it (Cronos).
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

-- The minute timer for workflows (CheckWorkflows). The functions read the workflows whose next expected start is
-- unknown or past with its grace, compute the next one (Cronos, Europe/Berlin) and pass the triples (id, the
-- expected start they read, the next one). Moved by compare-and-set: a workflow whose expected start passed with
-- its grace and no check-in missed its run; a run in progress beyond max_runtime overruns (once per incident).
-- Returns the alert message ids to send.
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

-- A workflow's settings changed (by the team, the client's check-in or a resubmitted onboarding): its version counts up.
create function public.agent_workflows_version() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.version := old.version + 1;
  return new;
end
$$;
create trigger agent_workflows_version before update of schedule, run_interval, grace, max_runtime on public.agent_workflows
  for each row when ((old.schedule, old.run_interval, old.grace, old.max_runtime) is distinct from (new.schedule, new.run_interval, new.grace, new.max_runtime))
  execute function public.agent_workflows_version();

-- Only the functions' role may call the monitoring functions (Supabase exposes public functions as RPC).
revoke all on function public.agents_status_bookkeeping() from public, anon, authenticated;
revoke all on function public.agents_delete_heartbeats() from public, anon, authenticated;
revoke all on function public.agents_connected_alert() from public, anon, authenticated;
revoke all on function public.enqueue_incident_alert(text, uuid, text, timestamptz, text) from public, anon, authenticated;
revoke all on function public.open_incident(uuid, text, text, timestamptz, text, integer) from public, anon, authenticated;
revoke all on function public.resolve_incidents(uuid, timestamptz, text) from public, anon, authenticated;
revoke all on function public.ingest_heartbeat(text, text, text, timestamptz, text, bigint, text, text, bigint, bigint, integer, real, real, uuid[], text, integer, integer, bigint, double precision)
  from public, anon, authenticated;
revoke all on function public.ingest_heartbeats(jsonb, text, integer) from public, anon, authenticated;
revoke all on function public.check_agents(timestamptz, text, integer, interval) from public, anon, authenticated;
revoke all on function public.open_workflow_incidents(uuid[], text[], text[], timestamptz, text) from public, anon, authenticated;
revoke all on function public.resolve_workflow_incidents(uuid, timestamptz, text) from public, anon, authenticated;
revoke all on function public.workflow_checkin(text, text, text, uuid, double precision, text, text, interval, timestamptz, text, integer)
  from public, anon, authenticated;
revoke all on function public.check_workflows(timestamptz, uuid[], timestamptz[], timestamptz[], text) from public, anon, authenticated;
revoke all on function public.agent_workflows_version() from public, anon, authenticated;
grant execute on function public.enqueue_incident_alert(text, uuid, text, timestamptz, text),
  public.open_incident(uuid, text, text, timestamptz, text, integer),
  public.resolve_incidents(uuid, timestamptz, text),
  public.ingest_heartbeat(text, text, text, timestamptz, text, bigint, text, text, bigint, bigint, integer, real, real, uuid[], text, integer, integer, bigint, double precision),
  public.ingest_heartbeats(jsonb, text, integer),
  public.check_agents(timestamptz, text, integer, interval),
  public.open_workflow_incidents(uuid[], text[], text[], timestamptz, text),
  public.resolve_workflow_incidents(uuid, timestamptz, text),
  public.workflow_checkin(text, text, text, uuid, double precision, text, text, interval, timestamptz, text, integer),
  public.check_workflows(timestamptz, uuid[], timestamptz[], timestamptz[], text)
  to leitstand_functions;

-- ---------------------------------------------------------------------------------------------
-- Row level security: the team reads everything operational; writes go through the functions
-- (team may pause, snooze, set maintenance windows and thresholds).
alter table public.error_classes enable row level security;
alter table public.agents enable row level security;
alter table public.agent_key_handovers enable row level security;
alter table public.agent_heartbeats enable row level security;
alter table public.agent_status_flips enable row level security;
alter table public.agent_maintenance_windows enable row level security;
alter table public.incidents enable row level security;
alter table public.incident_events enable row level security;
alter table public.agent_commands enable row level security;
alter table public.agent_workflows enable row level security;

revoke all on public.error_classes, public.agents, public.agent_key_handovers, public.agent_heartbeats, public.agent_status_flips,
  public.agent_maintenance_windows, public.incidents, public.incident_events, public.agent_commands from anon;
revoke truncate, references, trigger on public.error_classes, public.agents, public.agent_key_handovers, public.agent_heartbeats,
  public.agent_status_flips, public.agent_maintenance_windows, public.incidents, public.incident_events, public.agent_commands
  from authenticated, service_role;
revoke insert, update, delete on public.error_classes, public.agent_heartbeats, public.agent_status_flips,
  public.incident_events, public.agent_commands, public.incidents from authenticated;
-- The key hash is not for people's eyes, and handovers only leave through the functions.
revoke all on public.agents, public.agent_key_handovers from authenticated;
grant select (id, lead_id, deal_id, name, key_prefix, expected_interval, grace_period, paused, created_at,
  status, status_changed_at, last_heartbeat_at, last_status, last_error_class, agent_version, consecutive_errors,
  alert_after_errors, snoozed_until, last_run_seconds, revoked_at),
  update (name, expected_interval, grace_period, paused, alert_after_errors, snoozed_until) on public.agents to authenticated;

create policy error_classes_team on public.error_classes for select to authenticated using ((select public.is_team_member()));
create policy agents_team on public.agents for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy agent_heartbeats_team on public.agent_heartbeats for select to authenticated using ((select public.is_team_member()));
create policy agent_status_flips_team on public.agent_status_flips for select to authenticated using ((select public.is_team_member()));
create policy agent_maintenance_windows_team on public.agent_maintenance_windows for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy incidents_team on public.incidents for select to authenticated using ((select public.is_team_member()));
create policy incident_events_team on public.incident_events for select to authenticated using ((select public.is_team_member()));
create policy agent_commands_team on public.agent_commands for select to authenticated using ((select public.is_team_member()));

grant select on public.error_classes to leitstand_functions;
grant select, insert, update on public.agents to leitstand_functions;
grant select, insert, delete on public.agent_key_handovers, public.agent_heartbeats, public.agent_status_flips to leitstand_functions;
grant select on public.agent_maintenance_windows to leitstand_functions;
grant select, insert, update on public.incidents, public.agent_commands to leitstand_functions;
grant select, insert on public.incident_events to leitstand_functions;

create policy error_classes_functions on public.error_classes for select to leitstand_functions using (true);
create policy agents_functions on public.agents for all to leitstand_functions using (true) with check (true);
create policy agent_key_handovers_functions on public.agent_key_handovers for all to leitstand_functions using (true) with check (true);
create policy agent_heartbeats_functions on public.agent_heartbeats for all to leitstand_functions using (true) with check (true);
create policy agent_status_flips_functions on public.agent_status_flips for all to leitstand_functions using (true) with check (true);
create policy agent_maintenance_windows_functions on public.agent_maintenance_windows for select to leitstand_functions using (true);
create policy incidents_functions on public.incidents for all to leitstand_functions using (true) with check (true);
create policy incident_events_functions on public.incident_events for all to leitstand_functions using (true) with check (true);
create policy agent_commands_functions on public.agent_commands for all to leitstand_functions using (true) with check (true);

-- Workflows: the team reads them (the rhythm changes with the onboarding or the client); the functions write them.
revoke all on public.agent_workflows from anon;
revoke truncate, references, trigger on public.agent_workflows from authenticated, service_role;
revoke insert, update, delete on public.agent_workflows from authenticated;
create policy agent_workflows_team on public.agent_workflows for select to authenticated using ((select public.is_team_member()));
grant select, insert, update on public.agent_workflows to leitstand_functions;
create policy agent_workflows_functions on public.agent_workflows for all to leitstand_functions using (true) with check (true);
