-- Erasure benchmark data (bench/erase.sh): :people customers won in the last year among the KPI data (bench/kpi/seed.sql)
-- get what a year with them leaves behind, written the old way (names in texts): touchpoint notes, tasks named after
-- them (open and done), an agent named after the company with a workflow, onboarding answers and link, an install
-- with a skipped item's reason, alerts and their outbox messages and delivery logs naming them. Set-based; the
-- queue public.bench_erase_queue (n → lead) says which lead each erasure takes.
\set ON_ERROR_STOP on

create table public.bench_erase_queue (n bigint primary key, lead_id uuid not null);
create sequence public.bench_erase_seq;
grant select on public.bench_erase_queue to leitstand_functions;
grant usage on sequence public.bench_erase_seq to leitstand_functions;

insert into public.bench_erase_queue (n, lead_id)
select row_number() over (order by random()), x.lead_id
from (select d.lead_id from public.deals d join public.leads l on l.id = d.lead_id
      where d.status = 'WON' and d.won_at >= now() - interval '1 year' and l.stage = 'WON'
      group by d.lead_id order by random() limit :people) x;

insert into public.lead_touchpoints (lead_id, direction, channel, kind, note, occurred_at)
select q.lead_id, 'OUTBOUND', 'email', 'email', 'Angebot an ' || l.name || ' (' || coalesce(l.email, l.handle) || ')', l.created_at + g * interval '20 days'
from public.bench_erase_queue q join public.leads l on l.id = q.lead_id cross join generate_series(1, 12) g;

insert into public.tasks (lead_id, kind, title, details, status, due_at, completed_at)
select q.lead_id, 'follow_up', 'Follow-up ' || g || ' an ' || l.name || ' senden', 'Noch keine Antwort von ' || l.name || '?',
       case when g < 20 then 'DONE' else 'OPEN' end::public.task_status, l.created_at + g * interval '15 days',
       case when g < 20 then l.created_at + g * interval '15 days' end
from public.bench_erase_queue q join public.leads l on l.id = q.lead_id cross join generate_series(1, 24) g;

insert into public.tasks (kind, rule, title, details, due_at, dedupe_key, generated_for)
select 'overdue_summary', 'overdue_summary', 'Überfällig: offene Aufgaben aufarbeiten',
       'Jede Aufgabe erledigen:' || E'\n- Follow-up 24 an ' || l.name || ' senden (fällig 01.12.)', now(), 'bench-overdue:' || q.n, current_date
from public.bench_erase_queue q join public.leads l on l.id = q.lead_id;

insert into public.agents (lead_id, name, key_hash, key_prefix)
select q.lead_id, coalesce(l.company, l.name) || ' Agent', encode(sha256(q.lead_id::text::bytea), 'hex'), 'lsa_bnch'
from public.bench_erase_queue q join public.leads l on l.id = q.lead_id;

insert into public.agent_workflows (agent_id, key, name, run_interval, origin, created_at)
select a.id, 'rechnungen', 'Rechnungen für ' || l.name, interval '1 day', 'onboarding', now()
from public.bench_erase_queue q join public.leads l on l.id = q.lead_id join public.agents a on a.lead_id = q.lead_id;

insert into public.onboarding_answers (lead_id, template_version, answers)
select q.lead_id, (select max(version) from public.onboarding_templates),
       jsonb_build_object('contact', jsonb_build_object('name', l.name, 'email', l.email, 'phone', l.phone))
from public.bench_erase_queue q join public.leads l on l.id = q.lead_id;
insert into public.onboarding_links (lead_id, expires_at) select q.lead_id, now() + interval '14 days' from public.bench_erase_queue q;

with run as (
  insert into public.install_runs (lead_id, installer, checklist_version, starts_at, ends_at)
  select q.lead_id, gen_random_uuid(), 1, now() - interval '200 days', now() - interval '200 days' + interval '5 hours'
  from public.bench_erase_queue q
  returning id, lead_id, starts_at
)
insert into public.install_run_items (run_id, position, block, block_title, block_outcome, box_starts_at, box_ends_at, title, kind,
                                      safety_baseline, state, marked_at, marked_by, reason)
select run.id, 1, 1, 'Kick-off', 'Ziele', run.starts_at, run.starts_at + interval '1 hour', 'Ziele bestätigt', 'check', false, 'skipped',
       now(), 'team', l.name || ' war nicht erreichbar'
from run join public.leads l on l.id = run.lead_id;

insert into public.alerts (id, kind, severity, dedupe_key, subject_type, subject_id, title, body, link, occurred_at, attributes, created_at)
select gen_random_uuid(), 'lead_new', 'info', 'bench-lead:' || q.lead_id || ':' || g, 'lead', q.lead_id, 'Neuer Lead',
       'Neuer Lead: ' || l.name, '#/leads/' || q.lead_id, l.created_at, jsonb_build_object('lead_id', q.lead_id), l.created_at
from public.bench_erase_queue q join public.leads l on l.id = q.lead_id cross join generate_series(1, 3) g;
insert into public.alert_deliveries (alert_id, channel, due_at, last_error)
select a.id, 'webhook', a.created_at, 'Zustellung abgelehnt: ' || a.body
from public.alerts a where a.dedupe_key like 'bench-lead:%';
insert into public.outbox_messages (id, queue, payload, created_at, sent_at)
select gen_random_uuid(), 'alerts', jsonb_build_object('type', 'alerts', 'version', 2, 'alerts',
         jsonb_build_array(jsonb_build_object('alert_id', a.id, 'title', a.title, 'text', a.body))), a.created_at, a.created_at
from public.alerts a where a.dedupe_key like 'bench-lead:%';
insert into public.outbox_messages (id, queue, payload, created_at, sent_at)
select gen_random_uuid(), 'lead-captured', jsonb_build_object('type', 'lead.captured', 'lead_id', q.lead_id), l.created_at, l.created_at
from public.bench_erase_queue q join public.leads l on l.id = q.lead_id;

analyze public.bench_erase_queue, public.lead_touchpoints, public.tasks, public.agents, public.agent_workflows, public.alerts, public.alert_deliveries, public.outbox_messages;
