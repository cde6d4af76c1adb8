-- The catalogues (public.lead_stages, public.alert_kinds): team members and the functions read them, nobody
-- writes them through the API (a change is a migration), anon gets nothing. The rules that read them: stage
-- labels, alert links, severities and subject types, the runbook of an error class.
begin;
create extension if not exists pgtap;
select plan(23);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000201', 'outsider20@example.com'),
  ('a0000000-0000-4000-8000-000000000202', 'member20@example.com');
insert into public.team_members (user_id, display_name) values
  ('a0000000-0000-4000-8000-000000000202', 'Member');

-- The catalogues are complete.
select is((select array_agg(code order by position) from public.lead_stages), enum_range(null::public.lead_stage),
  'one stage row per value of lead_stage, in the enum''s order');
select is(public.lead_stage_label('CALL_BOOKED'), 'Call gebucht', 'lead_stage_label reads the catalogue');
select is(public.alert_link('incident_opened', 'c0000000-0000-4000-8000-000000000201'), '#/incidents/c0000000-0000-4000-8000-000000000201',
  'alert_link fills the kind''s route with the subject');
select is(public.alert_link('kpi_weekly', null), '#/zahlen', 'a route without a subject is the route itself');
select is((select runbook from public.error_classes where key = 'resource_exhausted'), 'docs/runbooks/resource-exhausted.md',
  'an error class knows its runbook');
select throws_ok($$ insert into public.alert_routes (kind, channels) values ('no_such_kind', '{slack}') $$, '23503', null,
  'a route names a kind of the catalogue');
select lives_ok($$ insert into public.alert_routes (kind, min_severity, channels) values ('*', 'critical', '{email}') $$,
  'or every kind ("*")');
select throws_ok($$ insert into public.alerts (id, kind, severity, dedupe_key, subject_type, title, body, link, occurred_at)
  values (gen_random_uuid(), 'no_such_kind', 'info', 'pgtap:catalogue', 'team', 'x', 'x', '#/heute', now()) $$, '23503', null,
  'an alert names a kind of the catalogue');

-- anon
set local role anon;
set local request.jwt.claims = '{"role":"anon"}';
select throws_ok($$ select * from public.lead_stages $$, '42501', null, 'anon cannot select lead_stages');
select throws_ok($$ select * from public.alert_kinds $$, '42501', null, 'anon cannot select alert_kinds');
select throws_ok($$ update public.lead_stages set label = 'x' $$, '42501', null, 'anon cannot update lead_stages');
select throws_ok($$ insert into public.alert_kinds (kind, label, subject_type, route) values ('anon_kind', 'x', 'team', '#/heute') $$,
  '42501', null, 'anon cannot insert into alert_kinds');
reset role;

-- an authenticated user who is not in the team
set local role authenticated;
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000201","role":"authenticated"}';
select is((select count(*)::int from public.lead_stages), 0, 'a non-member sees no stage');
select is((select count(*)::int from public.alert_kinds), 0, 'a non-member sees no alert kind');

-- a team member reads, and writes nothing
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000202","role":"authenticated"}';
select is((select count(*)::int from public.lead_stages), 7, 'a team member reads the stages');
select is((select count(*)::int from public.alert_kinds), 14, 'a team member reads every alert kind');
select throws_ok($$ update public.lead_stages set label = 'x' where code = 'NEW' $$, '42501', null, 'a team member cannot change a stage label');
select throws_ok($$ delete from public.alert_kinds $$, '42501', null, 'a team member cannot delete alert kinds');
select throws_ok($$ insert into public.lead_stages (code, label, position) values ('NEW', 'x', 99) $$, '42501', null,
  'a team member cannot add a stage');
reset role;

-- the functions' role reads, and writes nothing
set local role leitstand_functions;
set local request.jwt.claims = '';
select is((select count(*)::int from public.lead_stages), 7, 'the functions read the stages');
select ok((select acknowledge_link from public.alert_kinds where kind = 'incident_opened'), 'the functions read the alert kinds');
select throws_ok($$ update public.alert_kinds set severity = 'info' $$, '42501', null, 'the functions cannot change alert kinds');
select throws_ok($$ update public.lead_stages set position = 9 where code = 'LOST' $$, '42501', null, 'the functions cannot change stages');
reset role;

select * from finish();
rollback;
