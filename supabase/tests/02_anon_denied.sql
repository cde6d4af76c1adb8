-- Role anon (requests with only the publishable/anon key) can read nothing and write nothing in schema public.
-- The migration revokes every privilege on the CRM tables from anon, so each attempt fails with 42501.
begin;
create extension if not exists pgtap;
select plan(51);

-- Fixtures, written as the superuser: one row in every table.
insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000002', 'member@example.com');
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
-- lead_stage_history got its row from the insert trigger on leads; lead_stage_transitions holds the rules.
-- Tables of the pipeline migration (a pipeline event is inserted directly, so no stage change adds
-- history rows; playbook template rows from a later migration may exist besides the fixture).
insert into public.pipeline_events (lead_id, from_stage, to_stage, changed_by) values
  ('b0000000-0000-4000-8000-000000000001', 'NEW', 'CONTACTED', 'fixture');
insert into public.playbooks (key, trigger_stage, title, description, document) values
  ('pgtap_fixture', 'CONTACTED', 'Fixture', 'Fixture playbook', 'pgtap/fixture.md');
insert into public.playbook_steps (playbook_key, step, kind, title, body, due_after) values
  ('pgtap_fixture', 1, 'follow_up', 'Nachfassen bei {vorname}', 'Hallo {vorname}', interval '2 days');
insert into public.agents (id, lead_id, name, key_hash, key_prefix) values
  ('ae000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'Agent',
   encode(sha256('fixture-key'::bytea), 'hex'), 'lsk_fixt');
insert into public.agent_key_handovers (agent_id, key_ciphertext) values
  ('ae000000-0000-4000-8000-000000000001', '\x00010203'::bytea);
-- Tables of the monitoring migration (error_classes holds the fixed taxonomy already). Written directly,
-- so the rows do not depend on the monitoring functions.
insert into public.agent_heartbeats (agent_id, received_at, kind, status, agent_version) values
  ('ae000000-0000-4000-8000-000000000001', '2026-11-25 10:00:00+00', 'heartbeat', 'ok', '1.0.0');
insert into public.agent_status_flips (agent_id, from_status, to_status, flipped_at) values
  ('ae000000-0000-4000-8000-000000000001', 'new', 'up', '2026-11-25 10:00:00+00');
insert into public.agent_maintenance_windows (agent_id, starts_at, ends_at, note) values
  ('ae000000-0000-4000-8000-000000000001', '2026-11-26 08:00:00+00', '2026-11-26 09:00:00+00', 'Update');
insert into public.incidents (id, agent_id, error_class, severity, opened_at, last_seen_at) values
  ('1c000000-0000-4000-8000-000000000001', 'ae000000-0000-4000-8000-000000000001', 'crash_loop', 'critical',
   '2026-11-25 10:01:00+00', '2026-11-25 10:01:00+00');
insert into public.incident_events (incident_id, at, kind) values
  ('1c000000-0000-4000-8000-000000000001', '2026-11-25 10:01:00+00', 'opened');
insert into public.agent_commands (agent_id, incident_id, kind, automatic, requested_at, requested_by) values
  ('ae000000-0000-4000-8000-000000000001', '1c000000-0000-4000-8000-000000000001', 'restart', true,
   '2026-11-25 10:01:00+00', 'leitstand');
-- Table of the workflow check-ins migration.
insert into public.agent_workflows (agent_id, key, name, run_interval, origin, created_at) values
  ('ae000000-0000-4000-8000-000000000001', 'backup', 'backup', interval '1 day', 'client', '2026-11-25 10:00:00+00');
-- Tables of the alert delivery migration (alert_routes holds the seeded default routes already).
insert into public.alerts (id, kind, severity, dedupe_key, subject_type, subject_id, title, body, link, occurred_at) values
  ('a1000000-0000-4000-8000-000000000001', 'incident_opened', 'critical', 'fixture:incident_opened', 'incident',
   '1c000000-0000-4000-8000-000000000001', 'Incident: Absturzschleife', 'Fixture', '#/incidents/1c000000-0000-4000-8000-000000000001',
   '2026-11-25 10:01:00+00');
insert into public.alert_deliveries (alert_id, channel, due_at) values
  ('a1000000-0000-4000-8000-000000000001', 'email', '2026-11-25 10:01:10+00');
insert into public.task_generation_runs (berlin_date, trigger, started_at, finished_at, last_run_at, created) values
  ('2026-11-25', 'timer', '2026-11-25 04:00:00+00', '2026-11-25 04:00:01+00', '2026-11-25 04:00:00+00', '{}');
-- Tables of the KPI migration (packages, stage_probabilities and kpi_settings hold their seeded rows already).
insert into public.kpi_digest_runs (iso_week, week_start, due_at, sent_at) values
  ('2026-W47', '2026-11-16', '2026-11-23 07:00:00+00', '2026-11-23 07:00:00+00');
insert into public.kpi_period_figures (kind, period_start, figures, computed_at) values
  ('week', '2026-11-16', '{"counts": {}}', '2026-11-23 07:00:00+00');
-- Tables of the retention migration.
insert into public.retention_runs (run_at, counts, periods) values ('2026-11-25 03:15:00+00', '{"open_leads": 0}', '{}');
-- Tables of the onboarding migration (onboarding_templates holds the questionnaire already).
insert into public.onboarding_links (lead_id, expires_at) values
  ('b0000000-0000-4000-8000-000000000001', now() + interval '14 days');
insert into public.onboarding_answers (lead_id, template_version, answers) values
  ('b0000000-0000-4000-8000-000000000001', 1, '{"goals": {"change": "Weniger E-Mails"}}');
-- Tables of the installs migration (the checklist template holds its seeded rows already).
insert into public.install_runs (id, lead_id, installer, checklist_version, starts_at, ends_at) values
  ('15000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002', 1,
   '2026-12-08 08:00:00+00', '2026-12-08 13:00:00+00');
insert into public.install_run_items (run_id, position, block, block_title, block_outcome, box_starts_at, box_ends_at, title, kind, safety_baseline) values
  ('15000000-0000-4000-8000-000000000001', 1, 1, 'Kick-off und Ziele', 'Ziele bestätigt', '2026-12-08 08:00:00+00', '2026-12-08 09:00:00+00',
   'Ziele aus dem Onboarding bestätigt', 'check', false);
-- Table of the erasure migration (issue 21).
insert into public.erasures (lead_id, erased_at, erased_by, reason, counts) values
  ('b0000000-0000-4000-8000-0000000000ff', '2026-12-07 10:00:00+00', 'a0000000-0000-4000-8000-000000000002', 'request', '{"leads": 1}');
-- Table of the objections migration (privacy.sql; consent_texts holds its seeded rows already).
insert into public.objections (kind, hash, created_by) values
  ('email', sha256('fixture-objection'::bytea), 'fixture');

-- Counts the rows the current role can see in a table; a permission error counts as 0 rows seen.
create function pg_temp.visible_rows(tbl regclass) returns bigint
language plpgsql as $$
declare n bigint;
begin
  execute format('select count(*) from %s', tbl) into n;
  return n;
exception when insufficient_privilege then
  return 0;
end
$$;

-- Row counts of every table as the superuser sees them, to show at the end that anon changed nothing.
create temp table row_counts_before as
  select c.relname::text as tbl, pg_temp.visible_rows(c.oid) as n
    from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p');

-- Precondition: every table in public holds rows, so "anon sees 0 rows" means something.
select is_empty(
  $$ select c.relname::text from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
        and pg_temp.visible_rows(c.oid) = 0 $$,
  'fixtures: every table in schema public has at least one row');

-- No policy in public may apply to anon or to PUBLIC (which includes anon).
select is_empty(
  $$ select tablename || '.' || policyname from pg_policies
      where schemaname = 'public' and roles && array['anon', 'public']::name[] $$,
  'no policy in schema public applies to anon or to PUBLIC');

-- TRUNCATE bypasses row level security, so anon must not hold it on any table.
select is_empty(
  $$ select c.relname::text from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
        and has_table_privilege('anon', c.oid, 'TRUNCATE') $$,
  'anon holds TRUNCATE on no table in schema public');

set local role anon;
set local request.jwt.claims = '{"role":"anon"}';

-- Every table in public, including tables added later: anon sees nothing.
select is_empty(
  $$ select c.relname::text from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
        and pg_temp.visible_rows(c.oid) > 0 $$,
  'anon sees 0 rows in every table of schema public');

-- team_members
select throws_ok($$ select * from public.team_members $$, '42501', null, 'anon cannot select team_members');
select throws_ok($$ insert into public.team_members (user_id, display_name) values ('a0000000-0000-4000-8000-000000000002', 'x') $$,
  '42501', null, 'anon cannot insert into team_members');
select throws_ok($$ update public.team_members set role = 'owner' $$, '42501', null, 'anon cannot update team_members');
select throws_ok($$ delete from public.team_members $$, '42501', null, 'anon cannot delete from team_members');

-- leads
select throws_ok($$ select * from public.leads $$, '42501', null, 'anon cannot select leads');
select throws_ok($$ insert into public.leads (name, email, consent_at, consent_text_version, consent_source)
                    values ('Anon', 'anon@example.com', now(), 'v1', 'form') $$,
  '42501', null, 'anon cannot insert into leads');
select throws_ok($$ update public.leads set stage = 'WON' $$, '42501', null, 'anon cannot update leads');
select throws_ok($$ delete from public.leads $$, '42501', null, 'anon cannot delete from leads');

-- lead_touchpoints
select throws_ok($$ select * from public.lead_touchpoints $$, '42501', null, 'anon cannot select lead_touchpoints');
select throws_ok($$ insert into public.lead_touchpoints (lead_id, direction, channel, kind)
                    values ('b0000000-0000-4000-8000-000000000001', 'INBOUND', 'email', 'email') $$,
  '42501', null, 'anon cannot insert into lead_touchpoints');
select throws_ok($$ update public.lead_touchpoints set note = 'x' $$, '42501', null, 'anon cannot update lead_touchpoints');
select throws_ok($$ delete from public.lead_touchpoints $$, '42501', null, 'anon cannot delete from lead_touchpoints');

-- lead_stage_history
select throws_ok($$ select * from public.lead_stage_history $$, '42501', null, 'anon cannot select lead_stage_history');
select throws_ok($$ insert into public.lead_stage_history (lead_id, to_stage, changed_by)
                    values ('b0000000-0000-4000-8000-000000000001', 'WON', 'anon') $$,
  '42501', null, 'anon cannot insert into lead_stage_history');
select throws_ok($$ update public.lead_stage_history set to_stage = 'WON' $$, '42501', null, 'anon cannot update lead_stage_history');
select throws_ok($$ delete from public.lead_stage_history $$, '42501', null, 'anon cannot delete from lead_stage_history');

-- deals
select throws_ok($$ select * from public.deals $$, '42501', null, 'anon cannot select deals');
select throws_ok($$ insert into public.deals (lead_id, package, amount_cents)
                    values ('b0000000-0000-4000-8000-000000000001', 'RETAINER', 1000) $$,
  '42501', null, 'anon cannot insert into deals');
select throws_ok($$ update public.deals set amount_cents = 1 $$, '42501', null, 'anon cannot update deals');
select throws_ok($$ delete from public.deals $$, '42501', null, 'anon cannot delete from deals');

-- tasks
select throws_ok($$ select * from public.tasks $$, '42501', null, 'anon cannot select tasks');
select throws_ok($$ insert into public.tasks (kind, title, due_at) values ('x', 'x', now()) $$,
  '42501', null, 'anon cannot insert into tasks');
select throws_ok($$ update public.tasks set title = 'x' $$, '42501', null, 'anon cannot update tasks');
select throws_ok($$ delete from public.tasks $$, '42501', null, 'anon cannot delete from tasks');

-- outbox_messages
select throws_ok($$ select * from public.outbox_messages $$, '42501', null, 'anon cannot select outbox_messages');
select throws_ok($$ insert into public.outbox_messages (id, queue, payload)
                    values (gen_random_uuid(), 'lead-created', '{}') $$,
  '42501', null, 'anon cannot insert into outbox_messages');
select throws_ok($$ update public.outbox_messages set attempts = 99 $$, '42501', null, 'anon cannot update outbox_messages');
select throws_ok($$ delete from public.outbox_messages $$, '42501', null, 'anon cannot delete from outbox_messages');

-- rate_limit_hits
select throws_ok($$ select * from public.rate_limit_hits $$, '42501', null, 'anon cannot select rate_limit_hits');
select throws_ok($$ insert into public.rate_limit_hits (bucket, window_start, hits) values ('x', now(), 1) $$,
  '42501', null, 'anon cannot insert into rate_limit_hits');
select throws_ok($$ update public.rate_limit_hits set hits = 0 $$, '42501', null, 'anon cannot update rate_limit_hits');
select throws_ok($$ delete from public.rate_limit_hits $$, '42501', null, 'anon cannot delete from rate_limit_hits');

-- TRUNCATE would bypass RLS.
select throws_ok($$ truncate public.outbox_messages $$, '42501', null, 'anon cannot truncate outbox_messages');

-- objections and consent_texts (Privacy)
select throws_ok($$ select * from public.objections $$, '42501', null, 'anon cannot select objections');
select throws_ok($$ insert into public.objections (kind, hash, created_by) values ('email', sha256('x'::bytea), 'anon') $$,
  '42501', null, 'anon cannot insert into objections');
select throws_ok($$ select * from public.consent_texts $$, '42501', null, 'anon cannot select consent_texts');

-- Even with claims that would make an authenticated user a team member, anon stays locked out.
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000002","role":"anon","app_metadata":{"role":"team"}}';
select throws_ok($$ select * from public.leads $$, '42501', null, 'anon with team claims still cannot select leads');
select is_empty(
  $$ select c.relname::text from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
        and pg_temp.visible_rows(c.oid) > 0 $$,
  'anon with team claims still sees 0 rows in every table of schema public');

reset role;
reset request.jwt.claims;

-- Nothing was changed by the attempts above.
select is((select count(*)::int from public.team_members),       1, 'team_members unchanged');
select is((select count(*)::int from public.leads),              1, 'leads unchanged');
select is((select count(*)::int from public.lead_touchpoints),   1, 'lead_touchpoints unchanged');
select is((select count(*)::int from public.lead_stage_history), 1, 'lead_stage_history unchanged');
select is((select count(*)::int from public.deals),              1, 'deals unchanged');
select is((select count(*)::int from public.tasks),              1, 'tasks unchanged');
select is((select count(*)::int from public.outbox_messages),    1, 'outbox_messages unchanged');
select is((select count(*)::int from public.rate_limit_hits),    1, 'rate_limit_hits unchanged');
select is_empty(
  $$ select b.tbl from row_counts_before b
      where b.n <> pg_temp.visible_rows(format('public.%I', b.tbl)::regclass) $$,
  'every table of schema public (the pipeline tables included) has as many rows as before');

select * from finish();
rollback;
