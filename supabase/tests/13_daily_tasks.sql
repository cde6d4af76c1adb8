-- Daily tasks (20261202010000_daily_tasks.sql): who may read and change the thresholds and the ledger, the
-- lead rules for prospects, and the SQL helpers on a fixed clock. anon: nothing. Authenticated non-member:
-- sees nothing. Team member: reads and edits the thresholds, reads the ledger, never writes it nor runs the
-- generation. leitstand_functions: runs it.
begin;
create extension if not exists pgtap;
select plan(18);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000011', 'outsider@example.com'),
  ('a0000000-0000-4000-8000-000000000012', 'member@example.com');
insert into public.team_members (user_id, display_name) values ('a0000000-0000-4000-8000-000000000012', 'Member');

-- Prospects: a handle without e-mail or consent is a lead; the form needs its consent; one of both is needed.
select lives_ok($$ insert into public.leads (name, contact_basis, handle_channel, handle)
                   values ('Ina Insta', 'cold', 'instagram', 'ina.insta') $$, 'a cold prospect needs neither e-mail nor consent');
select throws_ok($$ insert into public.leads (name, contact_basis, handle_channel, handle)
                    values ('Ina Zwei', 'referral', 'instagram', 'ina.insta') $$, '23505', null, 'a handle is unique per channel');
select throws_ok($$ insert into public.leads (name, email) values ('Fritz Form', 'fritz@example.com') $$,
  '23514', null, 'the form basis needs its consent');
select throws_ok($$ insert into public.leads (name, contact_basis) values ('Niemand', 'referral') $$,
  '23514', null, 'a lead needs an e-mail or a handle');
select throws_ok($$ insert into public.leads (name, contact_basis, handle_channel, handle) values ('Grossbuchstabe', 'cold', 'x', '@Gross') $$,
  '23514', null, 'handles are stored normalised');

-- Helpers on fixed dates: the weekend moves to Monday at the same local time; Berlin's midnight on both DST days.
select is(public.weekend_to_monday('2024-03-16 09:00:00+00'), '2024-03-18 09:00:00+00'::timestamptz, 'Saturday → Monday');
select is(public.weekend_to_monday('2024-03-15 09:00:00+00'), '2024-03-15 09:00:00+00'::timestamptz, 'a Friday stays');
select is(public.berlin_day_start('2026-03-29'), '2026-03-28 23:00:00+00'::timestamptz, 'the spring change day starts at 23:00 UTC');
select is(public.berlin_day_start('2026-10-26'), '2026-10-25 23:00:00+00'::timestamptz, 'the day after the autumn change starts at 23:00 UTC');
select is(public.berlin_day_start('2026-10-25'), '2026-10-24 22:00:00+00'::timestamptz, 'the autumn change day starts at 22:00 UTC');

-- anon and outsiders see nothing
set local role anon;
select throws_ok('select * from public.task_settings', '42501', null, 'anon cannot read the thresholds');
reset role;
select set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-000000000011","role":"authenticated"}', true);
set local role authenticated;
select is((select count(*)::int from public.weekly_targets), 0, 'a non-member sees no weekly targets');
reset role;

-- A team member edits the thresholds and reads the ledger, but cannot write it or run the generation.
select set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-000000000012","role":"authenticated"}', true);
set local role authenticated;
select is((select count(*)::int from public.weekly_targets), 5, 'a member sees the weekly targets');
select lives_ok($$ update public.stale_stage_limits set stale_after = interval '4 days' where stage = 'REPLIED' $$, 'a member changes a stage limit');
select throws_ok($$ insert into public.task_generation_runs (berlin_date, trigger, started_at, finished_at, last_run_at, created)
                    values ('2024-01-01', 'timer', now(), now(), now(), '{}') $$, '42501', null, 'a member cannot write the ledger');
select throws_ok($$ select public.generate_daily_tasks('2024-01-01', now(), 'alerts', 'on_demand') $$, '42501', null,
  'a member cannot run the generation directly');
reset role;

-- The functions' role runs it; the digest goes through the alert contract.
set local role leitstand_functions;
select is(public.generate_daily_tasks('2024-01-03', '2024-01-03 04:00:00+00', 'alerts', 'on_demand') ->> 'date', '2024-01-03',
  'the functions run the generation');
reset role;
select is((select kind from public.alerts where dedupe_key = 'daily_tasks:2024-01-03'), 'daily_tasks', 'one digest alert for the date');

select * from finish();
rollback;
