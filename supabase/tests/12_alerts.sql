-- Alert delivery (20261201230000_alert_delivery.sql): who may read and change what, and the rules of the
-- SQL functions on a fixed clock. anon: nothing. Authenticated non-member: sees nothing. Team member: reads
-- alerts and the delivery log, changes the routes, never writes alerts or deliveries nor calls the
-- functions. leitstand_functions: the producer path and the delivery functions.
begin;
create extension if not exists pgtap;
select plan(31);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000001', 'outsider@example.com'),
  ('a0000000-0000-4000-8000-000000000002', 'member@example.com');
insert into public.team_members (user_id, display_name) values ('a0000000-0000-4000-8000-000000000002', 'Member');
insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000001', 'Erika Muster', 'erika@example.com', now(), 'v1', 'test');
insert into public.agents (id, lead_id, name, key_hash, key_prefix) values
  ('ae000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'Agent Muster',
   encode(sha256('lsa_alerts_one'::bytea), 'hex'), 'lsa_alr1');
insert into public.incidents (id, agent_id, error_class, severity, opened_at, last_seen_at) values
  ('1c000000-0000-4000-8000-000000000001', 'ae000000-0000-4000-8000-000000000001', 'auth_expired', 'critical',
   '2026-12-02 10:00:00+00', '2026-12-02 10:00:00+00'),
  ('1c000000-0000-4000-8000-000000000002', 'ae000000-0000-4000-8000-000000000001', 'upstream_down', 'warning',
   '2026-12-02 10:00:00+00', '2026-12-02 10:00:00+00');

-- The producer path: one row, one outbox message of the v2 contract; the same dedupe key again adds nothing.
set local role leitstand_functions;
select is(cardinality(public.enqueue_alerts('alerts', '[{"kind":"deal_won","severity":"info","dedupe_key":"pgtap:deal","subject_type":"deal",
  "subject_id":"b0000000-0000-4000-8000-000000000001","title":"Deal gewonnen","text":"Test","occurred_at":"2026-12-02T10:00:00Z"}]')),
  1, 'enqueue_alerts writes a new alert');
select is(cardinality(public.enqueue_alerts('alerts', '[{"kind":"deal_won","severity":"info","dedupe_key":"pgtap:deal","subject_type":"deal",
  "subject_id":"b0000000-0000-4000-8000-000000000001","title":"Deal gewonnen","text":"Test","occurred_at":"2026-12-02T10:05:00Z"}]')),
  0, 'the same dedupe key makes no second alert');
select results_eq(
  $$ select o.payload ->> 'type', (o.payload ->> 'version')::int, o.payload #>> '{alerts,0,link}', o.payload #>> '{alerts,0,subject,type}'
       from public.outbox_messages o join public.alerts a on a.id = o.id where a.dedupe_key = 'pgtap:deal' $$,
  $$ values ('alerts'::text, 2, '#/deals/b0000000-0000-4000-8000-000000000001'::text, 'deal'::text) $$,
  'its queue message is the v2 contract with a status center link');
select ok(public.enqueue_incident_alert('alerts', '1c000000-0000-4000-8000-000000000001', 'incident_opened', '2026-12-02 10:00:00+00', 'Test') is not null,
  'incident alerts go through the same path');
select is(public.enqueue_incident_alert('alerts', '1c000000-0000-4000-8000-000000000001', 'incident_opened', '2026-12-02 10:00:00+00', 'Test'),
  (select id from public.alerts where dedupe_key = 'incident:1c000000-0000-4000-8000-000000000001:opened'),
  'a repeated incident alert returns the existing alert');
select ok(public.enqueue_incident_alert('alerts', '1c000000-0000-4000-8000-000000000002', 'incident_opened', '2026-12-02 10:00:00+00', 'Test') is not null,
  'a warning incident alert');

-- Routing by the default routes: critical to every enabled channel, grouped 10 s; warnings to chat and the
-- webhook, not e-mail, grouped 30 s; one row per alert and channel, once.
select is(public.plan_alert_deliveries(array(select id from public.alerts where dedupe_key = 'incident:1c000000-0000-4000-8000-000000000001:opened'),
  '{slack,email,webhook}', '2026-12-02 10:00:00+00'), '2026-12-02 10:00:10+00'::timestamptz,
  'the critical alert opens a group that is due when its window ends');
select results_eq(
  $$ select d.channel::text, d.state::text, d.due_at from public.alert_deliveries d join public.alerts a on a.id = d.alert_id
      where a.dedupe_key = 'incident:1c000000-0000-4000-8000-000000000001:opened' order by 1 $$,
  $$ values ('email'::text, 'pending'::text, '2026-12-02 10:00:10+00'::timestamptz), ('slack', 'pending', '2026-12-02 10:00:10+00'),
            ('webhook', 'pending', '2026-12-02 10:00:10+00') $$,
  'critical: every enabled channel');
select is(public.plan_alert_deliveries(array(select id from public.alerts where dedupe_key = 'incident:1c000000-0000-4000-8000-000000000001:opened'),
  '{slack,email,webhook}', '2026-12-02 10:00:01+00'), null, 'planning the same alert again plans nothing');
select is((select count(*)::int from public.alert_deliveries d join public.alerts a on a.id = d.alert_id
            where a.dedupe_key = 'incident:1c000000-0000-4000-8000-000000000001:opened'), 3, 'still one delivery per channel');
select lives_ok($$ select public.plan_alert_deliveries(array(select id from public.alerts where dedupe_key = 'incident:1c000000-0000-4000-8000-000000000002:opened'),
  '{slack,email,webhook}', '2026-12-02 10:00:00+00') $$, 'planning the warning');
select results_eq(
  $$ select d.channel::text from public.alert_deliveries d join public.alerts a on a.id = d.alert_id
      where a.dedupe_key = 'incident:1c000000-0000-4000-8000-000000000002:opened' order by 1 $$,
  $$ values ('slack'::text), ('webhook') $$,
  'warning: chat and webhook, not e-mail');

-- Claiming: nothing before the window ends; then one message per channel, marked sending; delivered once.
select is_empty($$ select * from public.claim_alert_deliveries('2026-12-02 10:00:05+00', '{slack,email,webhook}', '2 minutes', 100) $$,
  'nothing is due inside the grouping window');
create temp table claimed on commit drop as
  select * from public.claim_alert_deliveries('2026-12-02 10:00:11+00', '{slack,email,webhook}', '2 minutes', 100);
select is((select count(*)::int from claimed where kind = 'incident_opened' and severity = 'critical'), 3, 'the critical alert is claimed on three channels');
select ok((select bool_and(incident_open) from claimed where kind = 'incident_opened'), 'the claim says the incident is open (acknowledge link)');
select is((select count(*)::int from public.alert_deliveries where state = 'sending'), 5,
  'claimed deliveries are sending (the warning joined the open group of its kind: due sooner than its own)');
select is_empty($$ select * from public.claim_alert_deliveries('2026-12-02 10:00:12+00', '{slack,email,webhook}', '2 minutes', 100) $$,
  'a sending delivery is not claimed twice');
select is(cardinality(public.finish_alert_batches(array(select distinct batch_id from claimed where channel = 'email'), '{delivered}', '{null}', '{null}',
  '2026-12-02 10:00:12+00', '6 hours', 'alerts')), 0, 'delivered');
select is(cardinality(public.finish_alert_batches(array(select distinct batch_id from claimed where channel = 'slack'), '{permanent}', '{HTTP 404 from slack}', '{null}',
  '2026-12-02 10:00:12+00', '6 hours', 'alerts')), 1, 'a permanent failure raises one warning');
select is(cardinality(public.finish_alert_batches(array(select distinct batch_id from claimed where channel = 'webhook'), '{transient}', '{HTTP 503}', '{null}',
  '2026-12-02 10:00:12+00', '6 hours', 'alerts')), 0, 'a transient failure is scheduled again');
select results_eq(
  $$ select d.channel::text, d.state::text, d.due_at from public.alert_deliveries d join public.alerts a on a.id = d.alert_id
      where a.dedupe_key = 'incident:1c000000-0000-4000-8000-000000000001:opened' order by 1 $$,
  $$ values ('email'::text, 'delivered'::text, '2026-12-02 10:00:10+00'::timestamptz), ('slack', 'failed', '2026-12-02 10:00:42+00'),
            ('webhook', 'pending', '2026-12-02 10:00:42+00') $$,
  'the log: delivered, failed, pending with a back-off of 30 s');
select is((select attributes ->> 'failed_channel' from public.alerts where kind = 'delivery_failed'), 'slack',
  'the warning names the failed channel');

-- Follow-ups: a reminder after the route's 30 minutes; none again in the same interval.
select is(cardinality(public.alert_follow_ups('alerts', '2026-12-02 10:31:00+00')), 1, 'after 30 minutes: one queue message …');
select results_eq($$ select kind from public.alerts where kind in ('incident_reminder', 'incident_unacknowledged') order by kind $$,
  $$ values ('incident_reminder'::text), ('incident_unacknowledged') $$, '… with a reminder and the escalation');
select is(cardinality(public.alert_follow_ups('alerts', '2026-12-02 10:32:00+00')), 0, 'nothing new a minute later');
select is(public.alert_quiet_until('2026-03-28 23:30:00+00', '22:00', '07:00'), '2026-03-29 05:00:00+00'::timestamptz,
  'quiet hours end at 07:00 Berlin summer time on the night of the change');
reset role;

-- The team reads alerts and the log, changes routes, writes nothing else.
set local role authenticated;
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000002","role":"authenticated"}';
select ok((select count(*) from public.alerts) > 0 and (select count(*) from public.alert_deliveries) > 0, 'a team member reads alerts and the delivery log');
select lives_ok($$ update public.alert_routes set group_window = interval '1 minute' where kind = 'deal_won' $$, 'a team member changes a route');
select throws_ok($$ insert into public.alerts (id, kind, severity, dedupe_key, subject_type, title, body, link, occurred_at)
  values (gen_random_uuid(), 'deal_won', 'info', 'x', 'lead', 'x', 'x', 'x', now()) $$, '42501', null, 'a team member cannot write alerts');
select throws_ok($$ select public.enqueue_alerts('alerts', '[]') $$, '42501', null, 'a team member cannot call the producer function');
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000001","role":"authenticated"}';
select is((select count(*)::int from public.alerts) + (select count(*)::int from public.alert_deliveries) + (select count(*)::int from public.alert_routes),
  0, 'an authenticated non-member sees no alert, delivery or route');
reset role;

select * from finish();
rollback;
