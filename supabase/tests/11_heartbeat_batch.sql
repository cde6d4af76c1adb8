-- 20261125125500_heartbeat_fast_path.sql: a batch of heartbeats in one call, the agents' rules as domains,
-- heartbeats deleted with their agent (no foreign key on the busiest table any more).
begin;
create extension if not exists pgtap;
select plan(17);
set local timezone = 'UTC';

insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b1000000-0000-4000-8000-000000000001', 'Erika Muster', 'erika.batch@example.com', now(), 'v1', 'pgtap'),
  ('b1000000-0000-4000-8000-000000000002', 'Max Muster', 'max.batch@example.com', now(), 'v1', 'pgtap');
insert into public.agents (id, lead_id, name, key_hash, key_prefix, paused) values
  ('ab000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000001', 'Eins', encode(sha256('lsa_b_one'::bytea), 'hex'), 'lsa_b_on', false),
  ('ab000000-0000-4000-8000-000000000002', 'b1000000-0000-4000-8000-000000000001', 'Zwei', encode(sha256('lsa_b_two'::bytea), 'hex'), 'lsa_b_tw', true),
  ('ab000000-0000-4000-8000-000000000003', 'b1000000-0000-4000-8000-000000000002', 'Drei', encode(sha256('lsa_b_three'::bytea), 'hex'), 'lsa_b_th', false);

set local role leitstand_functions;
set local request.jwt.claims = '';

------------------------------------------------------------------------------------------------
-- 1. A batch: answers in the order of the items; the same agent twice is applied in order.
------------------------------------------------------------------------------------------------
create temp table answers as
select public.ingest_heartbeats(jsonb_build_array(
  jsonb_build_object('key_hash', encode(sha256('lsa_b_one'::bytea), 'hex'), 'kind', 'heartbeat', 'status', 'error',
                     'at', '2026-11-25 10:00:00+00', 'error_class', 'upstream_down', 'error_code', 'HTTP_503'),
  jsonb_build_object('key_hash', encode(sha256('lsa_unknown'::bytea), 'hex'), 'kind', 'heartbeat', 'at', '2026-11-25 10:00:00+00'),
  jsonb_build_object('key_hash', encode(sha256('lsa_b_two'::bytea), 'hex'), 'kind', 'start', 'at', '2026-11-25 10:00:00+00'),
  jsonb_build_object('key_hash', encode(sha256('lsa_b_one'::bytea), 'hex'), 'kind', 'heartbeat', 'status', 'error',
                     'at', '2026-11-25 10:00:01+00', 'error_class', 'upstream_down', 'version', '2.0.0', 'messages', 7,
                     'queue_depth', 3, 'p50', 12.5, 'p95', 40, 'ack', jsonb_build_array('0b000000-0000-4000-8000-000000000009'))
), 'alerts', 3) as body;

select is((select jsonb_array_length(body) from answers), 4, 'one answer per item');
select is((select array_agg(a ->> 'result' order by n) from answers, jsonb_array_elements(body) with ordinality as e(a, n)),
  array['accepted', 'unknown', 'paused', 'accepted'], 'answers in the order of the items: accepted, unknown, paused, accepted');
select is((select jsonb_array_length(body -> 0 -> 'alerts') + jsonb_array_length(body -> 3 -> 'alerts') from answers), 1,
  'the first error opens the incident (one alert), the second counts an occurrence');
select results_eq(
  $$ select kind::text, status::text, received_at, agent_version, messages_handled, queue_depth, latency_p50_ms
       from public.agent_heartbeats where agent_id = 'ab000000-0000-4000-8000-000000000001' order by received_at $$,
  $$ values ('heartbeat', 'error', '2026-11-25 10:00:00+00'::timestamptz, null::text, null::bigint, null::integer, null::real),
            ('heartbeat', 'error', '2026-11-25 10:00:01+00'::timestamptz, '2.0.0', 7::bigint, 3, 12.5::real) $$,
  'both heartbeats of the same agent are stored with their fields');
select results_eq(
  $$ select status::text, consecutive_errors, agent_version::text from public.agents where id = 'ab000000-0000-4000-8000-000000000001' $$,
  $$ values ('up'::text, 2, '2.0.0'::text) $$,
  'the agent counts two consecutive errors, in order');
select results_eq(
  $$ select occurrences from public.incidents where agent_id = 'ab000000-0000-4000-8000-000000000001' $$,
  $$ values (2) $$, 'one incident, two occurrences');
select results_eq(
  $$ select status::text, run_started_at from public.agents where id = 'ab000000-0000-4000-8000-000000000002' $$,
  $$ values ('paused'::text, '2026-11-25 10:00:00+00'::timestamptz) $$,
  'a paused agent in the batch is recorded, stays paused');

select is(public.ingest_heartbeats('[]'::jsonb, 'alerts', 3), '[]'::jsonb, 'an empty batch answers an empty array');
select throws_ok($$ select public.ingest_heartbeats('{"key_hash": "x"}'::jsonb, 'alerts', 3) $$,
  '22023', null, 'a batch must be a JSON array');
select throws_ok($$ select public.ingest_heartbeats(jsonb_build_array(jsonb_build_object(
    'key_hash', encode(sha256('lsa_b_three'::bytea), 'hex'), 'kind', 'gossip', 'at', '2026-11-25 10:00:00+00')), 'alerts', 3) $$,
  '22P02', null, 'an unknown heartbeat kind is refused by the enum');

------------------------------------------------------------------------------------------------
-- 2. The agents' rules (now domains) still hold.
------------------------------------------------------------------------------------------------
reset role;
select throws_ok($$ update public.agents set name = '' where id = 'ab000000-0000-4000-8000-000000000003' $$,
  '23514', null, 'an empty agent name is refused');
select throws_ok($$ update public.agents set key_hash = 'not-a-hash' where id = 'ab000000-0000-4000-8000-000000000003' $$,
  '23514', null, 'a key hash must be 64 hex digits');
select throws_ok($$ update public.agents set expected_interval = interval '5 seconds' where id = 'ab000000-0000-4000-8000-000000000003' $$,
  '23514', null, 'an interval under 10 seconds is refused');
select throws_ok($$ update public.agents set agent_version = repeat('9', 33) where id = 'ab000000-0000-4000-8000-000000000003' $$,
  '23514', null, 'an agent version over 32 characters is refused');

------------------------------------------------------------------------------------------------
-- 3. Heartbeats go with their agent: deleted directly, or with the lead (retention of LOST leads).
------------------------------------------------------------------------------------------------
set local role leitstand_functions;
select is(public.ingest_heartbeats(jsonb_build_array(jsonb_build_object('key_hash', encode(sha256('lsa_b_three'::bytea), 'hex'),
  'kind', 'heartbeat', 'at', '2026-11-25 10:00:00+00')), 'alerts', 3) -> 0 ->> 'result', 'accepted', 'the third agent reports');
reset role;
delete from public.agents where id = 'ab000000-0000-4000-8000-000000000001';
select is((select count(*)::int from public.agent_heartbeats where agent_id = 'ab000000-0000-4000-8000-000000000001'), 0,
  'deleting an agent deletes its heartbeats');
delete from public.leads where id = 'b1000000-0000-4000-8000-000000000002';
select is((select count(*)::int from public.agent_heartbeats where agent_id = 'ab000000-0000-4000-8000-000000000003'), 0,
  'deleting a lead deletes its agents'' heartbeats');

select * from finish();
rollback;
