-- Kept KPI figures (20261202060000_kpi_period_figures.sql): who may read and keep them, and that a team
-- member's write into a kept period forgets it (the triggers run as definer, the member cannot delete itself).
begin;
create extension if not exists pgtap;
select plan(12);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000031', 'outsider31@example.com'),
  ('a0000000-0000-4000-8000-000000000032', 'member32@example.com');
insert into public.team_members (user_id, display_name) values ('a0000000-0000-4000-8000-000000000032', 'Member');
insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source, created_at) values
  ('b0000000-0000-4000-8000-000000000031', 'Erika Muster', 'erika.figures@example.com', now(), 'v1', 'test', '2023-03-15 10:00+00');

set local role leitstand_functions;
select ok(public.keep_kpi_figures('2023-05-02 10:00+00', 500) >= 2, 'the functions'' role keeps ended periods');
reset role;
select is((select (figures #>> '{counts,new_leads}')::int from public.kpi_period_figures where kind = 'month' and period_start = '2023-03-01'),
  1, 'the kept month counts the lead');
select ok(not exists (select 1 from public.kpi_period_figures where kind = 'month' and period_start = '2023-05-01'),
  'the running month is not kept');

set local role anon;
select throws_ok($$ select * from public.kpi_period_figures $$, '42501', null, 'anon reads no kept figures');
reset role;
select set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-000000000031","role":"authenticated"}', true);
set local role authenticated;
select is((select count(*)::int from public.kpi_period_figures), 0, 'a non-member sees no kept figures');
reset role;
select set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-000000000032","role":"authenticated"}', true);
set local role authenticated;
select ok((select count(*)::int from public.kpi_period_figures) >= 2, 'a member reads the kept figures');
select throws_ok($$ delete from public.kpi_period_figures $$, '42501', null, 'a member cannot delete kept figures');
select throws_ok($$ select public.keep_kpi_figures(now(), 1) $$, '42501', null, 'a member does not run the keeper');
-- a member's backdated touch (the lead's creation corrected into March) forgets March through the trigger
update public.leads set created_at = '2023-03-20 10:00+00' where id = 'b0000000-0000-4000-8000-000000000031';
reset role;
select ok(not exists (select 1 from public.kpi_period_figures where kind = 'month' and period_start = '2023-03-01'),
  'a member''s write into a kept month forgets it');

-- Each move out of a stage knows when the lead left that stage next (the funnel's "last total in the period").
insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000032', 'Otto Wieder', 'otto.figures@example.com', now(), 'v1', 'test');
update public.leads set stage = 'CONTACTED' where id = 'b0000000-0000-4000-8000-000000000032';
update public.leads set stage = 'LOST', lost_reason = 'Kein Budget' where id = 'b0000000-0000-4000-8000-000000000032';
update public.leads set stage = 'NEW' where id = 'b0000000-0000-4000-8000-000000000032';
update public.leads set stage = 'CONTACTED' where id = 'b0000000-0000-4000-8000-000000000032';
select is((select array_agg(next_exit_at is not null order by changed_at, id) from public.lead_stage_history
           where lead_id = 'b0000000-0000-4000-8000-000000000032' and from_stage = 'NEW'),
  array[true, false], 'the first move out of NEW knows of the second, the second of none');
update public.lead_stage_history set next_exit_at = null where lead_id = 'b0000000-0000-4000-8000-000000000032';
select ok(public.recompute_stage_stays(array['b0000000-0000-4000-8000-000000000032'::uuid]) > 0, 'recompute_stage_stays finds the missing next_exit_at');
select is((select count(*)::int from public.lead_stage_history where lead_id = 'b0000000-0000-4000-8000-000000000032'
           and from_stage = 'NEW' and next_exit_at is not null), 1, 'and works it out again');

select * from finish();
rollback;
