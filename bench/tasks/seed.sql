-- Daily-task benchmark data (bench/tasks.sh): :n leads in a realistic stage mix around :'at' (the morning
-- run, Wednesday 2 December 2026 05:00 in Berlin), as the pipeline would have left them: creation and stage
-- entry in the history, one stage event per lead, touchpoints, won deals, and the playbook tasks the
-- stage-change path created (follow-ups for 90 % of contacted leads, call tasks for 90 % of booked calls; the
-- other 10 % have stage events not processed yet, a long outage of webhook and timer, which the daily list
-- catches up on). Triggers are off while loading (replica), so every row
-- is written here, set-based; three team members share the assignments.
\set ON_ERROR_STOP on
set session_replication_role = replica;
select setseed(0.42);

insert into auth.users (id, email)
select ('b0000000-0000-4000-8000-00000000000' || i)::uuid, 'bench-' || i || '@example.de' from generate_series(1, 3) i
on conflict do nothing;
insert into public.team_members (user_id, display_name)
select ('b0000000-0000-4000-8000-00000000000' || i)::uuid, 'Bench ' || i from generate_series(1, 3) i
on conflict do nothing;

create temp table bench_leads as
with base as (
  select i, random() as r, random() as r2, random() as r3, random() as r4
  from generate_series(1, :n) i
), staged as (
  select i, r2, r3, r4,
         case when r < 0.08 then 'NEW' when r < 0.38 then 'CONTACTED' when r < 0.44 then 'REPLIED'
              when r < 0.48 then 'QUALIFIED' when r < 0.50 then 'CALL_BOOKED' when r < 0.55 then 'WON'
              else 'LOST' end::public.lead_stage as stage
  from base
)
select gen_random_uuid() as id, i, stage,
       -- created within the last 120 days (NEW leads within the last 4 days)
       :'at'::timestamptz - case when stage = 'NEW' then r2 * interval '4 days' else interval '5 days' + r2 * interval '115 days' end as created_at,
       -- in the current stage since up to 14 days (NEW: since creation)
       case when stage = 'NEW' then null else :'at'::timestamptz - r3 * interval '14 days' end as entered_at,
       case when stage = 'CALL_BOOKED' then :'at'::timestamptz + (r4 * 8 - 3) * interval '1 day' end as call_at,
       case when r4 < 0.6 then 'form' when r4 < 0.7 then 'referral' when r4 < 0.75 then 'existing_customer' else 'cold' end::public.contact_basis as basis,
       ('b0000000-0000-4000-8000-00000000000' || (1 + i % 3))::uuid as assignee
from staged;
update bench_leads set entered_at = created_at where entered_at is null or entered_at < created_at;

insert into public.leads (id, name, email, handle_channel, handle, company, stage, stage_changed_at, call_at, source, contact_basis,
                          consent_at, consent_text_version, consent_source, lost_reason, created_at, updated_at)
select id, 'Bench Lead ' || i,
       case when basis <> 'cold' then 'bench-lead-' || i || '@example.de' end,
       case when basis = 'cold' then 'instagram' end, case when basis = 'cold' then 'bench.lead.' || i end,
       'Bench GmbH ' || i, stage, entered_at, call_at, 'bench', basis,
       case when basis = 'form' then created_at end, case when basis = 'form' then '2026-11-25' end,
       case when basis = 'form' then 'landing-page:/' end,
       case when stage = 'LOST' then 'Keine Antwort' end, created_at, entered_at
from bench_leads;

insert into public.lead_stage_history (lead_id, from_stage, to_stage, changed_at, changed_by)
select id, null::public.lead_stage, 'NEW'::public.lead_stage, created_at, 'bench' from bench_leads
union all
select id, case when stage in ('CONTACTED', 'CALL_BOOKED') then 'NEW' when stage = 'REPLIED' then 'CONTACTED'
                when stage = 'QUALIFIED' then 'REPLIED' when stage = 'WON' then 'CALL_BOOKED' else 'CONTACTED' end::public.lead_stage,
       stage, entered_at, 'bench'
from bench_leads where stage <> 'NEW';

create temp table bench_events as
with inserted as (
  insert into public.pipeline_events (lead_id, from_stage, to_stage, occurred_at, changed_by, processed_at, attempts)
  select id, null, stage, entered_at, 'bench', case when i % 10 <> 0 then entered_at end, case when i % 10 <> 0 then 1 else 0 end
  from bench_leads where stage <> 'NEW'
  returning id, lead_id
)
select * from inserted;

-- form submission (inbound) for form leads, the first contact (outbound) for every lead past NEW, the reply
-- (inbound) for every lead past CONTACTED, a note a day after entering for a third of the rest
insert into public.lead_touchpoints (lead_id, direction, channel, kind, note_code, occurred_at)
select id, 'INBOUND'::public.touchpoint_direction, 'landing_page', 'form_submission', null::text, created_at from bench_leads where basis = 'form'
union all
select id, 'OUTBOUND', 'instagram', 'dm', 'first_message_sent', least(entered_at, created_at + interval '1 day')
from bench_leads where stage <> 'NEW'
union all
select id, 'INBOUND', 'instagram', 'dm', 'replied', entered_at
from bench_leads where stage in ('REPLIED', 'QUALIFIED', 'CALL_BOOKED', 'WON')
union all
select id, 'OUTBOUND', 'email', 'email', 'proposal_sent', entered_at + interval '1 day'
from bench_leads where stage in ('REPLIED', 'QUALIFIED', 'CALL_BOOKED') and i % 3 = 0 and entered_at + interval '1 day' < :'at'::timestamptz;

insert into public.deals (lead_id, package, amount_cents, status, won_at, created_at, updated_at)
select id, 'SETUP'::public.deal_package, 149000, 'WON'::public.deal_status, entered_at, entered_at, entered_at from bench_leads where stage = 'WON'
union all
select id, 'SETUP', 149000, 'OPEN', null, entered_at, entered_at from bench_leads where stage = 'CALL_BOOKED';

-- what the stage-change path made: the playbook steps of the current stage (90 % of the leads; the same
-- rule as that path, public.playbook_step_tasks), done if due more than a day ago, otherwise open (some overdue)
insert into public.tasks (lead_id, kind, title, details, status, due_at, assignee, playbook_key, playbook_step, source_event_id,
                          created_at, completed_at, outcome)
select l.id, s.kind, s.title, s.details,
       case when s.due_at < :'at'::timestamptz - interval '1 day' and l.i % 50 <> 0 then 'DONE' else 'OPEN' end::public.task_status,
       s.due_at, l.assignee, s.playbook_key, s.step, e.id, l.entered_at,
       case when s.due_at < :'at'::timestamptz - interval '1 day' and l.i % 50 <> 0 then s.due_at end,
       case when s.due_at < :'at'::timestamptz - interval '1 day' and l.i % 50 <> 0 then 'done' end
from bench_leads l
join bench_events e on e.lead_id = l.id
join public.playbooks p on p.trigger_stage = l.stage
cross join lateral public.playbook_step_tasks(p.key, l.entered_at, l.call_at) s
where l.i % 10 <> 0 and l.stage not in ('LOST');

set session_replication_role = origin;
analyze;
select (select count(*) from public.leads) as leads, (select count(*) from public.lead_touchpoints) as touchpoints,
       (select count(*) from public.pipeline_events) as events, (select count(*) from public.tasks) as tasks;
