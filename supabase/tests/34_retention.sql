-- Retention (20261207185000_retention.sql): public.apply_retention anonymises a due lead in place and keeps the run
-- in public.retention_runs; an anonymised lead gets no new task. Who may do what: the functions' role runs it, a team
-- member reads the runs but never writes them nor runs the retention; anon and outsiders see nothing.
begin;
create extension if not exists pgtap;
select plan(12);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000341', 'outsider@example.com'),
  ('a0000000-0000-4000-8000-000000000342', 'member@example.com');
insert into public.team_members (user_id, display_name) values ('a0000000-0000-4000-8000-000000000342', 'Member');
insert into public.leads (id, name, contact_basis, handle_channel, handle, created_at, stage_changed_at) values
  ('b0000000-0000-4000-8000-000000000341', 'Alt Kalt', 'cold', 'instagram', 'alt.kalt', '2026-01-05', '2026-01-05'),
  ('b0000000-0000-4000-8000-000000000342', 'Neu Kalt', 'cold', 'instagram', 'neu.kalt', '2026-05-20', '2026-05-20');

select is(public.apply_retention('2026-06-01 03:15:00+00', 12, 3, 36, 12, 30, 90, 1) ->> 'uncontacted_prospects', '1',
  'a cold prospect never contacted for more than 3 months is due, a newer one is not');
select ok((select erased_at = '2026-06-01 03:15:00+00' and name = 'Gelöscht' and handle is null and handle_channel is null
           from public.leads where id = 'b0000000-0000-4000-8000-000000000341'), 'the due lead is anonymised in place');
select ok((select erased_at is null and handle = 'neu.kalt' from public.leads where id = 'b0000000-0000-4000-8000-000000000342'),
  'the lead not yet due stays as it is');
select is((select count(*)::int from public.retention_runs where run_at = '2026-06-01 03:15:00+00'
           and counts ->> 'uncontacted_prospects' = '1' and periods ->> 'uncontacted_prospect_months' = '3'), 1,
  'the run is kept with its counts and periods');
select is(public.apply_retention('2026-06-02 03:15:00+00', 12, 3, 36, 12, 30, 90, 1) ->> 'uncontacted_prospects', '0',
  'a second run finds the anonymised lead no more');
select throws_ok($$ select public.apply_retention(now(), 0, 3, 36, 12, 30, 90, 1) $$, '22023', null, 'a period below 1 is refused');
insert into public.tasks (lead_id, kind, title, due_at) values ('b0000000-0000-4000-8000-000000000341', 'first_contact', 'Erstkontakt', now());
select is((select count(*)::int from public.tasks where lead_id = 'b0000000-0000-4000-8000-000000000341'), 0,
  'an anonymised lead gets no new task');
select ok(has_function_privilege('leitstand_functions', 'public.apply_retention(timestamptz, integer, integer, integer, integer, integer, integer, integer)', 'execute'),
  'the functions'' role runs the retention');

set local role authenticated;
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000341","role":"authenticated"}';
select is((select count(*)::int from public.retention_runs), 0, 'an outsider sees no run');
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000342","role":"authenticated"}';
select ok((select count(*) from public.retention_runs) >= 2, 'a team member reads the runs');
select throws_ok($$ insert into public.retention_runs (run_at, counts, periods) values (now(), '{}', '{}') $$, '42501', null,
  'a team member cannot write a run');
select throws_ok($$ select public.apply_retention(now(), 12, 3, 36, 12, 30, 90, 1) $$, '42501', null,
  'a team member cannot run the retention');
reset role;

select * from finish();
rollback;
