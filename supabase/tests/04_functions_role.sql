-- Role leitstand_functions (the Azure Functions connect with it): it reads and writes what the functions
-- need, without any JWT claims, and every stage change it makes is recorded in lead_stage_history.
begin;
create extension if not exists pgtap;
select plan(30);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000002', 'member@example.com');
insert into public.team_members (user_id, display_name) values
  ('a0000000-0000-4000-8000-000000000002', 'Member');

create function pg_temp.affected(sql text) returns bigint
language plpgsql as $$
declare n bigint;
begin
  execute sql;
  get diagnostics n = row_count;
  return n;
end
$$;

select ok(not (select rolbypassrls or rolsuper from pg_roles where rolname = 'leitstand_functions'),
  'leitstand_functions is subject to RLS (no BYPASSRLS, no superuser)');

set local role leitstand_functions;
set local request.jwt.claims = '';   -- the functions connect directly, not through PostgREST

-- leads
select lives_ok($$ insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source, source, utm_campaign)
                   values ('b0000000-0000-4000-8000-000000000001', 'Erika Muster', 'erika@example.com', now(), 'v1',
                           'https://example.com/kontakt', 'landing_page', 'winter') $$,
  'functions can insert a lead');
select is((select email from public.leads where id = 'b0000000-0000-4000-8000-000000000001'), 'erika@example.com',
  'functions can select the lead');
select lives_ok($$ insert into public.leads (name, email, consent_at, consent_text_version, consent_source)
                   values ('Erika Muster', 'erika@example.com', now(), 'v2', 'form')
                   on conflict (email) do update set consent_at = excluded.consent_at,
                                                     consent_text_version = excluded.consent_text_version $$,
  'functions can upsert a lead by email');
select is((select consent_text_version from public.leads where email = 'erika@example.com'), 'v2',
  'the upsert updated the existing lead');

-- touchpoints
select lives_ok($$ insert into public.lead_touchpoints (lead_id, direction, channel, kind, source, consent_text_version)
                   values ('b0000000-0000-4000-8000-000000000001', 'INBOUND', 'landing_page', 'form_submission', 'landing_page', 'v1') $$,
  'functions can insert a touchpoint');
select is((select count(*)::int from public.lead_touchpoints where lead_id = 'b0000000-0000-4000-8000-000000000001'), 1,
  'functions can select touchpoints');
select is((select created_by from public.lead_touchpoints where lead_id = 'b0000000-0000-4000-8000-000000000001'),
  'leitstand_functions', 'touchpoint.created_by defaults to the functions'' role');

-- outbox_messages
select lives_ok($$ insert into public.outbox_messages (id, queue, payload)
                   values ('f0000000-0000-4000-8000-000000000001', 'lead-created',
                           '{"leadId":"b0000000-0000-4000-8000-000000000001"}') $$,
  'functions can insert an outbox message');
select is((select count(*)::int from public.outbox_messages where sent_at is null), 1,
  'functions can select pending outbox messages');
select is(pg_temp.affected($$ update public.outbox_messages set sent_at = now()
                              where id = 'f0000000-0000-4000-8000-000000000001' $$), 1::bigint,
  'functions can mark an outbox message as sent');
select is(pg_temp.affected($$ delete from public.outbox_messages where sent_at is not null $$), 1::bigint,
  'functions can delete sent outbox messages');

-- rate_limit_hits (fixed window counter, incremented with an upsert)
select lives_ok($$ insert into public.rate_limit_hits (bucket, window_start, hits)
                   values ('lead-form:abc123', '2026-11-25 10:00:00+00', 1)
                   on conflict (bucket, window_start) do update set hits = public.rate_limit_hits.hits + 1 $$,
  'functions can insert a rate-limit counter');
select lives_ok($$ insert into public.rate_limit_hits (bucket, window_start, hits)
                   values ('lead-form:abc123', '2026-11-25 10:00:00+00', 1)
                   on conflict (bucket, window_start) do update set hits = public.rate_limit_hits.hits + 1 $$,
  'functions can increment a rate-limit counter');
select is((select hits from public.rate_limit_hits where bucket = 'lead-form:abc123'), 2,
  'functions can select the rate-limit counter');
select is(pg_temp.affected($$ delete from public.rate_limit_hits where window_start < '2026-11-26' $$), 1::bigint,
  'functions can delete expired rate-limit counters');

-- deals and tasks
select lives_ok($$ insert into public.deals (id, lead_id, package, amount_cents)
                   values ('c0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'SETUP', 150000) $$,
  'functions can insert a deal');
select lives_ok($$ insert into public.tasks (lead_id, deal_id, kind, title, due_at, assignee)
                   values ('b0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'follow_up',
                           'Follow up', now() + interval '1 day', 'a0000000-0000-4000-8000-000000000002') $$,
  'functions can insert a task');
select is((select count(*)::int from public.team_members), 1, 'functions can read team_members');

-- Stage history: the insert wrote the initial row, a stage change writes one more.
select results_eq(
  $$ select from_stage::text, to_stage::text from public.lead_stage_history
      where lead_id = 'b0000000-0000-4000-8000-000000000001' order by id $$,
  $$ values (null::text, 'NEW'::text) $$,
  'inserting a lead wrote the initial lead_stage_history row');
select is(pg_temp.affected($$ update public.leads set stage = 'CONTACTED' where id = 'b0000000-0000-4000-8000-000000000001' $$),
  1::bigint, 'functions can change the stage of a lead');
select results_eq(
  $$ select from_stage::text, to_stage::text, changed_by from public.lead_stage_history
      where lead_id = 'b0000000-0000-4000-8000-000000000001' order by id $$,
  $$ values (null::text, 'NEW'::text, session_user::text collate "default"), ('NEW', 'CONTACTED', session_user::text) $$,
  'the stage change wrote a lead_stage_history row (NEW -> CONTACTED); without a JWT changed_by is session_user');
select is(pg_temp.affected($$ update public.leads set message = 'no stage change' where id = 'b0000000-0000-4000-8000-000000000001' $$),
  1::bigint, 'functions can update other lead columns');
select is((select count(*)::int from public.lead_stage_history where lead_id = 'b0000000-0000-4000-8000-000000000001'), 2,
  'an update without a stage change writes no lead_stage_history row');
select ok((select stage_changed_at <= updated_at and stage = 'CONTACTED' from public.leads
            where id = 'b0000000-0000-4000-8000-000000000001'),
  'the lead carries the new stage');

-- What the functions must not do.
select throws_ok($$ insert into public.lead_stage_history (lead_id, to_stage, changed_by)
                    values ('b0000000-0000-4000-8000-000000000001', 'WON', 'forged') $$,
  '42501', null, 'functions cannot write lead_stage_history directly');
select throws_ok($$ delete from public.lead_stage_history $$,
  '42501', null, 'functions cannot delete lead_stage_history');
select throws_ok($$ insert into public.team_members (user_id, display_name)
                    values ('a0000000-0000-4000-8000-000000000002', 'x') $$,
  '42501', null, 'functions cannot write team_members');
select throws_ok($$ truncate public.rate_limit_hits $$,
  '42501', null, 'functions cannot truncate (TRUNCATE would bypass RLS)');

reset role;
select is((select count(*)::int from public.lead_stage_history where changed_by = 'forged'), 0,
  'no forged lead_stage_history row exists');

select * from finish();
rollback;
