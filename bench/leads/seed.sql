-- Lead benchmark (bench/leads.sh), after bench/kpi/seed.sql: one lead with a long history for GET /api/leads/{id},
-- the newest "Nora Brändl": two years of back and forth (60 stage changes by team members), 150 touchpoints with
-- notes, 40 tasks (done, cancelled, open), 6 deals, 2 agents with 3 open incidents; a team member for the names in
-- the history. Triggers off (replica) as in the KPI seed; prints the lead's id. Run it in one transaction (psql -1).
\set ON_ERROR_STOP on
set session_replication_role = replica;

create temp table long_lead as
select id, created_at from public.leads where name = 'Nora Brändl' order by created_at desc limit 1;

insert into auth.users (id, email) values ('0b000000-0000-4000-8000-000000000001', 'vertrieb@example.de') on conflict do nothing;
insert into public.team_members (user_id, display_name) values ('0b000000-0000-4000-8000-000000000001', 'Vertrieb') on conflict do nothing;

update public.leads l set message = 'Wir sind eine Bäckerei mit drei Filialen und möchten Bestellungen per WhatsApp annehmen. Bitte rufen Sie mich vormittags an.',
  phone = coalesce(l.phone, '+49 171 2345678'), company = coalesce(l.company, 'Bäckerei Brändl GmbH'), stage = 'WON',
  stage_changed_at = now() - interval '20 days', updated_at = now() - interval '1 day'
from long_lead x where l.id = x.id;

-- its rows from the KPI seed give way to the long history (run in one transaction: bench/leads.sh)
delete from public.lead_stage_history h using long_lead x where h.lead_id = x.id;
delete from public.lead_touchpoints t using long_lead x where t.lead_id = x.id;
delete from public.tasks t using long_lead x where t.lead_id = x.id;
delete from public.agents a using long_lead x where a.lead_id = x.id;
delete from public.deals d using long_lead x where d.lead_id = x.id;
insert into public.lead_stage_history (lead_id, from_stage, to_stage, changed_at, changed_by, lost_reason_code)
select x.id, s.from_stage::public.lead_stage, s.to_stage::public.lead_stage, now() - interval '730 days' + n * interval '12 days',
       case when n % 3 = 0 then 'bench' else '0b000000-0000-4000-8000-000000000001' end,
       case when s.to_stage = 'LOST' then 'keine_zeit' end
from long_lead x
cross join generate_series(0, 59) n
cross join lateral (select (array[null, 'NEW', 'CONTACTED', 'REPLIED', 'QUALIFIED', 'CALL_BOOKED', 'LOST'])[1 + case when n = 0 then 0 else (n - 1) % 6 + 1 end] as from_stage,
                           case when n = 59 then 'WON' else (array['NEW', 'CONTACTED', 'REPLIED', 'QUALIFIED', 'CALL_BOOKED', 'LOST'])[1 + n % 6] end as to_stage) s;

insert into public.lead_touchpoints (lead_id, direction, channel, kind, note, occurred_at, created_by, note_code)
select x.id, case when n % 2 = 0 then 'OUTBOUND' else 'INBOUND' end::public.touchpoint_direction,
       (array['email', 'phone', 'instagram', 'call'])[1 + n % 4], (array['email', 'call', 'dm', 'meeting'])[1 + n % 4],
       'Rückruf vereinbart, Filialen in Kiel und Lübeck, Budget mit dem Steuerberater klären (' || n || ')',
       now() - interval '720 days' + n * interval '4 days 19 hours', 'bench',
       case when n % 2 = 0 then (array['first_message_sent', 'follow_up_sent', 'proposal_sent', 'call_held'])[1 + n / 2 % 4] end
from long_lead x cross join generate_series(1, 150) n;

insert into public.tasks (lead_id, kind, title, details, status, due_at, completed_at, priority, cancel_reason, assignee, created_at)
select x.id, 'follow_up', 'Follow-up ' || n || ': Nora Brändl', 'Nachfassen nach dem Angebot',
       case when n <= 30 then 'DONE' when n <= 35 then 'CANCELLED' else 'OPEN' end::public.task_status,
       now() - interval '700 days' + n * interval '18 days',
       case when n <= 35 then now() - interval '700 days' + n * interval '18 days' + interval '3 hours' end,
       case when n % 5 = 0 then 'high' else 'normal' end, case when n between 31 and 35 then 'Lead hat geantwortet' end,
       '0b000000-0000-4000-8000-000000000001', now() - interval '710 days' + n * interval '18 days'
from long_lead x cross join generate_series(1, 40) n;

insert into public.deals (lead_id, package, amount_cents, status, won_at, starts_on, created_at, updated_at)
select x.id, case when n % 2 = 0 then 'RETAINER' else 'SETUP' end::public.deal_package, case when n % 2 = 0 then 14900 else 149000 end,
       case when n < 5 then 'LOST' else 'WON' end::public.deal_status, case when n >= 5 then now() - interval '20 days' end,
       case when n = 6 then (now() - interval '20 days')::date end, now() - interval '600 days' + n * interval '90 days', now() - interval '20 days'
from long_lead x cross join generate_series(1, 6) n;

insert into public.agents (id, lead_id, name, key_hash, key_prefix, status, last_heartbeat_at)
select ('0b000000-0000-4000-8000-00000000010' || n)::uuid, x.id, 'Bestell-Agent ' || n, lpad(n::text, 64, 'a'), 'lsa_' || n || 'abc',
       'down', now() - interval '2 hours'
from long_lead x cross join generate_series(1, 2) n;
insert into public.incidents (agent_id, error_class, severity, status, opened_at, last_seen_at, occurrences, resolved_at)
values ('0b000000-0000-4000-8000-000000000101', 'crash_loop', 'critical', 'open', now() - interval '2 hours', now() - interval '5 minutes', 14, null),
       ('0b000000-0000-4000-8000-000000000101', 'upstream_down', 'warning', 'acknowledged', now() - interval '1 day', now() - interval '1 hour', 3, null),
       ('0b000000-0000-4000-8000-000000000102', 'auth_expired', 'critical', 'open', now() - interval '3 hours', now() - interval '10 minutes', 1, null),
       ('0b000000-0000-4000-8000-000000000102', 'rate_limited', 'warning', 'resolved', now() - interval '9 days', now() - interval '8 days', 2,
        now() - interval '8 days');

set session_replication_role = origin;
analyze public.lead_stage_history, public.lead_touchpoints, public.tasks, public.deals, public.agents, public.incidents;
select id from long_lead;
