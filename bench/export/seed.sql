-- Export benchmark (bench/export.sh), after bench/kpi/seed.sql: one person with a year of history for
-- GET /api/leads/{id}/export, the newest "Jonas Weiß" of the KPI data: 365 touchpoints with notes, 120 stage changes,
-- 250 tasks, 4 deals with corrections, onboarding answers and link, 2 install runs with 40 items, one agent with a
-- year of heartbeats (every 5 minutes: 105,120), 60 incidents with 4 events each, 3 workflows, 120 alerts with 2
-- deliveries each. Triggers off (replica) as in the KPI seed; prints the lead's id. Run it in one transaction (psql -1).
\set ON_ERROR_STOP on
set session_replication_role = replica;

create temp table person as
select id from public.leads where name = 'Jonas Weiß' order by created_at desc limit 1;
insert into person (id) select id from public.leads where not exists (select from person) order by created_at desc limit 1;

update public.leads l set message = 'Wir sind ein Steuerbüro mit zwölf Leuten und möchten Mandantenanfragen vorsortieren.',
  phone = coalesce(l.phone, '+49 171 7654321'), stage = 'WON', stage_changed_at = now() - interval '300 days'
from person p where l.id = p.id;

delete from public.lead_stage_history h using person p where h.lead_id = p.id;
delete from public.lead_touchpoints t using person p where t.lead_id = p.id;
delete from public.tasks t using person p where t.lead_id = p.id;
delete from public.agents a using person p where a.lead_id = p.id;
delete from public.deals d using person p where d.lead_id = p.id;

insert into public.lead_stage_history (lead_id, from_stage, to_stage, changed_at, changed_by)
select p.id, (array['NEW', 'CONTACTED', 'REPLIED', 'QUALIFIED', 'CALL_BOOKED'])[1 + n % 5]::public.lead_stage,
       (array['CONTACTED', 'REPLIED', 'QUALIFIED', 'CALL_BOOKED', 'WON'])[1 + n % 5]::public.lead_stage,
       now() - interval '365 days' + n * interval '3 days', 'bench'
from person p cross join generate_series(1, 120) n;

insert into public.lead_touchpoints (lead_id, direction, channel, kind, note, occurred_at, created_by)
select p.id, case when n % 2 = 0 then 'OUTBOUND' else 'INBOUND' end::public.touchpoint_direction,
       (array['email', 'phone', 'call', 'linkedin'])[1 + n % 4], (array['email', 'call', 'meeting', 'dm'])[1 + n % 4],
       'Abstimmung zu Mandantenanfragen, Vorlagen und Freigaben (' || n || ')', now() - interval '365 days' + n * interval '1 day', 'bench'
from person p cross join generate_series(1, 365) n;

insert into public.deals (id, lead_id, package, amount_cents, status, won_at, created_at, updated_at)
select ('0e000000-0000-4000-8000-00000000000' || n)::uuid, p.id, case when n % 2 = 0 then 'RETAINER' else 'SETUP' end::public.deal_package,
       case when n % 2 = 0 then 14900 else 149000 end, 'WON', now() - interval '300 days' + n * interval '60 days',
       now() - interval '320 days' + n * interval '60 days', now()
from person p cross join generate_series(1, 4) n;
insert into public.deal_history (deal_id, changed_at, changed_by, change, old_values, new_values, reason)
select d.id, d.created_at + interval '1 day', 'bench', 'corrected', '{"amount_cents": 149000}', '{"amount_cents": 139000}', 'Rabatt vereinbart'
from public.deals d join person p on p.id = d.lead_id;

insert into public.tasks (lead_id, kind, title, details, status, due_at, completed_at, created_at)
select p.id, 'follow_up', 'Follow-up ' || n, 'Nachfassen',
       case when n <= 240 then 'DONE' else 'OPEN' end::public.task_status, now() - interval '365 days' + n * interval '36 hours',
       case when n <= 240 then now() - interval '365 days' + n * interval '36 hours' end, now() - interval '366 days' + n * interval '36 hours'
from person p cross join generate_series(1, 250) n;

insert into public.onboarding_answers (lead_id, template_version, state, answers, submitted_at)
select p.id, (select max(version) from public.onboarding_templates), 'submitted',
       '{"firma": "Steuerbüro Weiß", "workflows": [{"name": "Mandantenanfragen", "interval": "PT1H"}]}', now() - interval '290 days'
from person p;
insert into public.onboarding_links (lead_id, expires_at) select p.id, now() - interval '280 days' from person p;

insert into public.install_runs (id, lead_id, installer, checklist_version, starts_at, ends_at, state, finished_at)
select ('0e000000-0000-4000-8000-00000000010' || n)::uuid, p.id, '0b000000-0000-4000-8000-000000000001',
       (select max(version) from public.install_checklist_versions), now() - interval '285 days' + n * interval '7 days',
       now() - interval '285 days' + n * interval '7 days' + interval '5 hours', 'finished', now() - interval '285 days' + n * interval '7 days' + interval '5 hours'
from person p cross join generate_series(1, 2) n;
insert into public.install_run_items (run_id, position, block, block_title, block_outcome, box_starts_at, box_ends_at, title, kind, safety_baseline, state, marked_at, marked_by)
select r.id, n, 1 + n / 5, 'Block ' || (1 + n / 5), 'läuft', r.starts_at, r.ends_at, 'Punkt ' || n, 'check', false, 'done', r.ends_at, 'bench'
from public.install_runs r join person p on p.id = r.lead_id cross join generate_series(1, 20) n;

insert into public.agents (id, lead_id, name, key_hash, key_prefix, status, last_heartbeat_at, created_at)
select '0e000000-0000-4000-8000-000000000201', p.id, 'Kanzlei-Agent', lpad('e', 64, 'e'), 'lsa_expo', 'up', now(), now() - interval '365 days'
from person p;
insert into public.agent_heartbeats (agent_id, received_at, kind, status, agent_version, uptime_seconds)
select '0e000000-0000-4000-8000-000000000201', now() - n * interval '5 minutes', 'heartbeat', 'ok', '1.0.0', n * 300
from generate_series(0, 105119) n;
insert into public.agent_workflows (agent_id, key, name, run_interval, origin, created_at)
select '0e000000-0000-4000-8000-000000000201', 'workflow-' || n, 'Workflow ' || n, interval '1 hour', 'client', now() - interval '300 days'
from generate_series(1, 3) n;
insert into public.incidents (id, agent_id, error_class, severity, status, opened_at, last_seen_at, resolved_at)
select ('0e000000-0000-4000-8000-0000000003' || lpad(n::text, 2, '0'))::uuid, '0e000000-0000-4000-8000-000000000201',
       c.key, c.severity, 'resolved', now() - interval '360 days' + n * interval '6 days', now() - interval '360 days' + n * interval '6 days' + interval '1 hour',
       now() - interval '360 days' + n * interval '6 days' + interval '1 hour'
from generate_series(1, 60) n cross join lateral (select key, severity from public.error_classes order by key offset n % 3 limit 1) c;
insert into public.incident_events (incident_id, at, kind)
select i.id, i.opened_at + k.n * interval '10 minutes', k.kind
from public.incidents i cross join (values (0, 'opened'), (1, 'acknowledged'), (2, 'healthy_again'), (3, 'resolved')) k (n, kind)
where i.agent_id = '0e000000-0000-4000-8000-000000000201';
insert into public.alerts (id, kind, severity, dedupe_key, subject_type, subject_id, title, body, link, occurred_at)
select gen_random_uuid(), k.kind, 'warning', 'bench-export-' || i.id || '-' || m, 'incident', i.id, 'Incident', 'Ein Agent meldet einen Fehler.',
       '#/incidents/' || i.id, i.opened_at
from public.incidents i cross join generate_series(1, 2) m cross join (select kind from public.alert_kinds order by kind limit 1) k
where i.agent_id = '0e000000-0000-4000-8000-000000000201';
insert into public.alert_deliveries (alert_id, channel, state, due_at, delivered_at, attempts)
select a.id, c.channel::public.alert_channel, 'delivered', a.occurred_at, a.occurred_at + interval '2 seconds', 1
from public.alerts a cross join (values ('email'), ('slack')) c (channel)
where a.dedupe_key like 'bench-export-%';

select id from person;
