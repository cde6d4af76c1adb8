-- Workflow check-ins (20261207170000_workflow_checkins.sql): agent_workflows is read by team members only and written
-- by the functions; anon and non-members see nothing and call nothing; submitted onboarding answers give every agent of
-- the lead its workflows; a failed run opens a workflow incident that a heartbeat does not resolve and an ok run does.
begin;
create extension if not exists pgtap;
select plan(18);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000281', 'outsider28@example.com'),
  ('a0000000-0000-4000-8000-000000000282', 'member28@example.com');
insert into public.team_members (user_id, display_name) values ('a0000000-0000-4000-8000-000000000282', 'Member');
insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000281', 'Wilma Workflow', 'wilma28@example.com', now(), 'v1', 'https://example.com/kontakt');
insert into public.onboarding_answers (lead_id, template_version, state, submitted_at, answers) values
  ('b0000000-0000-4000-8000-000000000281', 1, 'submitted', now(),
   '{"workflows": [{"name": "Angebote schreiben", "schedule": "0 9 * * 1-5", "timezone": "Europe/Berlin"}, {"name": "Posteingang", "interval": "PT15M"}]}');
insert into public.agents (id, lead_id, name, key_hash, key_prefix) values
  ('ae000000-0000-4000-8000-000000000281', 'b0000000-0000-4000-8000-000000000281', 'Agent',
   encode(sha256('fixture-key-28'::bytea), 'hex'), 'lsk_fx28');

select is((select array_agg(key order by key) from public.agent_workflows where agent_id = 'ae000000-0000-4000-8000-000000000281'),
  array['angebote-schreiben', 'posteingang'], 'the agent watches the onboarding''s workflows');
select is((select run_interval from public.agent_workflows where agent_id = 'ae000000-0000-4000-8000-000000000281' and key = 'posteingang'),
  interval '15 minutes', 'an ISO 8601 interval becomes the run interval');

-- anon
set local role anon;
set local request.jwt.claims = '{"role":"anon"}';
select throws_ok($$ select * from public.agent_workflows $$, '42501', null, 'anon cannot select agent_workflows');
select throws_ok($$ update public.agent_workflows set grace = interval '1 hour' $$, '42501', null, 'anon cannot update agent_workflows');
select throws_ok($$ select public.workflow_checkin('x', 'x', 'ok', null, null, null, null, null, now(), 'alerts', 20) $$,
  '42501', null, 'anon cannot call workflow_checkin');

-- authenticated, not a member
set local role authenticated;
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000281","role":"authenticated","app_metadata":{}}';
select is((select count(*)::int from public.agent_workflows), 0, 'a non-member sees no workflows');
select throws_ok($$ select public.check_workflows(now(), '{}', '{}', '{}', 'alerts') $$, '42501', null, 'a non-member cannot call check_workflows');

-- a member reads, but does not write
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000282","role":"authenticated","app_metadata":{}}';
select is((select count(*)::int from public.agent_workflows where agent_id = 'ae000000-0000-4000-8000-000000000281'), 2, 'a member sees the agent''s workflows');
select throws_ok($$ update public.agent_workflows set grace = interval '1 hour' $$, '42501', null, 'a member cannot update agent_workflows');
select throws_ok($$ insert into public.agent_workflows (agent_id, key, name, run_interval, origin, created_at)
                    values ('ae000000-0000-4000-8000-000000000281', 'x', 'x', interval '1 hour', 'client', now()) $$,
  '42501', null, 'a member cannot insert into agent_workflows');
select throws_ok($$ delete from public.agent_workflows $$, '42501', null, 'a member cannot delete from agent_workflows');
select throws_ok($$ select public.workflow_checkin('x', 'x', 'ok', null, null, null, null, null, now(), 'alerts', 20) $$,
  '42501', null, 'a member cannot call workflow_checkin');

-- the functions' role checks in
set local role leitstand_functions;
set local request.jwt.claims = '';
select is(public.workflow_checkin(encode(sha256('fixture-key-28'::bytea), 'hex'), 'posteingang', 'error', null, 3, 'HTTP_503', null, null,
            now(), 'alerts', 20)->>'result', 'accepted', 'the functions record a failed run');
select is((select count(*)::int from public.incidents i join public.agent_workflows w on w.id = i.workflow_id
           where w.key = 'posteingang' and i.error_class = 'workflow_failed' and i.status = 'open'), 1, 'a failed run opens workflow_failed');
select is(public.ingest_heartbeat(encode(sha256('fixture-key-28'::bytea), 'hex'), 'heartbeat', 'ok', now(), null, null, null, null, null, null, null,
            null, null, '{}', 'alerts', 3)->>'result', 'accepted', 'a healthy heartbeat is accepted');
select is((select count(*)::int from public.incidents where agent_id = 'ae000000-0000-4000-8000-000000000281' and status = 'open'), 1,
  'a healthy heartbeat leaves the workflow''s incident open');
select is(jsonb_array_length(public.workflow_checkin(encode(sha256('fixture-key-28'::bytea), 'hex'), 'posteingang', 'ok', null, 2, null, null, null,
            now(), 'alerts', 20)->'alerts'), 1, 'an ok run sends one alert');
select is((select count(*)::int from public.incidents where agent_id = 'ae000000-0000-4000-8000-000000000281' and status = 'open'), 0,
  'an ok run resolves the workflow''s incident');

select * from finish();
rollback;
