-- Access to the tables of the pipeline migration (20261125101000_pipeline_rules.sql):
-- anon: nothing. Authenticated non-member: nothing. Team member: reads the rules, the events, the
-- playbooks and the agents (without key_hash), edits playbooks, never writes events or rules, never
-- touches key handovers. leitstand_functions: processes events, creates agents and key handovers.
begin;
create extension if not exists pgtap;
select plan(90);

-- Fixtures, written as the superuser.
insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000001', 'outsider@example.com'),
  ('a0000000-0000-4000-8000-000000000002', 'member@example.com');
insert into public.team_members (user_id, display_name) values
  ('a0000000-0000-4000-8000-000000000002', 'Member');
insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000001', 'Erika Muster', 'erika@example.com', now(), 'v1', 'https://example.com/kontakt');
-- A real stage change writes the pipeline event (and a history row).
update public.leads set stage = 'CONTACTED' where id = 'b0000000-0000-4000-8000-000000000001';
insert into public.deals (id, lead_id, package, amount_cents) values
  ('c0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'SETUP', 149000);
insert into public.playbooks (key, trigger_stage, title, description, document) values
  ('pgtap_fixture', 'CONTACTED', 'Fixture', 'Fixture playbook', 'pgtap/fixture.md');
insert into public.playbook_steps (playbook_key, step, kind, title, body, due_after) values
  ('pgtap_fixture', 1, 'follow_up', 'Nachfassen bei {vorname}', 'Hallo {vorname}', interval '2 days');
insert into public.agents (id, lead_id, deal_id, name, key_hash, key_prefix) values
  ('ae000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001',
   'c0000000-0000-4000-8000-000000000001', 'Agent Eins', encode(sha256('fixture-key-1'::bytea), 'hex'), 'lsk_one1');
insert into public.agent_key_handovers (agent_id, key_ciphertext, created_at, expires_at) values   -- already expired
  ('ae000000-0000-4000-8000-000000000001', '\x00010203'::bytea, now() - interval '15 days', now() - interval '1 day');

-- What the superuser sees, for comparison with what the roles see (playbook template rows from a later
-- migration may exist besides the fixture). Readable by every role; dropped by the rollback.
create temp table seen_by_superuser as select
  (select count(*) from public.lead_stage_transitions) as transitions,
  (select count(*) from public.pipeline_events)        as events,
  (select count(*) from public.playbooks)              as playbooks,
  (select count(*) from public.playbook_steps)         as steps,
  (select count(*) from public.agents)                 as agents,
  (select count(*) from public.agent_key_handovers)    as handovers;
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

-- Preconditions: every new table holds rows, so "sees 0 rows" means something.
select ok((select transitions > 0 and events = 1 and playbooks >= 1 and steps >= 1 and agents = 1 and handovers = 1
             from seen_by_superuser),
  'fixtures: every pipeline table holds rows (one event from the stage change)');

------------------------------------------------------------------------------------------------
-- 1. anon: every statement on every pipeline table fails with 42501.
------------------------------------------------------------------------------------------------
set local role anon;
set local request.jwt.claims = '{"role":"anon"}';

select throws_ok($$ select * from public.lead_stage_transitions $$, '42501', null, 'anon cannot select lead_stage_transitions');
select throws_ok($$ insert into public.lead_stage_transitions (from_stage, to_stage, meaning) values ('WON', 'NEW', 'x') $$,
  '42501', null, 'anon cannot insert into lead_stage_transitions');
select throws_ok($$ update public.lead_stage_transitions set meaning = 'x' $$, '42501', null, 'anon cannot update lead_stage_transitions');
select throws_ok($$ delete from public.lead_stage_transitions $$, '42501', null, 'anon cannot delete from lead_stage_transitions');

select throws_ok($$ select * from public.pipeline_events $$, '42501', null, 'anon cannot select pipeline_events');
select throws_ok($$ insert into public.pipeline_events (lead_id, to_stage, changed_by)
                    values ('b0000000-0000-4000-8000-000000000001', 'WON', 'anon') $$,
  '42501', null, 'anon cannot insert into pipeline_events');
select throws_ok($$ update public.pipeline_events set processed_at = now() $$, '42501', null, 'anon cannot update pipeline_events');
select throws_ok($$ delete from public.pipeline_events $$, '42501', null, 'anon cannot delete from pipeline_events');

select throws_ok($$ select * from public.playbooks $$, '42501', null, 'anon cannot select playbooks');
select throws_ok($$ insert into public.playbooks (key, trigger_stage, title, description, document)
                    values ('anon_book', 'NEW', 'x', 'x', 'x.md') $$,
  '42501', null, 'anon cannot insert into playbooks');
select throws_ok($$ update public.playbooks set title = 'x' $$, '42501', null, 'anon cannot update playbooks');
select throws_ok($$ delete from public.playbooks $$, '42501', null, 'anon cannot delete from playbooks');

select throws_ok($$ select * from public.playbook_steps $$, '42501', null, 'anon cannot select playbook_steps');
select throws_ok($$ insert into public.playbook_steps (playbook_key, step, kind, title, body, due_after)
                    values ('pgtap_fixture', 2, 'x', 'x', 'x', interval '1 day') $$,
  '42501', null, 'anon cannot insert into playbook_steps');
select throws_ok($$ update public.playbook_steps set body = 'x' $$, '42501', null, 'anon cannot update playbook_steps');
select throws_ok($$ delete from public.playbook_steps $$, '42501', null, 'anon cannot delete from playbook_steps');

select throws_ok($$ select name from public.agents $$, '42501', null, 'anon cannot select agents');
select throws_ok($$ insert into public.agents (lead_id, name, key_hash, key_prefix)
                    values ('b0000000-0000-4000-8000-000000000001', 'x', repeat('a', 64), 'lsk_anon') $$,
  '42501', null, 'anon cannot insert into agents');
select throws_ok($$ update public.agents set paused = true $$, '42501', null, 'anon cannot update agents');
select throws_ok($$ delete from public.agents $$, '42501', null, 'anon cannot delete from agents');

select throws_ok($$ select * from public.agent_key_handovers $$, '42501', null, 'anon cannot select agent_key_handovers');
select throws_ok($$ insert into public.agent_key_handovers (agent_id, key_ciphertext)
                    values ('ae000000-0000-4000-8000-000000000001', '\x00'::bytea) $$,
  '42501', null, 'anon cannot insert into agent_key_handovers');
select throws_ok($$ update public.agent_key_handovers set expires_at = now() $$, '42501', null, 'anon cannot update agent_key_handovers');
select throws_ok($$ delete from public.agent_key_handovers $$, '42501', null, 'anon cannot delete from agent_key_handovers');

-- Team claims do not help anon.
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000002","role":"anon","app_metadata":{"role":"team"}}';
select throws_ok($$ select * from public.pipeline_events $$, '42501', null, 'anon with team claims still cannot select pipeline_events');

------------------------------------------------------------------------------------------------
-- 2. Authenticated, but not a team member: sees nothing, changes nothing.
------------------------------------------------------------------------------------------------
set local role authenticated;
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000001","role":"authenticated","app_metadata":{}}';

select is((select count(*)::int from public.lead_stage_transitions), 0, 'non-member sees 0 lead_stage_transitions');
select is((select count(*)::int from public.pipeline_events),        0, 'non-member sees 0 pipeline_events');
select is((select count(*)::int from public.playbooks),              0, 'non-member sees 0 playbooks');
select is((select count(*)::int from public.playbook_steps),         0, 'non-member sees 0 playbook_steps');
select is((select count(*)::int from public.agents),                 0, 'non-member sees 0 agents');
select throws_ok($$ select * from public.agent_key_handovers $$, '42501', null, 'non-member cannot select agent_key_handovers');
select throws_ok($$ insert into public.playbooks (key, trigger_stage, title, description, document)
                    values ('outsider_book', 'NEW', 'x', 'x', 'x.md') $$,
  '42501', null, 'non-member cannot insert a playbook');
select is(pg_temp.affected($$ update public.playbooks set title = 'hijacked' $$), 0::bigint, 'non-member update of playbooks affects 0 rows');
select is(pg_temp.affected($$ delete from public.playbook_steps $$),             0::bigint, 'non-member delete from playbook_steps affects 0 rows');
select is(pg_temp.affected($$ update public.agents set paused = true $$),        0::bigint, 'non-member update of agents affects 0 rows');

------------------------------------------------------------------------------------------------
-- 3. Team member (row in team_members).
------------------------------------------------------------------------------------------------
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000002","role":"authenticated","app_metadata":{}}';

-- Reads
select is((select count(*) from public.lead_stage_transitions), (select transitions from seen_by_superuser),
  'member sees every lead_stage_transitions row');
select is((select count(*) from public.pipeline_events), (select events from seen_by_superuser),
  'member sees pipeline_events');
select is((select count(*) from public.playbooks), (select playbooks from seen_by_superuser), 'member sees every playbook');
select is((select count(*) from public.playbook_steps), (select steps from seen_by_superuser), 'member sees every playbook step');
select is((select name from public.agents where id = 'ae000000-0000-4000-8000-000000000001'), 'Agent Eins',
  'member can select agents.name');
select is((select key_prefix from public.agents where id = 'ae000000-0000-4000-8000-000000000001'), 'lsk_one1',
  'member can select agents.key_prefix');
select throws_ok($$ select key_hash from public.agents $$, '42501', null, 'member cannot select agents.key_hash');
select throws_ok($$ select * from public.agents $$, '42501', null, 'member cannot select * from agents (it includes key_hash)');
select throws_ok($$ select id from public.agents where key_hash = repeat('0', 64) $$, '42501', null,
  'member cannot filter agents by key_hash either');

-- Playbooks are data the team edits.
select lives_ok($$ insert into public.playbooks (key, trigger_stage, title, description, document, position)
                   values ('member_book', 'QUALIFIED', 'Qualifizierung', 'Skript', 'vorlagen/qualifizierung.md', 5) $$,
  'member can insert a playbook');
select lives_ok($$ insert into public.playbook_steps (playbook_key, step, kind, title, body, due_after)
                   values ('member_book', 1, 'call', 'Anruf {name}', 'Leitfaden', interval '1 day') $$,
  'member can insert a playbook step');
select is(pg_temp.affected($$ update public.playbooks set title = 'Fixture (bearbeitet)' where key = 'pgtap_fixture' $$),
  1::bigint, 'member can update a playbook');
select is(pg_temp.affected($$ update public.playbook_steps set body = 'Hallo {vorname}, kurze Nachfrage'
                              where playbook_key = 'pgtap_fixture' and step = 1 $$),
  1::bigint, 'member can update a playbook step');
select is(pg_temp.affected($$ delete from public.playbook_steps where playbook_key = 'member_book' $$),
  1::bigint, 'member can delete a playbook step');
select is(pg_temp.affected($$ delete from public.playbooks where key = 'member_book' $$),
  1::bigint, 'member can delete a playbook');

-- Events and rules are written by the database only.
select throws_ok($$ insert into public.pipeline_events (lead_id, from_stage, to_stage, changed_by)
                    values ('b0000000-0000-4000-8000-000000000001', 'CALL_BOOKED', 'WON', 'forged') $$,
  '42501', null, 'member cannot insert into pipeline_events');
select throws_ok($$ update public.pipeline_events set processed_at = now() $$, '42501', null, 'member cannot update pipeline_events');
select throws_ok($$ delete from public.pipeline_events $$, '42501', null, 'member cannot delete from pipeline_events');
select throws_ok($$ insert into public.lead_stage_transitions (from_stage, to_stage, meaning) values ('NEW', 'WON', 'Abkürzung') $$,
  '42501', null, 'member cannot insert into lead_stage_transitions');
select throws_ok($$ update public.lead_stage_transitions set to_stage = 'WON' where from_stage = 'NEW' and to_stage = 'CONTACTED' $$,
  '42501', null, 'member cannot update lead_stage_transitions');
select throws_ok($$ delete from public.lead_stage_transitions $$, '42501', null, 'member cannot delete from lead_stage_transitions');

-- A stage change by the member still writes its event (the trigger writes it, not the member).
select is(pg_temp.affected($$ update public.leads set stage = 'REPLIED' where id = 'b0000000-0000-4000-8000-000000000001' $$),
  1::bigint, 'member can change the stage of a lead');
select results_eq(
  $$ select from_stage::text, to_stage::text, changed_by, processed_at is null from public.pipeline_events
      where lead_id = 'b0000000-0000-4000-8000-000000000001' order by id $$,
  $$ values ('NEW'::text, 'CONTACTED'::text, session_user::text collate "default", true),
            ('CONTACTED', 'REPLIED', 'a0000000-0000-4000-8000-000000000002', true) $$,
  'the member''s stage change wrote a pending pipeline event attributed to the member');

-- Agents: readable and adjustable without the key; created only by the functions.
select is(pg_temp.affected($$ update public.agents set paused = true, name = 'Agent 1' where id = 'ae000000-0000-4000-8000-000000000001' $$),
  1::bigint, 'member can pause and rename an agent');
select throws_ok($$ update public.agents set key_hash = repeat('0', 64) $$, '42501', null, 'member cannot update agents.key_hash');
select throws_ok($$ insert into public.agents (lead_id, name, key_hash, key_prefix)
                    values ('b0000000-0000-4000-8000-000000000001', 'x', repeat('b', 64), 'lsk_memb') $$,
  '42501', null, 'member cannot insert an agent');
select throws_ok($$ delete from public.agents $$, '42501', null, 'member cannot delete an agent');

-- Key handovers leave only through the functions.
select throws_ok($$ select agent_id from public.agent_key_handovers $$, '42501', null, 'member cannot select agent_key_handovers');
select throws_ok($$ select count(*) from public.agent_key_handovers $$, '42501', null, 'member cannot even count agent_key_handovers');
select throws_ok($$ insert into public.agent_key_handovers (agent_id, key_ciphertext)
                    values ('ae000000-0000-4000-8000-000000000001', '\x00'::bytea) $$,
  '42501', null, 'member cannot insert into agent_key_handovers');
select throws_ok($$ delete from public.agent_key_handovers $$, '42501', null, 'member cannot delete from agent_key_handovers');

-- Membership via app_metadata works the same way.
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000003","role":"authenticated","app_metadata":{"role":"team"}}';
select is((select count(*)::int from public.pipeline_events), 2, 'app_metadata team user sees pipeline_events');
select throws_ok($$ select key_hash from public.agents $$, '42501', null, 'app_metadata team user cannot select agents.key_hash');

------------------------------------------------------------------------------------------------
-- 4. leitstand_functions (no JWT).
------------------------------------------------------------------------------------------------
set local role leitstand_functions;
set local request.jwt.claims = '';

select is((select count(*)::int from public.pipeline_events where processed_at is null), 2,
  'functions can select pending pipeline_events');
select is(pg_temp.affected($$ update public.pipeline_events set attempts = attempts + 1, last_error = 'queue down'
                              where lead_id = 'b0000000-0000-4000-8000-000000000001' and to_stage = 'CONTACTED' $$),
  1::bigint, 'functions can record a failed attempt on a pipeline event');
select is(pg_temp.affected($$ update public.pipeline_events set processed_at = now(), last_error = null
                              where processed_at is null $$),
  2::bigint, 'functions can mark pipeline events as processed');
select throws_ok($$ insert into public.pipeline_events (lead_id, to_stage, changed_by)
                    values ('b0000000-0000-4000-8000-000000000001', 'WON', 'forged') $$,
  '42501', null, 'functions cannot insert pipeline events directly');
select throws_ok($$ delete from public.pipeline_events $$, '42501', null, 'functions cannot delete pipeline events');

select is((select count(*) from public.lead_stage_transitions), (select transitions from seen_by_superuser),
  'functions can read lead_stage_transitions');
select throws_ok($$ delete from public.lead_stage_transitions $$, '42501', null, 'functions cannot change lead_stage_transitions');
select ok((select count(*) > 0 from public.playbooks p join public.playbook_steps s on s.playbook_key = p.key),
  'functions can read playbooks with their steps');
select throws_ok($$ update public.playbooks set title = 'x' $$, '42501', null, 'functions cannot edit playbooks');

select lives_ok($$ insert into public.agents (id, lead_id, name, key_hash, key_prefix)
                   values ('ae000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000001', 'Agent Zwei',
                           encode(sha256('fixture-key-2'::bytea), 'hex'), 'lsk_two2') $$,
  'functions can insert an agent');
select is((select id from public.agents where key_hash = encode(sha256('fixture-key-2'::bytea), 'hex')),
  'ae000000-0000-4000-8000-000000000002'::uuid, 'functions can look an agent up by key_hash');
select lives_ok($$ insert into public.agent_key_handovers (agent_id, key_ciphertext)
                   values ('ae000000-0000-4000-8000-000000000002', '\x0a0b0c'::bytea) $$,
  'functions can insert a key handover');
select is((select key_ciphertext from public.agent_key_handovers where agent_id = 'ae000000-0000-4000-8000-000000000002'),
  '\x0a0b0c'::bytea, 'functions can read a key handover');
select is(pg_temp.affected($$ delete from public.agent_key_handovers where agent_id = 'ae000000-0000-4000-8000-000000000002' $$),
  1::bigint, 'functions can delete a key handover once shown');
select is(pg_temp.affected($$ delete from public.agent_key_handovers where expires_at < now() $$),
  1::bigint, 'functions can delete expired key handovers');

------------------------------------------------------------------------------------------------
-- 5. Back to the superuser: nothing forged, nothing lost.
------------------------------------------------------------------------------------------------
reset role;
reset request.jwt.claims;
select is((select count(*) from public.lead_stage_transitions), (select transitions from seen_by_superuser),
  'lead_stage_transitions unchanged');
select is((select count(*)::int from public.pipeline_events where changed_by = 'forged'), 0, 'no forged pipeline event exists');
select is((select count(*)::int from public.pipeline_events), 2, 'exactly the two events of the two stage changes exist');
select is((select title from public.playbooks where key = 'pgtap_fixture'), 'Fixture (bearbeitet)',
  'the member''s playbook edit is stored; the non-member''s is not');
select is((select key_hash::text from public.agents where id = 'ae000000-0000-4000-8000-000000000001'),
  encode(sha256('fixture-key-1'::bytea), 'hex'), 'the agent''s key_hash is unchanged');
select is((select count(*)::int from public.agent_key_handovers), 0, 'both key handovers were deleted by the functions');

select * from finish();
rollback;
