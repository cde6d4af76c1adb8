-- Issue 20: the heartbeat's remaining allowlisted fields, restarts, memory and CPU of the supervised process
-- (leitstand-agent run). Stored with each heartbeat; the agent view shows those of the latest one. ingest_heartbeat
-- takes them as three trailing parameters with defaults (calls with the earlier sixteen arguments keep working).

alter table public.agent_heartbeats
  add column restarts integer,
  add column memory_bytes bigint,
  add column cpu_seconds double precision;

drop function public.ingest_heartbeat(text, text, text, timestamptz, text, bigint, text, text, bigint, bigint, integer, real, real, uuid[], text, integer);

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

create or replace function public.ingest_heartbeats(p_items jsonb, p_alerts_queue text, p_auto_restarts_per_hour integer)
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

revoke all on function public.ingest_heartbeat(text, text, text, timestamptz, text, bigint, text, text, bigint, bigint, integer, real, real, uuid[], text, integer, integer, bigint, double precision)
  from public, anon, authenticated;
grant execute on function public.ingest_heartbeat(text, text, text, timestamptz, text, bigint, text, text, bigint, bigint, integer, real, real, uuid[], text, integer, integer, bigint, double precision) to leitstand_functions;
