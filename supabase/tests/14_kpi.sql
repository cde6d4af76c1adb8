-- KPI board (20261202040000_kpi.sql): who may read and change packages, stage probabilities and the revenue
-- goal, who may read the digest's ledger and run the board and the digest; the package price as a deal's
-- list price; the lost reason and the stays kept in the history of a reopened lead; the digest once per ISO week.
-- anon: nothing. Authenticated non-member: sees nothing. Team member: reads and edits the settings, reads
-- the ledger and the board, never writes the ledger nor sends the digest. leitstand_functions: both.
begin;
create extension if not exists pgtap;
select plan(25);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000021', 'outsider@example.com'),
  ('a0000000-0000-4000-8000-000000000022', 'member@example.com');
insert into public.team_members (user_id, display_name) values ('a0000000-0000-4000-8000-000000000022', 'Member');
insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000021', 'Erika Muster', 'erika.kpi@example.com', now(), 'v1', 'test');

-- Packages as data: the prices of docs/vertrieb/angebot.md; deals reference them.
select is((select price_cents from public.packages where key = 'SETUP'), 149000, 'Setup costs 1.490 € once');
select is((select kind || ' ' || price_cents from public.packages where key = 'RETAINER'), 'monthly 14900', 'Retainer costs 149 € a month');
insert into public.deals (lead_id, package, amount_cents)
  select 'b0000000-0000-4000-8000-000000000021', key, price_cents from public.packages where key = 'RETAINER';
select is((select amount_cents from public.deals where lead_id = 'b0000000-0000-4000-8000-000000000021'), 14900,
  'a deal priced from the package');
select throws_ok($$ update public.deals set starts_on = '2024-03-10', ends_on = '2024-03-01'
                    where lead_id = 'b0000000-0000-4000-8000-000000000021' $$, '23514', null, 'a retainer ends after it starts');

-- The lost reason's code stays in the history when the lead is reopened (the lead's code and note are cleared).
update public.leads set stage = 'CONTACTED' where id = 'b0000000-0000-4000-8000-000000000021';
update public.leads set stage = 'LOST', lost_reason_code = 'preis', lost_reason = 'Kein Budget' where id = 'b0000000-0000-4000-8000-000000000021';
update public.leads set stage = 'NEW' where id = 'b0000000-0000-4000-8000-000000000021';
select is((select coalesce(lost_reason, lost_reason_code) from public.leads where id = 'b0000000-0000-4000-8000-000000000021'), null, 'reopening clears the lead''s reason');
select is((select lost_reason_code from public.lead_stage_history where lead_id = 'b0000000-0000-4000-8000-000000000021' and to_stage = 'LOST'),
  'preis', 'the history keeps the reason''s code of the loss (not the note)');
select is((select count(*)::int from public.lead_stage_history
           where lead_id = 'b0000000-0000-4000-8000-000000000021' and from_stage is not null
             and (stay_started_at is null or stage_total is null)), 0, 'every move out of a stage knows its stay and the total');

-- Helpers on fixed dates.
select is(public.kpi_period_key('week', '2026-11-23'), '2026-W48', 'the ISO week key');
select is(public.kpi_period_label('week', '2024-03-25'), 'KW 13/2024 (25.03.–31.03.2024)', 'the week label');
select is(public.kpi_period_start('week', '2024-03-31 22:30:00+00'), '2024-04-01'::date, 'Monday 00:30 CEST is in the new week');
select is(public.german_euros(163900), '1.639 €', 'euros with German grouping');
select throws_ok($$ select public.kpi_board('week', '2024-03-26', now()) $$, '22023', null, 'a week starts on a Monday');

-- anon and outsiders see nothing
set local role anon;
select throws_ok('select * from public.packages', '42501', null, 'anon cannot read the packages');
select throws_ok($$ select public.kpi_board('week', '2024-03-25', now()) $$, '42501', null, 'anon cannot run the board');
reset role;
select set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-000000000021","role":"authenticated"}', true);
set local role authenticated;
select is((select count(*)::int from public.packages) + (select count(*)::int from public.stage_probabilities)
          + (select count(*)::int from public.kpi_settings), 0, 'a non-member sees no packages, probabilities or settings');
reset role;

-- A team member edits packages, probabilities and the goal, reads the ledger and the board, but cannot write
-- the ledger or send the digest.
select set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-000000000022","role":"authenticated"}', true);
set local role authenticated;
select is((select count(*)::int from public.packages), 2, 'a member sees the packages');
select lives_ok($$ update public.packages set price_cents = 159000 where key = 'SETUP' $$, 'a member changes a price');
select lives_ok($$ update public.stage_probabilities set probability = 0.6 where stage = 'CALL_BOOKED' $$, 'a member changes a probability');
select lives_ok($$ update public.kpi_settings set revenue_goal_cents = 1200000 $$, 'a member changes the goal');
select is((public.kpi_board('month', '2024-03-01', '2024-04-01 00:00:00+00') -> 'revenue' ->> 'goal_cents'), '1200000', 'a member reads the board');
select throws_ok($$ insert into public.kpi_digest_runs (iso_week, week_start, due_at, sent_at)
                    values ('2024-W01', '2024-01-01', now(), now()) $$, '42501', null, 'a member cannot write the ledger');
select throws_ok($$ select public.send_kpi_digest('2024-01-01', now(), now(), 'alerts') $$, '42501', null, 'a member cannot send the digest');
reset role;

-- The functions' role sends the digest once per ISO week, through the alert contract.
set local role leitstand_functions;
select is(cardinality(public.send_kpi_digest('2024-01-01', '2024-01-08 07:00:00+00', '2024-01-08 07:00:00+00', 'alerts')), 1,
  'the functions send the digest');
select is(cardinality(public.send_kpi_digest('2024-01-01', '2024-01-08 07:00:00+00', '2024-01-08 07:15:00+00', 'alerts')), 0,
  'a second call for the same week sends nothing');
reset role;
select is((select link from public.alerts where dedupe_key = 'kpi_weekly:2024-W01'), '#/zahlen', 'the digest links to the board');

select * from finish();
rollback;
