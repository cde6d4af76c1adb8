-- The install as a run (20261207153000_installs.sql): the checklist template is read-only data; book_install and
-- mark_install_item run under the caller's claims (a member books as installer, a non-member sees no lead); the
-- table refuses a skipped baseline item; the first heartbeat of the lead's agent ticks "Monitoring verbunden".
begin;
create extension if not exists pgtap;
select plan(20);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000261', 'outsider26@example.com'),
  ('a0000000-0000-4000-8000-000000000262', 'member26@example.com');
insert into public.team_members (user_id, display_name) values ('a0000000-0000-4000-8000-000000000262', 'Member');
insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000261', 'Wanda Won', 'wanda26@example.com', now(), 'v1', 'https://example.com/kontakt');
update public.leads set stage = 'CALL_BOOKED', call_at = now() + interval '1 day' where id = 'b0000000-0000-4000-8000-000000000261';
insert into public.deals (lead_id, package, amount_cents) values ('b0000000-0000-4000-8000-000000000261', 'SETUP', 149000);
update public.leads set stage = 'WON' where id = 'b0000000-0000-4000-8000-000000000261';
insert into public.agents (id, lead_id, name, key_hash, key_prefix) values
  ('ae000000-0000-4000-8000-000000000261', 'b0000000-0000-4000-8000-000000000261', 'Agent',
   encode(sha256('fixture-key-26'::bytea), 'hex'), 'lsk_fx26');

select is((select count(*)::int from public.install_checklist_blocks where version = 1), 5, 'the template has five hour blocks');
select is((select count(*)::int from public.install_checklist_items where version = 1 and safety_baseline), 7, 'seven baseline items');
select is((select count(*)::int from public.install_checklist_items where version = 1 and kind = 'monitoring' and title = 'Monitoring verbunden'), 1,
  'one item "Monitoring verbunden"');
select is(public.install_workflow_names('b0000000-0000-4000-8000-000000000261'), '{}'::text[], 'no onboarding answers: no workflow names');

-- anon
set local role anon;
set local request.jwt.claims = '{"role":"anon"}';
select throws_ok($$ select * from public.install_runs $$, '42501', null, 'anon cannot select install_runs');
select throws_ok($$ select * from public.book_install('b0000000-0000-4000-8000-000000000261', now() + interval '1 day', now()) $$,
  '42501', null, 'anon cannot call book_install');
select throws_ok($$ select public.mark_install_item(gen_random_uuid(), gen_random_uuid(), 'done', null, now()) $$,
  '42501', null, 'anon cannot call mark_install_item');

-- authenticated, not a member
set local role authenticated;
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000261","role":"authenticated","app_metadata":{}}';
select is((select result from public.book_install('b0000000-0000-4000-8000-000000000261', now() + interval '1 day', now())), 'not_found',
  'a non-member books nothing (the lead is invisible)');
select is((select count(*)::int from public.install_checklist_items), 0, 'a non-member sees no template');

-- a member
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000262","role":"authenticated","app_metadata":{}}';
select throws_ok($$ update public.install_checklist_items set title = 'x' $$, '42501', null, 'a member cannot change the template');
select is((select result from public.book_install('b0000000-0000-4000-8000-000000000261', now() - interval '1 minute', now())), 'past',
  'a start in the past is refused');
select is((select result from public.book_install('b0000000-0000-4000-8000-000000000261', now() + interval '1 day', now())), 'booked',
  'a member books a WON lead');
select is((select installer from public.install_runs where id = (select id from public.install_runs where lead_id = 'b0000000-0000-4000-8000-000000000261')), 'a0000000-0000-4000-8000-000000000262'::uuid,
  'the booking member is the installer');
select is((select count(*)::int from public.install_run_items where run_id = (select id from public.install_runs where lead_id = 'b0000000-0000-4000-8000-000000000261')), 23, 'the run copied the 23 items');
select is((select result from public.book_install('b0000000-0000-4000-8000-000000000261', now() + interval '1 day 4 hours', now())), 'overlap',
  'an overlapping install of the same member is refused');
select is(public.mark_install_item((select id from public.install_runs where lead_id = 'b0000000-0000-4000-8000-000000000261'),
  (select id from public.install_run_items where run_id = (select id from public.install_runs where lead_id = 'b0000000-0000-4000-8000-000000000261') and title = 'Not-Aus: Der Kunde kann den Agenten anhalten und wieder starten'),
  'skipped', 'Keine Zeit', now()), 'baseline', 'a baseline item is not skipped');
reset role;

select throws_ok($$ update public.install_run_items set state = 'skipped', marked_at = now(), marked_by = 'x', reason = 'y'
                    where safety_baseline and run_id = (select id from public.install_runs where lead_id = 'b0000000-0000-4000-8000-000000000261') $$,
  '23514', null, 'the table refuses a skipped baseline item for every writer');

-- The first heartbeat ticks "Monitoring verbunden"; later heartbeats leave it.
update public.agents set last_heartbeat_at = '2026-12-07 10:00:00+00' where id = 'ae000000-0000-4000-8000-000000000261';
select is((select state || ' ' || marked_by || ' ' || (marked_at = '2026-12-07 10:00:00+00')::text from public.install_run_items
           where run_id = (select id from public.install_runs where lead_id = 'b0000000-0000-4000-8000-000000000261') and kind = 'monitoring'),
  'done heartbeat true', 'the first heartbeat ticks Monitoring verbunden');
update public.agents set last_heartbeat_at = '2026-12-07 10:05:00+00' where id = 'ae000000-0000-4000-8000-000000000261';
select is((select marked_at from public.install_run_items where run_id = (select id from public.install_runs where lead_id = 'b0000000-0000-4000-8000-000000000261') and kind = 'monitoring'),
  '2026-12-07 10:00:00+00'::timestamptz, 'a later heartbeat changes nothing');
select ok(not has_function_privilege('authenticated', 'public.tick_install_monitoring()', 'EXECUTE')
          and not has_function_privilege('anon', 'public.tick_install_monitoring()', 'EXECUTE'),
  'nobody but the trigger runs tick_install_monitoring()');

select * from finish();
rollback;
