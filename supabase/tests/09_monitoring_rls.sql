-- Access to the tables and functions of the monitoring migration (20261125104000_agent_monitoring.sql):
-- anon: nothing, and no monitoring function. Authenticated non-member: sees nothing, changes nothing.
-- Team member: reads error classes, heartbeats, flips, incidents, their timelines, commands and the
-- agents' monitoring columns; manages maintenance windows; pauses, snoozes and sets the alert threshold;
-- never writes incidents, commands, heartbeats or flips and never calls the monitoring functions.
-- leitstand_functions: calls ingest_heartbeat and check_agents. Pausing sets the status and records a flip.
begin;
create extension if not exists pgtap;
select plan(131);

-- Fixtures, written as the superuser.
insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000001', 'outsider@example.com'),
  ('a0000000-0000-4000-8000-000000000002', 'member@example.com');
insert into public.team_members (user_id, display_name) values
  ('a0000000-0000-4000-8000-000000000002', 'Member');
insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000001', 'Erika Muster', 'erika@example.com', now(), 'v1', 'https://example.com/kontakt');
-- Agent Eins has heartbeats (status up), Agent Zwei has never sent one (status new).
insert into public.agents (id, lead_id, name, key_hash, key_prefix) values
  ('ae000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'Agent Eins',
   encode(sha256('lsa_rls_one'::bytea), 'hex'), 'lsa_rls1'),
  ('ae000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000001', 'Agent Zwei',
   encode(sha256('lsa_rls_two'::bytea), 'hex'), 'lsa_rls2');
update public.agents set last_heartbeat_at = '2026-11-25 10:00:00+00', last_status = 'ok', agent_version = '1.0.0',
                         previous_key_hash = encode(sha256('lsa_rls_old'::bytea), 'hex')
 where id = 'ae000000-0000-4000-8000-000000000001';
update public.agents set status = 'up' where id = 'ae000000-0000-4000-8000-000000000001';   -- the trigger records new -> up
insert into public.agent_heartbeats (agent_id, received_at, kind, status, agent_version) values
  ('ae000000-0000-4000-8000-000000000001', '2026-11-25 10:00:00+00', 'heartbeat', 'ok', '1.0.0');
insert into public.agent_maintenance_windows (id, agent_id, starts_at, ends_at, note) values
  ('3a000000-0000-4000-8000-000000000001', 'ae000000-0000-4000-8000-000000000001',
   '2026-11-26 08:00:00+00', '2026-11-26 09:00:00+00', 'Update');
insert into public.incidents (id, agent_id, error_class, severity, opened_at, last_seen_at) values
  ('1c000000-0000-4000-8000-000000000001', 'ae000000-0000-4000-8000-000000000001', 'crash_loop', 'critical',
   '2026-11-25 10:01:00+00', '2026-11-25 10:01:00+00');
insert into public.incident_events (incident_id, at, kind) values
  ('1c000000-0000-4000-8000-000000000001', '2026-11-25 10:01:00+00', 'opened');
insert into public.agent_commands (id, agent_id, incident_id, kind, automatic, requested_at, requested_by) values
  ('c3000000-0000-4000-8000-000000000001', 'ae000000-0000-4000-8000-000000000001', '1c000000-0000-4000-8000-000000000001',
   'restart', true, '2026-11-25 10:01:00+00', 'leitstand');

-- What the superuser sees, for comparison with what the roles see. Dropped by the rollback.
create temp table seen_by_superuser as select
  (select count(*) from public.error_classes)             as error_classes,
  (select count(*) from public.agent_heartbeats)          as heartbeats,
  (select count(*) from public.agent_status_flips)        as flips,
  (select count(*) from public.agent_maintenance_windows) as windows,
  (select count(*) from public.incidents)                 as incidents,
  (select count(*) from public.incident_events)           as incident_events,
  (select count(*) from public.agent_commands)            as commands;
grant select on seen_by_superuser to public;

create function pg_temp.affected(sql text) returns bigint
language plpgsql as $$
declare n bigint;
begin
  execute sql;
  get diagnostics n = row_count;
  return n;
end
$$;

select ok((select error_classes = 12 and heartbeats = 1 and flips = 1 and windows = 1 and incidents = 1
                  and incident_events = 1 and commands = 1 from seen_by_superuser),
  'fixtures: every monitoring table holds rows (12 error classes, one flip from the status change)');

------------------------------------------------------------------------------------------------
-- 1. anon: every statement on every monitoring table and every monitoring function fails with 42501.
------------------------------------------------------------------------------------------------
set local role anon;
set local request.jwt.claims = '{"role":"anon"}';

select throws_ok($$ select * from public.error_classes $$, '42501', null, 'anon cannot select error_classes');
select throws_ok($$ insert into public.error_classes (key, severity, title) values ('anon_class', 'info', 'x') $$,
  '42501', null, 'anon cannot insert into error_classes');
select throws_ok($$ update public.error_classes set auto_restart = true $$, '42501', null, 'anon cannot update error_classes');
select throws_ok($$ delete from public.error_classes $$, '42501', null, 'anon cannot delete from error_classes');

select throws_ok($$ select * from public.agent_heartbeats $$, '42501', null, 'anon cannot select agent_heartbeats');
select throws_ok($$ insert into public.agent_heartbeats (agent_id, received_at, kind, status)
                    values ('ae000000-0000-4000-8000-000000000001', now(), 'heartbeat', 'ok') $$,
  '42501', null, 'anon cannot insert into agent_heartbeats');
select throws_ok($$ update public.agent_heartbeats set status = 'error' $$, '42501', null, 'anon cannot update agent_heartbeats');
select throws_ok($$ delete from public.agent_heartbeats $$, '42501', null, 'anon cannot delete from agent_heartbeats');

select throws_ok($$ select * from public.agent_status_flips $$, '42501', null, 'anon cannot select agent_status_flips');
select throws_ok($$ insert into public.agent_status_flips (agent_id, to_status, flipped_at)
                    values ('ae000000-0000-4000-8000-000000000001', 'down', now()) $$,
  '42501', null, 'anon cannot insert into agent_status_flips');
select throws_ok($$ update public.agent_status_flips set to_status = 'down' $$, '42501', null, 'anon cannot update agent_status_flips');
select throws_ok($$ delete from public.agent_status_flips $$, '42501', null, 'anon cannot delete from agent_status_flips');

select throws_ok($$ select * from public.agent_maintenance_windows $$, '42501', null, 'anon cannot select agent_maintenance_windows');
select throws_ok($$ insert into public.agent_maintenance_windows (agent_id, starts_at, ends_at)
                    values ('ae000000-0000-4000-8000-000000000001', now(), now() + interval '1 hour') $$,
  '42501', null, 'anon cannot insert into agent_maintenance_windows');
select throws_ok($$ update public.agent_maintenance_windows set note = 'x' $$, '42501', null, 'anon cannot update agent_maintenance_windows');
select throws_ok($$ delete from public.agent_maintenance_windows $$, '42501', null, 'anon cannot delete from agent_maintenance_windows');

select throws_ok($$ select * from public.incidents $$, '42501', null, 'anon cannot select incidents');
select throws_ok($$ insert into public.incidents (agent_id, error_class, severity, opened_at, last_seen_at)
                    values ('ae000000-0000-4000-8000-000000000001', 'unknown', 'warning', now(), now()) $$,
  '42501', null, 'anon cannot insert into incidents');
select throws_ok($$ update public.incidents set status = 'resolved', resolved_at = now() $$, '42501', null, 'anon cannot update incidents');
select throws_ok($$ delete from public.incidents $$, '42501', null, 'anon cannot delete from incidents');

select throws_ok($$ select * from public.incident_events $$, '42501', null, 'anon cannot select incident_events');
select throws_ok($$ insert into public.incident_events (incident_id, at, kind)
                    values ('1c000000-0000-4000-8000-000000000001', now(), 'resolved') $$,
  '42501', null, 'anon cannot insert into incident_events');
select throws_ok($$ update public.incident_events set detail = 'x' $$, '42501', null, 'anon cannot update incident_events');
select throws_ok($$ delete from public.incident_events $$, '42501', null, 'anon cannot delete from incident_events');

select throws_ok($$ select * from public.agent_commands $$, '42501', null, 'anon cannot select agent_commands');
select throws_ok($$ insert into public.agent_commands (agent_id, kind, requested_at, requested_by)
                    values ('ae000000-0000-4000-8000-000000000002', 'restart', now(), 'anon') $$,
  '42501', null, 'anon cannot insert into agent_commands');
select throws_ok($$ update public.agent_commands set status = 'expired' $$, '42501', null, 'anon cannot update agent_commands');
select throws_ok($$ delete from public.agent_commands $$, '42501', null, 'anon cannot delete from agent_commands');

-- The new agents columns.
select throws_ok($$ select status, last_heartbeat_at from public.agents $$, '42501', null, 'anon cannot select agents.status');
select throws_ok($$ update public.agents set snoozed_until = now() + interval '1 day' $$, '42501', null,
  'anon cannot snooze an agent');

-- The monitoring functions.
select throws_ok($$ select public.ingest_heartbeat(encode(sha256('lsa_rls_one'::bytea), 'hex'), 'heartbeat', 'ok',
                      '2026-11-25 10:05:00+00', '1.0.0', 100, null, null, 0, 0, 0, null, null, null, 'alerts', 3) $$,
  '42501', null, 'anon cannot execute ingest_heartbeat');
select throws_ok($$ select public.check_agents('2026-11-25 12:00:00+00', 'alerts', 6, interval '15 minutes') $$,
  '42501', null, 'anon cannot execute check_agents');
select throws_ok($$ select public.open_incident('ae000000-0000-4000-8000-000000000001', 'auth_expired', null,
                      '2026-11-25 10:05:00+00', 'alerts', 3) $$,
  '42501', null, 'anon cannot execute open_incident');
select throws_ok($$ select public.resolve_incidents('ae000000-0000-4000-8000-000000000001', '2026-11-25 10:05:00+00', 'alerts') $$,
  '42501', null, 'anon cannot execute resolve_incidents');
select throws_ok($$ select public.enqueue_incident_alert('alerts', '1c000000-0000-4000-8000-000000000001', 'incident_opened',
                      '2026-11-25 10:05:00+00', 'x') $$,
  '42501', null, 'anon cannot execute enqueue_incident_alert');

-- Team claims do not help anon.
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000002","role":"anon","app_metadata":{"role":"team"}}';
select throws_ok($$ select * from public.incidents $$, '42501', null, 'anon with team claims still cannot select incidents');
select throws_ok($$ select public.check_agents('2026-11-25 12:00:00+00', 'alerts', 6, interval '15 minutes') $$,
  '42501', null, 'anon with team claims still cannot execute check_agents');

------------------------------------------------------------------------------------------------
-- 2. Authenticated, but not a team member: sees nothing, changes nothing, calls nothing.
------------------------------------------------------------------------------------------------
set local role authenticated;
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000001","role":"authenticated","app_metadata":{}}';

select is((select count(*)::int from public.error_classes),             0, 'non-member sees 0 error_classes');
select is((select count(*)::int from public.agent_heartbeats),          0, 'non-member sees 0 agent_heartbeats');
select is((select count(*)::int from public.agent_status_flips),        0, 'non-member sees 0 agent_status_flips');
select is((select count(*)::int from public.agent_maintenance_windows), 0, 'non-member sees 0 agent_maintenance_windows');
select is((select count(*)::int from public.incidents),                 0, 'non-member sees 0 incidents');
select is((select count(*)::int from public.incident_events),           0, 'non-member sees 0 incident_events');
select is((select count(*)::int from public.agent_commands),            0, 'non-member sees 0 agent_commands');
select is((select count(*)::int from public.agents where status is not null), 0, 'non-member sees no agent status');

select throws_ok($$ insert into public.agent_maintenance_windows (agent_id, starts_at, ends_at)
                    values ('ae000000-0000-4000-8000-000000000001', now(), now() + interval '1 hour') $$,
  '42501', null, 'non-member cannot insert a maintenance window');
select is(pg_temp.affected($$ update public.agent_maintenance_windows set note = 'hijacked' $$), 0::bigint,
  'non-member update of agent_maintenance_windows affects 0 rows');
select is(pg_temp.affected($$ delete from public.agent_maintenance_windows $$), 0::bigint,
  'non-member delete from agent_maintenance_windows affects 0 rows');
select is(pg_temp.affected($$ update public.agents set snoozed_until = '2099-01-01', alert_after_errors = 100 $$), 0::bigint,
  'non-member cannot snooze an agent or change its alert threshold (0 rows)');
select is(pg_temp.affected($$ update public.agents set paused = true $$), 0::bigint, 'non-member cannot pause an agent (0 rows)');
select throws_ok($$ insert into public.incidents (agent_id, error_class, severity, opened_at, last_seen_at)
                    values ('ae000000-0000-4000-8000-000000000001', 'unknown', 'warning', now(), now()) $$,
  '42501', null, 'non-member cannot insert an incident');
select throws_ok($$ insert into public.agent_commands (agent_id, kind, requested_at, requested_by)
                    values ('ae000000-0000-4000-8000-000000000002', 'restart', now(), 'outsider') $$,
  '42501', null, 'non-member cannot insert an agent command');
select throws_ok($$ select public.ingest_heartbeat(encode(sha256('lsa_rls_one'::bytea), 'hex'), 'heartbeat', 'ok',
                      '2026-11-25 10:05:00+00', '1.0.0', 100, null, null, 0, 0, 0, null, null, null, 'alerts', 3) $$,
  '42501', null, 'non-member cannot execute ingest_heartbeat');
select throws_ok($$ select public.check_agents('2026-11-25 12:00:00+00', 'alerts', 6, interval '15 minutes') $$,
  '42501', null, 'non-member cannot execute check_agents');

------------------------------------------------------------------------------------------------
-- 3. Team member (row in team_members).
------------------------------------------------------------------------------------------------
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000002","role":"authenticated","app_metadata":{}}';

-- Reads
select is((select count(*) from public.error_classes), (select error_classes from seen_by_superuser),
  'member sees every error class');
select is((select title from public.error_classes where key = 'crash_loop'), 'Absturzschleife',
  'member can read an error class with its title');
select is((select count(*) from public.agent_heartbeats), (select heartbeats from seen_by_superuser), 'member sees agent_heartbeats');
select is((select count(*) from public.agent_status_flips), (select flips from seen_by_superuser), 'member sees agent_status_flips');
select is((select count(*) from public.incidents), (select incidents from seen_by_superuser), 'member sees incidents');
select is((select count(*) from public.incident_events), (select incident_events from seen_by_superuser), 'member sees incident_events');
select is((select count(*) from public.agent_commands), (select commands from seen_by_superuser), 'member sees agent_commands');
select is((select count(*) from public.agent_maintenance_windows), (select windows from seen_by_superuser),
  'member sees agent_maintenance_windows');
select results_eq(
  $$ select status::text, last_heartbeat_at, last_status::text, last_error_class, agent_version::text, consecutive_errors,
            alert_after_errors::int, snoozed_until, last_run_seconds, revoked_at, status_changed_at is not null
       from public.agents where id = 'ae000000-0000-4000-8000-000000000001' $$,
  $$ values ('up'::text, '2026-11-25 10:00:00+00'::timestamptz, 'ok'::text, null::text, '1.0.0'::text, 0,
             1, null::timestamptz, null::double precision, null::timestamptz, true) $$,
  'member can read the monitoring columns of agents (status, last_heartbeat_at, last_status, …)');
select throws_ok($$ select previous_key_hash from public.agents $$, '42501', null, 'member cannot select agents.previous_key_hash');
select throws_ok($$ select * from public.agents $$, '42501', null, 'member still cannot select * from agents (key hashes)');

-- Maintenance windows are the team's to manage.
select lives_ok($$ insert into public.agent_maintenance_windows (id, agent_id, starts_at, ends_at, note)
                   values ('3a000000-0000-4000-8000-000000000002', 'ae000000-0000-4000-8000-000000000002',
                           '2026-11-27 08:00:00+00', '2026-11-27 10:00:00+00', 'Umzug') $$,
  'member can insert a maintenance window');
select is(pg_temp.affected($$ update public.agent_maintenance_windows set ends_at = '2026-11-27 11:00:00+00'
                              where id = '3a000000-0000-4000-8000-000000000002' $$),
  1::bigint, 'member can update a maintenance window');
select is(pg_temp.affected($$ delete from public.agent_maintenance_windows where id = '3a000000-0000-4000-8000-000000000001' $$),
  1::bigint, 'member can delete a maintenance window');
select throws_ok($$ insert into public.agent_maintenance_windows (agent_id, starts_at, ends_at)
                    values ('ae000000-0000-4000-8000-000000000002', '2026-11-27 10:00:00+00', '2026-11-27 09:00:00+00') $$,
  '23514', null, 'a maintenance window must end after it starts');

-- Snooze, alert threshold, pause.
select is(pg_temp.affected($$ update public.agents set snoozed_until = '2026-11-25 18:00:00+00', alert_after_errors = 3
                              where id = 'ae000000-0000-4000-8000-000000000001' $$),
  1::bigint, 'member can snooze an agent and set alert_after_errors');
select results_eq(
  $$ select snoozed_until, alert_after_errors::int from public.agents where id = 'ae000000-0000-4000-8000-000000000001' $$,
  $$ values ('2026-11-25 18:00:00+00'::timestamptz, 3) $$,
  'the snooze and the threshold are stored');
select throws_ok($$ update public.agents set alert_after_errors = 0 where id = 'ae000000-0000-4000-8000-000000000001' $$,
  '23514', null, 'alert_after_errors must be at least 1');

-- Pausing sets the status and records a flip; unpausing sets it back (up after a heartbeat, new without one).
select is(pg_temp.affected($$ update public.agents set paused = true where id = 'ae000000-0000-4000-8000-000000000001' $$),
  1::bigint, 'member can pause an agent');
select is((select status::text from public.agents where id = 'ae000000-0000-4000-8000-000000000001'), 'paused',
  'pausing sets status paused');
select results_eq(
  $$ select from_status::text, to_status::text from public.agent_status_flips
      where agent_id = 'ae000000-0000-4000-8000-000000000001' order by id $$,
  $$ values ('new'::text, 'up'::text), ('up', 'paused') $$,
  'pausing recorded the flip up -> paused');
select is(pg_temp.affected($$ update public.agents set paused = false where id = 'ae000000-0000-4000-8000-000000000001' $$),
  1::bigint, 'member can unpause an agent');
select is((select status::text from public.agents where id = 'ae000000-0000-4000-8000-000000000001'), 'up',
  'unpausing an agent that has sent heartbeats sets status up');
select results_eq(
  $$ select from_status::text, to_status::text from public.agent_status_flips
      where agent_id = 'ae000000-0000-4000-8000-000000000001' order by id $$,
  $$ values ('new'::text, 'up'::text), ('up', 'paused'), ('paused', 'up') $$,
  'unpausing recorded the flip paused -> up');

select is(pg_temp.affected($$ update public.agents set paused = true where id = 'ae000000-0000-4000-8000-000000000002' $$),
  1::bigint, 'member can pause an agent without heartbeats');
select is((select status::text from public.agents where id = 'ae000000-0000-4000-8000-000000000002'), 'paused',
  'pausing an agent without heartbeats sets status paused');
select is(pg_temp.affected($$ update public.agents set paused = false where id = 'ae000000-0000-4000-8000-000000000002' $$),
  1::bigint, 'member can unpause an agent without heartbeats');
select is((select status::text from public.agents where id = 'ae000000-0000-4000-8000-000000000002'), 'new',
  'unpausing an agent without heartbeats sets status back to new');
select results_eq(
  $$ select from_status::text, to_status::text from public.agent_status_flips
      where agent_id = 'ae000000-0000-4000-8000-000000000002' order by id $$,
  $$ values ('new'::text, 'paused'::text), ('paused', 'new') $$,
  'pausing and unpausing the agent without heartbeats recorded new -> paused -> new');
select is(pg_temp.affected($$ update public.agents set paused = false where id = 'ae000000-0000-4000-8000-000000000002' $$),
  1::bigint, 'setting paused to its current value is allowed');
select is((select count(*)::int from public.agent_status_flips where agent_id = 'ae000000-0000-4000-8000-000000000002'), 2,
  'setting paused to its current value records no flip');

-- The status and the bookkeeping columns belong to the functions.
select throws_ok($$ update public.agents set status = 'up' where id = 'ae000000-0000-4000-8000-000000000002' $$,
  '42501', null, 'member cannot set agents.status directly');
select throws_ok($$ update public.agents set last_heartbeat_at = now() $$, '42501', null, 'member cannot update agents.last_heartbeat_at');
select throws_ok($$ update public.agents set consecutive_errors = 0 $$, '42501', null, 'member cannot update agents.consecutive_errors');
select throws_ok($$ update public.agents set last_error_class = null $$, '42501', null, 'member cannot update agents.last_error_class');
select throws_ok($$ update public.agents set revoked_at = now() $$, '42501', null, 'member cannot revoke an agent');
select throws_ok($$ update public.agents set previous_key_hash = repeat('0', 64) $$, '42501', null,
  'member cannot update agents.previous_key_hash');

-- Incidents, commands, heartbeats, flips, timelines and the taxonomy are written by the functions only.
select throws_ok($$ insert into public.incidents (agent_id, error_class, severity, opened_at, last_seen_at)
                    values ('ae000000-0000-4000-8000-000000000002', 'unknown', 'warning', now(), now()) $$,
  '42501', null, 'member cannot insert an incident');
select throws_ok($$ update public.incidents set status = 'acknowledged', acknowledged_at = now() $$,
  '42501', null, 'member cannot update incidents (acknowledging goes through the functions)');
select throws_ok($$ delete from public.incidents $$, '42501', null, 'member cannot delete incidents');
select throws_ok($$ insert into public.agent_commands (agent_id, kind, requested_at, requested_by)
                    values ('ae000000-0000-4000-8000-000000000002', 'restart', now(), 'member') $$,
  '42501', null, 'member cannot insert an agent command (restarts go through the functions)');
select throws_ok($$ update public.agent_commands set status = 'acknowledged', acknowledged_at = now() $$,
  '42501', null, 'member cannot update agent_commands');
select throws_ok($$ delete from public.agent_commands $$, '42501', null, 'member cannot delete agent_commands');
select throws_ok($$ insert into public.agent_heartbeats (agent_id, received_at, kind, status)
                    values ('ae000000-0000-4000-8000-000000000001', now(), 'heartbeat', 'ok') $$,
  '42501', null, 'member cannot insert a heartbeat');
select throws_ok($$ update public.agent_heartbeats set status = 'error' $$, '42501', null, 'member cannot update agent_heartbeats');
select throws_ok($$ delete from public.agent_heartbeats $$, '42501', null, 'member cannot delete agent_heartbeats');
select throws_ok($$ insert into public.agent_status_flips (agent_id, from_status, to_status, flipped_at)
                    values ('ae000000-0000-4000-8000-000000000001', 'up', 'down', now()) $$,
  '42501', null, 'member cannot insert a status flip');
select throws_ok($$ update public.agent_status_flips set to_status = 'down' $$, '42501', null, 'member cannot update agent_status_flips');
select throws_ok($$ delete from public.agent_status_flips $$, '42501', null, 'member cannot delete agent_status_flips');
select throws_ok($$ insert into public.incident_events (incident_id, at, kind)
                    values ('1c000000-0000-4000-8000-000000000001', now(), 'resolved') $$,
  '42501', null, 'member cannot insert an incident event');
select throws_ok($$ delete from public.incident_events $$, '42501', null, 'member cannot delete incident_events');
select throws_ok($$ insert into public.error_classes (key, severity, title) values ('team_class', 'info', 'x') $$,
  '42501', null, 'member cannot insert an error class');
select throws_ok($$ update public.error_classes set auto_restart = true $$, '42501', null, 'member cannot update error_classes');

-- The monitoring functions are for the functions' role only.
select throws_ok($$ select public.ingest_heartbeat(encode(sha256('lsa_rls_one'::bytea), 'hex'), 'heartbeat', 'ok',
                      '2026-11-25 10:05:00+00', '1.0.0', 100, null, null, 0, 0, 0, null, null, null, 'alerts', 3) $$,
  '42501', null, 'member cannot execute ingest_heartbeat');
select throws_ok($$ select public.check_agents('2026-11-25 12:00:00+00', 'alerts', 6, interval '15 minutes') $$,
  '42501', null, 'member cannot execute check_agents');
select throws_ok($$ select public.open_incident('ae000000-0000-4000-8000-000000000001', 'auth_expired', null,
                      '2026-11-25 10:05:00+00', 'alerts', 3) $$,
  '42501', null, 'member cannot execute open_incident');
select throws_ok($$ select public.resolve_incidents('ae000000-0000-4000-8000-000000000001', '2026-11-25 10:05:00+00', 'alerts') $$,
  '42501', null, 'member cannot execute resolve_incidents');
select throws_ok($$ select public.enqueue_incident_alert('alerts', '1c000000-0000-4000-8000-000000000001', 'incident_opened',
                      '2026-11-25 10:05:00+00', 'x') $$,
  '42501', null, 'member cannot execute enqueue_incident_alert');

-- Membership via app_metadata works the same way.
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000003","role":"authenticated","app_metadata":{"role":"team"}}';
select is((select count(*) from public.incidents), (select incidents from seen_by_superuser), 'app_metadata team user sees incidents');
select throws_ok($$ select public.check_agents('2026-11-25 12:00:00+00', 'alerts', 6, interval '15 minutes') $$,
  '42501', null, 'app_metadata team user cannot execute check_agents');

------------------------------------------------------------------------------------------------
-- 4. Privileges as the catalog records them (covers the trigger function and PUBLIC as well).
------------------------------------------------------------------------------------------------
reset role;
reset request.jwt.claims;

create temp table monitoring_functions (fn regprocedure primary key);
insert into monitoring_functions values
  ('public.ingest_heartbeat(text, text, text, timestamptz, text, bigint, text, text, bigint, bigint, integer, real, real, uuid[], text, integer, integer, bigint, double precision)'),
  ('public.ingest_heartbeats(jsonb, text, integer)'),
  ('public.check_agents(timestamptz, text, integer, interval)'),
  ('public.open_incident(uuid, text, text, timestamptz, text, integer)'),
  ('public.resolve_incidents(uuid, timestamptz, text)'),
  ('public.enqueue_incident_alert(text, uuid, text, timestamptz, text)');
grant select on monitoring_functions to public;

select is_empty(
  $$ select fn::text || ' / ' || r from monitoring_functions, unnest(array['anon', 'authenticated']) r
      where has_function_privilege(r, fn, 'EXECUTE') $$,
  'neither anon nor authenticated holds EXECUTE on any monitoring function');
select is_empty(
  $$ select fn::text from monitoring_functions f join pg_proc p on p.oid = f.fn
      where exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where a.grantee = 0) $$,
  'no monitoring function is executable by PUBLIC');
select is_empty(
  $$ select fn::text from monitoring_functions where not has_function_privilege('leitstand_functions', fn, 'EXECUTE') $$,
  'leitstand_functions holds EXECUTE on every monitoring function');
select ok(not has_function_privilege('anon', 'public.agents_status_bookkeeping()', 'EXECUTE')
          and not has_function_privilege('authenticated', 'public.agents_status_bookkeeping()', 'EXECUTE'),
  'anon and authenticated cannot execute the trigger function agents_status_bookkeeping()');
select is_empty(
  $$ select p.proname::text from monitoring_functions f join pg_proc p on p.oid = f.fn where p.prosecdef $$,
  'the monitoring functions run with the caller''s rights (no security definer)');

------------------------------------------------------------------------------------------------
-- 5. leitstand_functions (no JWT) calls ingest_heartbeat and check_agents.
------------------------------------------------------------------------------------------------
set local role leitstand_functions;
set local request.jwt.claims = '';

select is(public.ingest_heartbeat(encode(sha256('lsa_rls_two'::bytea), 'hex'), 'heartbeat', 'ok', '2026-11-25 10:05:00+00',
            '1.0.0', 100, null, null, 0, 0, 0, null, null, null, 'alerts', 3) ->> 'result',
  'accepted', 'leitstand_functions can execute ingest_heartbeat');
select is((select status::text from public.agents where id = 'ae000000-0000-4000-8000-000000000002'), 'up',
  'the heartbeat moved the agent to up');
select lives_ok($$ select public.check_agents('2026-11-25 10:06:00+00', 'alerts', 6, interval '15 minutes') $$,
  'leitstand_functions can execute check_agents');
select is((select count(*)::int from public.agent_heartbeats where agent_id = 'ae000000-0000-4000-8000-000000000002'), 1,
  'leitstand_functions can read the heartbeat it wrote');
select throws_ok($$ insert into public.agent_maintenance_windows (agent_id, starts_at, ends_at)
                    values ('ae000000-0000-4000-8000-000000000001', now(), now() + interval '1 hour') $$,
  '42501', null, 'leitstand_functions cannot write maintenance windows (the team''s)');
select throws_ok($$ insert into public.error_classes (key, severity, title) values ('functions_class', 'info', 'x') $$,
  '42501', null, 'leitstand_functions cannot change the error classes');

------------------------------------------------------------------------------------------------
-- 6. Back to the superuser: nothing forged.
------------------------------------------------------------------------------------------------
reset role;
reset request.jwt.claims;
select is((select count(*) from public.error_classes), (select error_classes from seen_by_superuser), 'error_classes unchanged');
select is((select count(*) from public.incidents), (select incidents from seen_by_superuser), 'no incident was added or removed');
select is((select count(*) from public.agent_commands), (select commands from seen_by_superuser), 'no agent command was added or removed');
select is((select status::text from public.incidents where id = '1c000000-0000-4000-8000-000000000001'), 'open',
  'the fixture incident is still open');
select is((select count(*)::int from public.agent_heartbeats where agent_id = 'ae000000-0000-4000-8000-000000000001'), 1,
  'no heartbeat was forged for Agent Eins');

select * from finish();
rollback;
