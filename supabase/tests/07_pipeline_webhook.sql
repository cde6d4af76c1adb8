-- The Supabase Database Webhook on public.pipeline_events (20261125101000_pipeline_rules.sql).
-- On plain PostgreSQL (no pg_net) the migration installs no webhook trigger. Then, inside this
-- transaction, Supabase is simulated: a stand-in net.http_post records its calls, vault.decrypted_secrets
-- holds URL and secret, and the trigger is created exactly as public.install_pipeline_webhook() would.
-- (The installer itself cannot be made to succeed here: it requires the real pg_net extension.)
-- Everything rolls back.
begin;
create extension if not exists pgtap;
select plan(28);

------------------------------------------------------------------------------------------------
-- 1. Plain PostgreSQL: no pg_net, no webhook.
------------------------------------------------------------------------------------------------
select ok(not exists (select 1 from pg_extension where extname = 'pg_net'),
  'precondition: pg_net is not installed (plain PostgreSQL)');
select hasnt_trigger('public', 'pipeline_events', 'pipeline_events_webhook',
  'the migration created no pipeline_events_webhook trigger without pg_net');
select is(public.install_pipeline_webhook(), false, 'install_pipeline_webhook() returns false without pg_net');
select hasnt_trigger('public', 'pipeline_events', 'pipeline_events_webhook',
  'install_pipeline_webhook() created no trigger without pg_net');
select ok(not has_function_privilege('authenticated', 'public.install_pipeline_webhook()', 'EXECUTE')
          and not has_function_privilege('anon', 'public.install_pipeline_webhook()', 'EXECUTE'),
  'anon and authenticated cannot execute install_pipeline_webhook()');
select ok(not has_function_privilege('authenticated', 'public.notify_pipeline_webhook()', 'EXECUTE')
          and not has_function_privilege('anon', 'public.notify_pipeline_webhook()', 'EXECUTE'),
  'anon and authenticated cannot execute notify_pipeline_webhook()');

------------------------------------------------------------------------------------------------
-- 2. Simulated Supabase: pg_net's net.http_post and Vault's decrypted_secrets.
------------------------------------------------------------------------------------------------
create schema net;
create table net.http_calls (
  id bigint generated always as identity primary key,
  url text,
  body jsonb,
  params jsonb,
  headers jsonb,
  timeout_milliseconds int,
  called_by name default current_user
);
create function net.http_post(url text, body jsonb, params jsonb default '{}', headers jsonb default '{}',
                              timeout_milliseconds int default 5000) returns bigint
language sql as $$
  insert into net.http_calls (url, body, params, headers, timeout_milliseconds)
  values (url, body, params, headers, timeout_milliseconds)
  returning id
$$;

create schema vault;
create table vault.decrypted_secrets (name text primary key, decrypted_secret text);
insert into vault.decrypted_secrets (name, decrypted_secret) values
  ('leitstand_webhook_url', 'http://127.0.0.1:7071/api/webhooks/supabase'),
  ('leitstand_webhook_secret', 'test-secret');

-- Even with Vault present the installer refuses without the pg_net extension itself.
select is(public.install_pipeline_webhook(), false, 'install_pipeline_webhook() still returns false with Vault but without pg_net');

-- The trigger exactly as install_pipeline_webhook() creates it (the installer's source is checked, so the
-- simulation cannot silently drift from it).
select ok((select prosrc ~* 'create\s+trigger\s+pipeline_events_webhook\s+after\s+insert\s+on\s+public\.pipeline_events\s+for\s+each\s+row\s+execute\s+function\s+public\.notify_pipeline_webhook\(\)'
             from pg_proc where oid = 'public.install_pipeline_webhook()'::regprocedure),
  'install_pipeline_webhook() creates the trigger: after insert on public.pipeline_events for each row, notify_pipeline_webhook()');
create trigger pipeline_events_webhook after insert on public.pipeline_events
  for each row execute function public.notify_pipeline_webhook();
select has_trigger('public', 'pipeline_events', 'pipeline_events_webhook', 'simulated: the webhook trigger exists');

-- Fixtures: a team member and a NEW lead.
insert into auth.users (id, email) values ('a0000000-0000-4000-8000-000000000002', 'member@example.com');
insert into public.team_members (user_id, display_name) values ('a0000000-0000-4000-8000-000000000002', 'Member');
insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000001', 'Erika Muster', 'erika@example.com', now(), 'v1', 'form'),
  ('b0000000-0000-4000-8000-000000000002', 'Max Muster', 'max@example.com', now(), 'v1', 'form');

select is((select count(*)::int from net.http_calls), 0, 'inserting leads calls no webhook (no pipeline event)');

-- A stage change by a team member (no privileges on net or vault: the trigger function is security definer).
set local role authenticated;
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000002","role":"authenticated","app_metadata":{}}';
select lives_ok($$ update public.leads set stage = 'CONTACTED' where id = 'b0000000-0000-4000-8000-000000000001' $$,
  'a team member moves a lead NEW -> CONTACTED');
reset role;
reset request.jwt.claims;

select is((select count(*)::int from net.http_calls), 1, 'the stage change called net.http_post exactly once');
select is((select url from net.http_calls), 'http://127.0.0.1:7071/api/webhooks/supabase', 'the call goes to the URL from Vault');
select is((select headers ->> 'X-Webhook-Secret' from net.http_calls), 'test-secret',
  'the headers carry "X-Webhook-Secret": "test-secret"');
select ok((select headers @> '{"X-Webhook-Secret": "test-secret", "Content-Type": "application/json"}' from net.http_calls),
  'the headers are JSON with the secret and Content-Type application/json');
select is((select body ->> 'type' from net.http_calls),   'INSERT',          'the body has type INSERT');
select is((select body ->> 'table' from net.http_calls),  'pipeline_events', 'the body has table pipeline_events');
select is((select body ->> 'schema' from net.http_calls), 'public',          'the body has schema public');
select is((select (body -> 'record' ->> 'id')::bigint from net.http_calls),
          (select id from public.pipeline_events where lead_id = 'b0000000-0000-4000-8000-000000000001'),
  'the body''s record.id is the id of the new pipeline event');
select is((select body -> 'record' ->> 'to_stage' from net.http_calls), 'CONTACTED', 'the body''s record.to_stage is CONTACTED');
select is((select timeout_milliseconds from net.http_calls), 5000, 'the call sets a 5 s timeout');

-- No stage change, no call.
update public.leads set message = 'only a note' where id = 'b0000000-0000-4000-8000-000000000001';
select is((select count(*)::int from net.http_calls), 1, 'an update without a stage change calls no webhook');

------------------------------------------------------------------------------------------------
-- 3. Vault not (fully) configured: no call, and the stage change still succeeds.
------------------------------------------------------------------------------------------------
delete from vault.decrypted_secrets where name = 'leitstand_webhook_secret';
select lives_ok($$ update public.leads set stage = 'REPLIED' where id = 'b0000000-0000-4000-8000-000000000001' $$,
  'without the secret the stage change CONTACTED -> REPLIED succeeds');
select is((select count(*)::int from net.http_calls), 1, 'without the secret no webhook is called');

delete from vault.decrypted_secrets;
select lives_ok($$ update public.leads set stage = 'CONTACTED' where id = 'b0000000-0000-4000-8000-000000000002' $$,
  'without URL and secret the stage change NEW -> CONTACTED succeeds');
select is((select count(*)::int from net.http_calls), 1, 'without URL and secret no webhook is called');
select results_eq(
  $$ select lead_id::text, to_stage::text from public.pipeline_events
      where lead_id in ('b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002') order by id $$,
  $$ values ('b0000000-0000-4000-8000-000000000001'::text, 'CONTACTED'::text),
            ('b0000000-0000-4000-8000-000000000001', 'REPLIED'),
            ('b0000000-0000-4000-8000-000000000002', 'CONTACTED') $$,
  'every stage change still wrote its pipeline event (the timer picks up what the webhook did not announce)');
select results_eq(
  $$ select stage::text from public.leads
      where id in ('b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002') order by id $$,
  $$ values ('REPLIED'::text), ('CONTACTED') $$,
  'both leads carry their new stage');

select * from finish();
rollback;
