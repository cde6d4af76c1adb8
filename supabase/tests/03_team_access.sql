-- Role authenticated: only team members (listed in public.team_members, or JWT app_metadata.role
-- "team"/"admin") see and write the CRM tables; nobody authenticated reads the outbox or the rate-limit
-- counters, and nobody authenticated writes lead_stage_history directly.
begin;
create extension if not exists pgtap;
select plan(64);

-- Fixtures, written as the superuser.
insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000001', 'outsider@example.com'),
  ('a0000000-0000-4000-8000-000000000002', 'member@example.com'),
  ('a0000000-0000-4000-8000-000000000003', 'jwt-team@example.com'),
  ('a0000000-0000-4000-8000-000000000004', 'jwt-admin@example.com');
insert into public.team_members (user_id, display_name) values
  ('a0000000-0000-4000-8000-000000000002', 'Member');
insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000001', 'Erika Muster', 'erika@example.com', now(), 'v1', 'https://example.com/kontakt');
insert into public.lead_touchpoints (id, lead_id, direction, channel, kind) values
  ('e0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'INBOUND', 'landing_page', 'form_submission');
insert into public.deals (id, lead_id, package, amount_cents) values
  ('c0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'SETUP', 150000);
insert into public.tasks (id, lead_id, kind, title, due_at) values
  ('d0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'follow_up', 'Call back', now() + interval '1 day');
insert into public.outbox_messages (id, queue, payload) values
  ('f0000000-0000-4000-8000-000000000001', 'lead-created', '{"leadId":"b0000000-0000-4000-8000-000000000001"}');
insert into public.rate_limit_hits (bucket, window_start, hits) values
  ('lead-form:abc123', date_trunc('minute', now()), 3);
-- lead_stage_history got its row ('NEW') from the insert trigger on leads.

-- Runs a statement as the current role and returns how many rows it affected.
create function pg_temp.affected(sql text) returns bigint
language plpgsql as $$
declare n bigint;
begin
  execute sql;
  get diagnostics n = row_count;
  return n;
end
$$;

------------------------------------------------------------------------------------------------
-- 1. Authenticated, but not a team member.
------------------------------------------------------------------------------------------------
set local role authenticated;
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000001","role":"authenticated","app_metadata":{}}';

select is((select count(*)::int from public.team_members),       0, 'non-member sees 0 team_members');
select is((select count(*)::int from public.leads),              0, 'non-member sees 0 leads');
select is((select count(*)::int from public.lead_touchpoints),   0, 'non-member sees 0 lead_touchpoints');
select is((select count(*)::int from public.lead_stage_history), 0, 'non-member sees 0 lead_stage_history rows');
select is((select count(*)::int from public.deals),              0, 'non-member sees 0 deals');
select is((select count(*)::int from public.tasks),              0, 'non-member sees 0 tasks');
select is((select count(*)::int from public.outbox_messages),    0, 'non-member sees 0 outbox_messages');
select is((select count(*)::int from public.rate_limit_hits),    0, 'non-member sees 0 rate_limit_hits');

select throws_ok($$ insert into public.leads (name, email, consent_at, consent_text_version, consent_source)
                    values ('Mallory', 'mallory@example.com', now(), 'v1', 'form') $$,
  '42501', null, 'non-member cannot insert a lead');
select throws_ok($$ insert into public.lead_touchpoints (lead_id, direction, channel, kind)
                    values ('b0000000-0000-4000-8000-000000000001', 'OUTBOUND', 'email', 'email') $$,
  '42501', null, 'non-member cannot insert a touchpoint');
select throws_ok($$ insert into public.deals (lead_id, package, amount_cents)
                    values ('b0000000-0000-4000-8000-000000000001', 'RETAINER', 50000) $$,
  '42501', null, 'non-member cannot insert a deal');
select throws_ok($$ insert into public.tasks (lead_id, kind, title, due_at)
                    values ('b0000000-0000-4000-8000-000000000001', 'call', 'x', now()) $$,
  '42501', null, 'non-member cannot insert a task');
select throws_ok($$ insert into public.team_members (user_id, display_name)
                    values ('a0000000-0000-4000-8000-000000000001', 'Me') $$,
  '42501', null, 'non-member cannot add themselves to team_members');
select is(pg_temp.affected($$ update public.leads set stage = 'LOST' $$), 0::bigint, 'non-member update of leads affects 0 rows');
select is(pg_temp.affected($$ delete from public.leads $$),               0::bigint, 'non-member delete from leads affects 0 rows');
select is(pg_temp.affected($$ delete from public.tasks $$),               0::bigint, 'non-member delete from tasks affects 0 rows');

-- user_metadata is writable by the user, so a role claimed there must not count.
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000001","role":"authenticated","app_metadata":{},"user_metadata":{"role":"team"}}';
select is((select count(*)::int from public.leads), 0, 'role "team" in user_metadata does not make a team member');
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000001","role":"authenticated","app_metadata":{"role":"member"}}';
select is((select count(*)::int from public.leads), 0, 'app_metadata.role other than team/admin does not make a team member');

-- No claims at all (e.g. a misconfigured request) means no access either.
set local request.jwt.claims = '';
select is((select count(*)::int from public.leads), 0, 'authenticated without claims sees 0 leads');

------------------------------------------------------------------------------------------------
-- 2. Team member via public.team_members.
------------------------------------------------------------------------------------------------
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000002","role":"authenticated","app_metadata":{}}';

select is((select count(*)::int from public.team_members),       1, 'member sees team_members');
select is((select count(*)::int from public.leads),              1, 'member sees leads');
select is((select count(*)::int from public.lead_touchpoints),   1, 'member sees lead_touchpoints');
select is((select count(*)::int from public.lead_stage_history), 1, 'member sees lead_stage_history');
select is((select count(*)::int from public.deals),              1, 'member sees deals');
select is((select count(*)::int from public.tasks),              1, 'member sees tasks');

select lives_ok($$ insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source)
                   values ('b0000000-0000-4000-8000-000000000002', 'Max Muster', 'max@example.com', now(), 'v1', 'manual') $$,
  'member can insert a lead');
select lives_ok($$ insert into public.lead_touchpoints (lead_id, direction, channel, kind, note)
                   values ('b0000000-0000-4000-8000-000000000002', 'OUTBOUND', 'linkedin', 'dm', 'first DM') $$,
  'member can insert a touchpoint');
select lives_ok($$ insert into public.deals (id, lead_id, package, amount_cents)
                   values ('c0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000002', 'RETAINER', 90000) $$,
  'member can insert a deal');
select lives_ok($$ insert into public.tasks (id, lead_id, kind, title, due_at, assignee)
                   values ('d0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000002', 'follow_up',
                           'Follow up', now() + interval '2 days', 'a0000000-0000-4000-8000-000000000002') $$,
  'member can insert a task');
select is(pg_temp.affected($$ update public.leads set stage = 'CONTACTED' where id = 'b0000000-0000-4000-8000-000000000002' $$),
  1::bigint, 'member can update a lead');
select is(pg_temp.affected($$ update public.lead_touchpoints set note = 'edited' where lead_id = 'b0000000-0000-4000-8000-000000000002' $$),
  1::bigint, 'member can update a touchpoint');
select is(pg_temp.affected($$ update public.deals set status = 'WON', won_at = now() where id = 'c0000000-0000-4000-8000-000000000002' $$),
  1::bigint, 'member can update a deal');
select is(pg_temp.affected($$ update public.tasks set status = 'DONE', completed_at = now() where id = 'd0000000-0000-4000-8000-000000000002' $$),
  1::bigint, 'member can update a task');
select is(pg_temp.affected($$ delete from public.tasks where id = 'd0000000-0000-4000-8000-000000000002' $$),
  1::bigint, 'member can delete a task');

-- The stage change by the member was recorded by the trigger, attributed to the member.
select results_eq(
  $$ select from_stage::text, to_stage::text, changed_by from public.lead_stage_history
      where lead_id = 'b0000000-0000-4000-8000-000000000002' order by id $$,
  $$ values (null::text, 'NEW'::text, 'a0000000-0000-4000-8000-000000000002'::text),
            ('NEW', 'CONTACTED', 'a0000000-0000-4000-8000-000000000002') $$,
  'member''s insert and stage change are in lead_stage_history, attributed to the member');

-- Outbox and rate-limit counters are for the functions only.
select is((select count(*)::int from public.outbox_messages), 0, 'member sees 0 outbox_messages');
select is((select count(*)::int from public.rate_limit_hits), 0, 'member sees 0 rate_limit_hits');
select throws_ok($$ insert into public.outbox_messages (id, queue, payload) values (gen_random_uuid(), 'lead-created', '{}') $$,
  '42501', null, 'member cannot insert into outbox_messages');
select throws_ok($$ insert into public.rate_limit_hits (bucket, window_start, hits) values ('x', now(), 1) $$,
  '42501', null, 'member cannot insert into rate_limit_hits');
select is(pg_temp.affected($$ delete from public.outbox_messages $$), 0::bigint, 'member delete from outbox_messages affects 0 rows');

-- Stage history is written by the trigger only.
select throws_ok($$ insert into public.lead_stage_history (lead_id, from_stage, to_stage, changed_by)
                    values ('b0000000-0000-4000-8000-000000000001', 'NEW', 'WON', 'forged') $$,
  '42501', null, 'member cannot insert into lead_stage_history');
select is(pg_temp.affected($$ update public.lead_stage_history set to_stage = 'WON' $$), 0::bigint,
  'member update of lead_stage_history affects 0 rows');
select is(pg_temp.affected($$ delete from public.lead_stage_history $$), 0::bigint,
  'member delete from lead_stage_history affects 0 rows');

-- Membership is managed server-side only.
select throws_ok($$ insert into public.team_members (user_id, display_name)
                    values ('a0000000-0000-4000-8000-000000000001', 'Friend') $$,
  '42501', null, 'member cannot add someone to team_members');
select is(pg_temp.affected($$ update public.team_members set role = 'owner' $$), 0::bigint,
  'member cannot promote themselves to owner (0 rows)');

------------------------------------------------------------------------------------------------
-- 3. Team member via JWT app_metadata.role = "team" (not listed in team_members).
------------------------------------------------------------------------------------------------
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000003","role":"authenticated","app_metadata":{"role":"team"}}';

select is((select count(*)::int from public.leads), 2, 'app_metadata team user sees leads');
select is((select count(*)::int from public.lead_touchpoints), 2, 'app_metadata team user sees lead_touchpoints');
select is((select count(*)::int from public.deals), 2, 'app_metadata team user sees deals');
select is((select count(*)::int from public.tasks), 1, 'app_metadata team user sees tasks');
select is((select count(*)::int from public.lead_stage_history), 3, 'app_metadata team user sees lead_stage_history');
select lives_ok($$ insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source)
                   values ('b0000000-0000-4000-8000-000000000003', 'Jana Team', 'jana@example.com', now(), 'v1', 'manual') $$,
  'app_metadata team user can insert a lead');
select lives_ok($$ insert into public.lead_touchpoints (lead_id, direction, channel, kind)
                   values ('b0000000-0000-4000-8000-000000000003', 'OUTBOUND', 'phone', 'call') $$,
  'app_metadata team user can insert a touchpoint');
select lives_ok($$ insert into public.deals (lead_id, package, amount_cents)
                   values ('b0000000-0000-4000-8000-000000000003', 'SETUP', 120000) $$,
  'app_metadata team user can insert a deal');
select lives_ok($$ insert into public.tasks (lead_id, kind, title, due_at)
                   values ('b0000000-0000-4000-8000-000000000003', 'call', 'Call', now()) $$,
  'app_metadata team user can insert a task');
select is((select count(*)::int from public.outbox_messages), 0, 'app_metadata team user sees 0 outbox_messages');
select is((select count(*)::int from public.rate_limit_hits), 0, 'app_metadata team user sees 0 rate_limit_hits');
select throws_ok($$ insert into public.lead_stage_history (lead_id, to_stage, changed_by)
                    values ('b0000000-0000-4000-8000-000000000003', 'WON', 'forged') $$,
  '42501', null, 'app_metadata team user cannot insert into lead_stage_history');

-- app_metadata.role = "admin" counts as well.
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000004","role":"authenticated","app_metadata":{"role":"admin"}}';
select is((select count(*)::int from public.leads), 3, 'app_metadata admin user sees leads');
select is((select count(*)::int from public.outbox_messages), 0, 'app_metadata admin user sees 0 outbox_messages');

------------------------------------------------------------------------------------------------
-- 4. Back to the superuser: the non-member's attempts changed nothing, the fixtures are intact.
------------------------------------------------------------------------------------------------
reset role;
select is((select stage::text from public.leads where id = 'b0000000-0000-4000-8000-000000000001'), 'NEW',
  'the non-member''s update did not change the fixture lead');
select is((select count(*)::int from public.lead_stage_history where changed_by = 'forged'), 0,
  'no forged lead_stage_history row exists');
select is((select count(*)::int from public.team_members), 1, 'team_members unchanged');
select is((select count(*)::int from public.outbox_messages), 1, 'outbox_messages unchanged');

-- TRUNCATE bypasses row level security; the migration revokes Supabase's default grant.
select is_empty(
  $$ select c.relname::text from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
        and has_table_privilege('authenticated', c.oid, 'TRUNCATE') $$,
  'authenticated holds TRUNCATE on no table in schema public');

select * from finish();
rollback;
