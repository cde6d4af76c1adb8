-- The KPI board's fulfilment figures (20261207163000_kpi_fulfilment.sql): who may read them (under RLS: a member
-- counts the team's onboardings and installs, a signed-in outsider none), and the install's duration from the
-- earlier of the booked start and the first item a person marked. Everything rolls back.
begin;
create extension if not exists pgtap;
select plan(6);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000271', 'outsider271@example.com'),
  ('a0000000-0000-4000-8000-000000000272', 'member272@example.com');
insert into public.team_members (user_id, display_name) values ('a0000000-0000-4000-8000-000000000272', 'Member');
insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000271', 'Frida Fulfilment', 'frida.fulfilment@example.com', now(), 'v1', 'test');
insert into public.lead_stage_history (lead_id, from_stage, to_stage, changed_at, changed_by) values
  ('b0000000-0000-4000-8000-000000000271', 'CALL_BOOKED', 'WON', '2023-03-01 10:00+00', 'pgtap');
insert into public.onboarding_answers (lead_id, template_version, state, submitted_at) values
  ('b0000000-0000-4000-8000-000000000271', (select max(version) from public.onboarding_templates), 'submitted', '2023-03-04 22:00+00');
insert into public.install_runs (id, lead_id, installer, checklist_version, starts_at, ends_at, state, finished_at) values
  ('c0000000-0000-4000-8000-000000000271', 'b0000000-0000-4000-8000-000000000271', 'a0000000-0000-4000-8000-000000000272',
   (select max(version) from public.install_checklist_versions), '2023-03-08 08:00+00', '2023-03-08 13:00+00', 'finished', '2023-03-08 13:15+00');
insert into public.install_run_items (run_id, position, block, block_title, block_outcome, box_starts_at, box_ends_at, title, kind,
                                      safety_baseline, state, marked_at, marked_by) values
  ('c0000000-0000-4000-8000-000000000271', 1, 1, 'Kick-off', 'Ziele klar', '2023-03-08 08:00+00', '2023-03-08 09:00+00', 'Ziele bestätigt',
   'check', false, 'done', '2023-03-08 07:45+00', 'a0000000-0000-4000-8000-000000000272'),
  ('c0000000-0000-4000-8000-000000000271', 2, 4, 'Sicherheit', 'Grundschutz', '2023-03-08 11:00+00', '2023-03-08 12:00+00', 'Monitoring verbunden',
   'monitoring', false, 'done', '2023-03-01 12:00+00', 'heartbeat');

select is(public.kpi_fulfilment('2023-03-01 00:00+00', '2023-04-01 00:00+00')::jsonb,
  '{"onboarding": {"submitted": 1, "median_days": 3.5, "max_days": 3.5},
    "install": {"finished": 1, "median_days": 7.1, "max_days": 7.1, "median_hours": 5.5, "max_hours": 5.5, "booked_hours": 5.0, "over_booked": 1}}'::jsonb,
  'days since WON, and the install from the item marked before the booked start (the heartbeat''s tick before it starts nothing)');
select is((public.kpi_fulfilment('2023-03-05 00:00+00', '2023-03-08 13:15+00')::jsonb #>> '{install,finished}')::int, 0,
  'a run counts once it is finished, in the span of its finish');

set local role anon;
select throws_ok($$ select public.kpi_fulfilment(now() - interval '7 days', now()) $$, '42501', null, 'anon may not read the fulfilment figures');
reset role;
select set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-000000000271","role":"authenticated"}', true);
set local role authenticated;
select is((public.kpi_fulfilment('2023-03-01 00:00+00', '2023-04-01 00:00+00')::jsonb #>> '{onboarding,submitted}')::int, 0,
  'a signed-in outsider counts no onboarding (RLS)');
reset role;
select set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-000000000272","role":"authenticated"}', true);
set local role authenticated;
select is((public.kpi_board('month', '2023-03-01', '2023-04-02 10:00+00')::jsonb #>> '{fulfilment,install,finished}')::int, 1,
  'a member''s board counts the month''s install');
reset role;
set local role leitstand_functions;
select is((public.kpi_fulfilment('2023-03-01 00:00+00', '2023-04-01 00:00+00')::jsonb #>> '{onboarding,submitted}')::int, 1,
  'the functions'' role reads them too');
reset role;

select * from finish();
rollback;
