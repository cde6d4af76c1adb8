-- The monitoring functions at SQL level (20261125104000_agent_monitoring.sql): public.ingest_heartbeat and
-- public.check_agents, called as leitstand_functions with explicit timestamps (the functions take p_at).
-- Timeline of the main agent: 10:00 first heartbeat, 10:01 and 10:02 crash loop, 10:03 healthy restart,
-- 10:05 heartbeat that picks up a waiting command, then silence: late after 10:10, down after 10:20.
begin;
create extension if not exists pgtap;
select plan(46);
set local timezone = 'UTC';   -- the JSON of timestamps below is written in UTC

insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000001', 'Erika Muster', 'erika@example.com', now(), 'v1', 'pgtap');
insert into public.agents (id, lead_id, name, key_hash, key_prefix) values
  ('ae000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'Test',
   encode(sha256('lsa_test'::bytea), 'hex'), 'lsa_test');

-- Every response of ingest_heartbeat, by label (readable by leitstand_functions; dropped by the rollback).
create temp table responses (label text primary key, body jsonb not null);
grant select, insert on responses to public;

-- One heartbeat of the main agent (key lsa_test), its response stored under label.
create function pg_temp.hb(label text, kind text, status text, at timestamptz, error_class text, error_code text, ack uuid[])
returns jsonb language plpgsql as $$
declare r jsonb;
begin
  r := public.ingest_heartbeat(encode(sha256('lsa_test'::bytea), 'hex'), kind, status, at, '1.0.0', 100,
                               error_class, error_code, 0, 0, 0, null, null, ack, 'alerts', 3);
  insert into responses values (label, r);
  return r;
end
$$;

set local role leitstand_functions;
set local request.jwt.claims = '';

------------------------------------------------------------------------------------------------
-- 1. Unknown key, first heartbeat.
------------------------------------------------------------------------------------------------
select is(public.ingest_heartbeat(encode(sha256('lsa_unknown'::bytea), 'hex'), 'heartbeat', 'ok', '2026-11-25 10:00:00+00',
            '1.0.0', 100, null, null, 0, 0, 0, null, null, null, 'alerts', 3),
  '{"result":"unknown"}'::jsonb, 'an unknown key gives {"result":"unknown"}');
select is((select count(*)::int from public.agent_heartbeats), 0, 'an unknown key writes no heartbeat');
select results_eq(
  $$ select status::text, snoozed_until, alert_after_errors::int from public.agents where id = 'ae000000-0000-4000-8000-000000000001' $$,
  $$ values ('new'::text, null::timestamptz, 1) $$,
  'precondition: a fresh agent has status new, no snooze (NULL) and alert_after_errors 1');

-- Exactly the call of the brief.
insert into responses values ('first', public.ingest_heartbeat(encode(sha256('lsa_test'::bytea), 'hex'), 'heartbeat', 'ok',
  '2026-11-25 10:00:00+00', '1.0.0', 100, null, null, 0, 0, 0, null, null, null, 'alerts', 3));
select is((select body from responses where label = 'first'),
  '{"result":"accepted","agentId":"ae000000-0000-4000-8000-000000000001","agentStatus":"up","commands":[],"alerts":[]}'::jsonb,
  'the first heartbeat is accepted: status up, no commands, no alerts');
select results_eq(
  $$ select status::text, status_changed_at, last_heartbeat_at, last_status::text, agent_version::text
       from public.agents where id = 'ae000000-0000-4000-8000-000000000001' $$,
  $$ values ('up'::text, '2026-11-25 10:00:00+00'::timestamptz, '2026-11-25 10:00:00+00'::timestamptz, 'ok'::text, '1.0.0'::text) $$,
  'the first heartbeat moves the agent new -> up at p_at');
select results_eq(
  $$ select received_at, kind::text, status::text, agent_version from public.agent_heartbeats
      where agent_id = 'ae000000-0000-4000-8000-000000000001' $$,
  $$ values ('2026-11-25 10:00:00+00'::timestamptz, 'heartbeat'::text, 'ok'::text, '1.0.0'::text) $$,
  'the first heartbeat writes exactly one heartbeat row');
select results_eq(
  $$ select from_status::text, to_status::text, flipped_at from public.agent_status_flips
      where agent_id = 'ae000000-0000-4000-8000-000000000001' $$,
  $$ values ('new'::text, 'up'::text, '2026-11-25 10:00:00+00'::timestamptz) $$,
  'the first heartbeat records exactly one flip new -> up');

------------------------------------------------------------------------------------------------
-- 2. Crash loop: one incident, one automatic restart.
------------------------------------------------------------------------------------------------
do $do$ begin perform pg_temp.hb('crash1', 'heartbeat', 'error', '2026-11-25 10:01:00+00', 'crash_loop', 'E_CRASH', null); end $do$;

select results_eq(
  $$ select error_class, severity, status::text, opened_at, last_seen_at, occurrences, last_error_code
       from public.incidents where agent_id = 'ae000000-0000-4000-8000-000000000001' $$,
  $$ values ('crash_loop'::text, 'critical'::text, 'open'::text, '2026-11-25 10:01:00+00'::timestamptz,
             '2026-11-25 10:01:00+00'::timestamptz, 1, 'E_CRASH'::text) $$,
  'an error heartbeat with class crash_loop opens exactly one open crash_loop incident');
select results_eq(
  $$ select kind, automatic, status::text, requested_at, requested_by,
            incident_id = (select id from public.incidents where agent_id = 'ae000000-0000-4000-8000-000000000001')
       from public.agent_commands where agent_id = 'ae000000-0000-4000-8000-000000000001' $$,
  $$ values ('restart'::text, true, 'delivered'::text, '2026-11-25 10:01:00+00'::timestamptz, 'leitstand'::text, true) $$,
  'it requests exactly one automatic restart for the incident');
-- The restart goes back in the response to the very heartbeat that reported the crash loop (one round trip).
select is((select jsonb_path_query_array(body, '$.commands[*].kind') from responses where label = 'crash1'),
  '["restart"]'::jsonb, 'the response to the crash loop heartbeat carries the restart command');
select is((select (body #>> '{commands,0,id}')::uuid from responses where label = 'crash1'),
  (select id from public.agent_commands where agent_id = 'ae000000-0000-4000-8000-000000000001'),
  'the command in the response is the requested restart');
select is((select delivered_at from public.agent_commands where agent_id = 'ae000000-0000-4000-8000-000000000001'),
  '2026-11-25 10:01:00+00'::timestamptz, 'handing it out marks the command delivered at p_at');
select results_eq(
  $$ select kind, at from public.incident_events e join public.incidents i on i.id = e.incident_id
      where i.agent_id = 'ae000000-0000-4000-8000-000000000001' order by e.id $$,
  $$ values ('opened'::text, '2026-11-25 10:01:00+00'::timestamptz), ('restart_requested', '2026-11-25 10:01:00+00'),
            ('restart_delivered', '2026-11-25 10:01:00+00') $$,
  'the incident timeline: opened, restart_requested, restart_delivered');
select is((select jsonb_array_length(body -> 'alerts') from responses where label = 'crash1'), 1,
  'opening the incident returns one alert');
select results_eq(
  $$ select queue, payload #>> '{alerts,0,kind}', payload #>> '{alerts,0,attributes,error_class}', payload #>> '{alerts,0,attributes,runbook}' from public.outbox_messages
      where id = (select (body #>> '{alerts,0}')::uuid from responses where label = 'crash1') $$,
  $$ values ('alerts'::text, 'incident_opened'::text, 'crash_loop'::text, 'docs/runbooks/crash-loop.md'::text) $$,
  'the alert is an incident_opened message in the outbox');
select results_eq(
  $$ select status::text, consecutive_errors, last_error_class from public.agents where id = 'ae000000-0000-4000-8000-000000000001' $$,
  $$ values ('up'::text, 1, 'crash_loop'::text) $$,
  'the agent is up (it answers) with one consecutive error of class crash_loop');

-- The same error again.
do $do$ begin perform pg_temp.hb('crash2', 'heartbeat', 'error', '2026-11-25 10:02:00+00', 'crash_loop', 'E_CRASH', null); end $do$;
select results_eq(
  $$ select status::text, occurrences, last_seen_at from public.incidents where agent_id = 'ae000000-0000-4000-8000-000000000001' $$,
  $$ values ('open'::text, 2, '2026-11-25 10:02:00+00'::timestamptz) $$,
  'a repeated crash loop counts occurrence 2 on the same, still only, open incident');
select is((select count(*)::int from public.agent_commands where agent_id = 'ae000000-0000-4000-8000-000000000001'), 1,
  'the repeat requests no second restart');
select is((select body -> 'commands' from responses where label = 'crash2'), '[]'::jsonb,
  'the next heartbeat does not hand out the delivered restart again');
select is((select body -> 'alerts' from responses where label = 'crash2'), '[]'::jsonb, 'the repeat raises no new alert');
select is((select consecutive_errors from public.agents where id = 'ae000000-0000-4000-8000-000000000001'), 2,
  'consecutive_errors counts 2');

------------------------------------------------------------------------------------------------
-- 3. The restart helped; a waiting command is picked up by the next heartbeat.
------------------------------------------------------------------------------------------------
do $do$ begin perform pg_temp.hb('restarted', 'start', null, '2026-11-25 10:03:00+00', null, null,
  (select array_agg(id) from public.agent_commands where agent_id = 'ae000000-0000-4000-8000-000000000001')); end $do$;
select results_eq(
  $$ select status::text, acknowledged_at from public.agent_commands where agent_id = 'ae000000-0000-4000-8000-000000000001' $$,
  $$ values ('acknowledged'::text, '2026-11-25 10:03:00+00'::timestamptz) $$,
  'the agent''s ack marks the restart acknowledged');
select results_eq(
  $$ select status::text, resolved_at from public.incidents where agent_id = 'ae000000-0000-4000-8000-000000000001' $$,
  $$ values ('resolved'::text, '2026-11-25 10:03:00+00'::timestamptz) $$,
  'a healthy start resolves the crash loop incident');
select results_eq(
  $$ select kind from public.incident_events e join public.incidents i on i.id = e.incident_id
      where i.agent_id = 'ae000000-0000-4000-8000-000000000001' and e.at = '2026-11-25 10:03:00+00' order by e.id $$,
  $$ values ('healthy_again'::text), ('resolved'), ('restart_acknowledged') $$,
  'the timeline records healthy_again, resolved and restart_acknowledged');

-- A restart the team asked for between two heartbeats (as RequestRestart inserts it).
insert into public.agent_commands (id, agent_id, kind, requested_at, requested_by, reason) values
  ('c3000000-0000-4000-8000-000000000002', 'ae000000-0000-4000-8000-000000000001', 'restart',
   '2026-11-25 10:04:00+00', 'a0000000-0000-4000-8000-000000000002', 'Bitte neu starten');
do $do$ begin perform pg_temp.hb('pickup', 'heartbeat', 'ok', '2026-11-25 10:05:00+00', null, null, null); end $do$;
select is((select body -> 'commands' from responses where label = 'pickup'),
  '[{"id":"c3000000-0000-4000-8000-000000000002","kind":"restart","requestedAt":"2026-11-25T10:04:00+00:00","reason":"Bitte neu starten"}]'::jsonb,
  'the next heartbeat returns the waiting command in "commands"');
select results_eq(
  $$ select status::text, delivered_at from public.agent_commands where id = 'c3000000-0000-4000-8000-000000000002' $$,
  $$ values ('delivered'::text, '2026-11-25 10:05:00+00'::timestamptz) $$,
  'and marks it delivered at p_at');
do $do$ begin perform pg_temp.hb('after_pickup', 'heartbeat', 'ok', '2026-11-25 10:05:00+00', null, null, null); end $do$;
select is((select body -> 'commands' from responses where label = 'after_pickup'), '[]'::jsonb,
  'a delivered command is not handed out twice');
select is((select count(*)::int from public.agent_heartbeats where agent_id = 'ae000000-0000-4000-8000-000000000001'), 6,
  'every accepted heartbeat wrote one row (6)');
select is((select count(*)::int from public.agent_status_flips where agent_id = 'ae000000-0000-4000-8000-000000000001'), 1,
  'heartbeats of an agent that stays up record no further flip');

------------------------------------------------------------------------------------------------
-- 4. Silence: late, down, no_heartbeat incident; running the check twice changes nothing more.
--    Last heartbeat 10:05:00, expected_interval 5 min, grace_period 10 min (the defaults).
------------------------------------------------------------------------------------------------
select results_eq(
  $$ select last_heartbeat_at, expected_interval::interval, grace_period::interval from public.agents where id = 'ae000000-0000-4000-8000-000000000001' $$,
  $$ values ('2026-11-25 10:05:00+00'::timestamptz, interval '5 minutes', interval '10 minutes') $$,
  'precondition: last heartbeat 10:05:00, interval 5 min, grace 10 min');

select is(public.check_agents('2026-11-25 10:10:00+00', 'alerts', 6, interval '1 hour'), '{}'::uuid[],
  'check_agents exactly at last heartbeat + interval raises no alert');
select is((select status::text from public.agents where id = 'ae000000-0000-4000-8000-000000000001'), 'up',
  'exactly at last heartbeat + interval the agent is still up');

select is(public.check_agents('2026-11-25 10:10:01+00', 'alerts', 6, interval '1 hour'), '{}'::uuid[],
  'check_agents at last heartbeat + interval + 1 s raises no alert');
select results_eq(
  $$ select status::text, status_changed_at from public.agents where id = 'ae000000-0000-4000-8000-000000000001' $$,
  $$ values ('late'::text, '2026-11-25 10:10:01+00'::timestamptz) $$,
  'at last heartbeat + interval + 1 s the agent is late');
select is((select count(*)::int from public.incidents where agent_id = 'ae000000-0000-4000-8000-000000000001' and status <> 'resolved'), 0,
  'late opens no incident');

select is(cardinality(public.check_agents('2026-11-25 10:20:01+00', 'alerts', 6, interval '1 hour')), 1,
  'check_agents at last heartbeat + interval + grace + 1 s raises one alert');
select results_eq(
  $$ select status::text, status_changed_at from public.agents where id = 'ae000000-0000-4000-8000-000000000001' $$,
  $$ values ('down'::text, '2026-11-25 10:20:01+00'::timestamptz) $$,
  'at last heartbeat + interval + grace + 1 s the agent is down');
select results_eq(
  $$ select error_class, severity, status::text, opened_at, occurrences from public.incidents
      where agent_id = 'ae000000-0000-4000-8000-000000000001' and status <> 'resolved' $$,
  $$ values ('no_heartbeat'::text, 'critical'::text, 'open'::text, '2026-11-25 10:20:01+00'::timestamptz, 1) $$,
  'down opens one no_heartbeat incident');
select results_eq(
  $$ select from_status::text, to_status::text, flipped_at from public.agent_status_flips
      where agent_id = 'ae000000-0000-4000-8000-000000000001' order by id $$,
  $$ values ('new'::text, 'up'::text, '2026-11-25 10:00:00+00'::timestamptz), ('up', 'late', '2026-11-25 10:10:01+00'),
            ('late', 'down', '2026-11-25 10:20:01+00') $$,
  'the flips are new -> up, up -> late, late -> down, each at its p_at');

select is(public.check_agents('2026-11-25 10:20:01+00', 'alerts', 6, interval '1 hour'), '{}'::uuid[],
  'check_agents again at the same time raises no alert');
select results_eq(
  $$ select error_class, occurrences from public.incidents where agent_id = 'ae000000-0000-4000-8000-000000000001' order by opened_at $$,
  $$ values ('crash_loop'::text, 2), ('no_heartbeat', 1) $$,
  'the second run creates no duplicate incident and counts no extra occurrence');
select is((select count(*)::int from public.agent_status_flips where agent_id = 'ae000000-0000-4000-8000-000000000001'), 3,
  'the second run records no duplicate flip');

------------------------------------------------------------------------------------------------
-- 5. Snooze: no incident while snoozed (heartbeat or silence), the silent agent's incident right after.
--    Regression: snoozed_until NULL (the default, section 2 and 4) must not suppress anything.
------------------------------------------------------------------------------------------------
reset role;
insert into public.agents (id, lead_id, name, key_hash, key_prefix, snoozed_until) values
  ('ae000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000001', 'Snoozed',
   encode(sha256('lsa_snoozed'::bytea), 'hex'), 'lsa_snoo', '2026-11-25 11:30:00+00');
set local role leitstand_functions;
do $do$ begin perform public.ingest_heartbeat(encode(sha256('lsa_snoozed'::bytea), 'hex'), 'heartbeat', 'ok', '2026-11-25 11:00:00+00',
  '1.0.0', 100, null, null, 0, 0, 0, null, null, null, 'alerts', 3); end $do$;
do $do$ begin perform public.ingest_heartbeat(encode(sha256('lsa_snoozed'::bytea), 'hex'), 'heartbeat', 'error', '2026-11-25 11:01:00+00',
  '1.0.0', 100, 'crash_loop', 'E_CRASH', 0, 0, 0, null, null, null, 'alerts', 3); end $do$;
select is((select count(*)::int from public.incidents where agent_id = 'ae000000-0000-4000-8000-000000000002'), 0,
  'while snoozed, an error heartbeat opens no incident');
do $do$ begin perform public.check_agents('2026-11-25 11:16:01+00', 'alerts', 6, interval '1 hour'); end $do$;
select is((select status::text from public.agents where id = 'ae000000-0000-4000-8000-000000000002'), 'down',
  'a snoozed agent still goes down');
select is((select count(*)::int from public.incidents where agent_id = 'ae000000-0000-4000-8000-000000000002'), 0,
  'while snoozed, down opens no no_heartbeat incident');
do $do$ begin perform public.check_agents('2026-11-25 11:30:01+00', 'alerts', 6, interval '1 hour'); end $do$;
select results_eq(
  $$ select error_class, opened_at from public.incidents where agent_id = 'ae000000-0000-4000-8000-000000000002' $$,
  $$ values ('no_heartbeat'::text, '2026-11-25 11:30:01+00'::timestamptz) $$,
  'right after the snooze ends, the silent agent gets its no_heartbeat incident');

reset role;
reset request.jwt.claims;
select * from finish();
rollback;
