-- One home per rule (20261207100000_rule_homes_pipeline_tasks.sql): "playbook step → task" and "the latest won
-- deal of a lead" on fixed dates, who may run the pipeline reactions and the daily list's rule functions, and
-- no SQL function longer than 150 lines. Everything rolls back.
begin;
create extension if not exists pgtap;
select plan(18);

-- Playbook step → task. Thursday 14 March 2024, 09:00 UTC: follow-up 1 (2 days) falls on Saturday → Monday,
-- follow-up 2 (5 days) on Tuesday stays; the texts keep their placeholders (filled when read, public.task_text).
select is((select due_at from public.playbook_step_tasks('followup_sequence', '2024-03-14 09:00:00+00', null) where step = 1),
  '2024-03-18 09:00:00+00'::timestamptz, 'a follow-up falling on Saturday is due on Monday, same local time');
select is((select due_at from public.playbook_step_tasks('followup_sequence', '2024-03-14 09:00:00+00', null) where step = 2),
  '2024-03-19 09:00:00+00'::timestamptz, 'a follow-up on a weekday stays');
select is((select title from public.playbook_step_tasks('followup_sequence', '2024-03-14 09:00:00+00', null) where step = 1),
  'Follow-up 1 an {name} senden', 'the stored title keeps the placeholder, not the name');
select is((select count(*)::int from public.playbook_step_tasks('followup_sequence', '2024-03-14 09:00:00+00', null)
           where public.task_text(title || details, 'Anna Beispiel', 'Beispiel GmbH', null) like '%{%'), 0,
  'read through public.task_text, no placeholder is left in titles or details');
select is((select count(*)::int from public.playbook_step_tasks('followup_sequence', '2024-03-14 09:00:00+00', null)),
  (select count(*)::int from public.playbook_steps where playbook_key = 'followup_sequence'), 'one task per step of the playbook');

-- The call preparation counts from the call, not from the booking, and keeps its weekend date.
select is((select due_at from public.playbook_step_tasks('call_prep', '2024-03-11 09:00:00+00', '2024-03-16 10:00:00+00') where step = 1),
  '2024-03-16 08:00:00+00'::timestamptz, 'the call preparation is due two hours before the call, also on a Saturday');
select is((select due_at from public.playbook_step_tasks('call_prep', '2024-03-11 09:00:00+00', null) where step = 1),
  '2024-03-11 07:00:00+00'::timestamptz, 'without a call time it counts from the stage change');

-- Without the weekend setting the Saturday stays.
update public.task_settings set weekend_to_monday = false;
select is((select due_at from public.playbook_step_tasks('followup_sequence', '2024-03-14 09:00:00+00', null) where step = 1),
  '2024-03-16 09:00:00+00'::timestamptz, 'without task_settings.weekend_to_monday a Saturday follow-up stays on Saturday');

-- The latest won deal of a lead: the latest won_at (then the larger amount), never an open deal.
insert into public.leads (id, name, contact_basis, handle_channel, handle)
values ('c0000000-0000-4000-8000-000000000001', 'Wilma Won', 'referral', 'instagram', 'wilma.won'),
       ('c0000000-0000-4000-8000-000000000002', 'Nora None', 'referral', 'instagram', 'nora.none');
insert into public.deals (id, lead_id, package, amount_cents, status, won_at) values
  ('d0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'SETUP', 149000, 'WON', '2024-03-01 10:00:00+00'),
  ('d0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'RETAINER', 29000, 'WON', '2024-03-05 10:00:00+00'),
  ('d0000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000001', 'SETUP', 149000, 'OPEN', null),
  ('d0000000-0000-4000-8000-000000000004', 'c0000000-0000-4000-8000-000000000002', 'SETUP', 149000, 'OPEN', null);
select is((select deal_id from public.latest_won_deal('c0000000-0000-4000-8000-000000000001')),
  'd0000000-0000-4000-8000-000000000002'::uuid, 'the latest won deal is the one won last');
select is_empty($$ select * from public.latest_won_deal('c0000000-0000-4000-8000-000000000002') $$,
  'a lead without a won deal has none');

-- Who may run the reactions and the rules: the functions' role, not the API roles, not PUBLIC.
create temp table rule_functions (fn regprocedure);
insert into rule_functions values
  ('public.process_pipeline_events(bigint[], integer, text, bigint[], text[], text[], bytea[])'),
  ('public.create_follow_up_tasks(date, timestamptz)'),
  ('public.create_stale_lead_tasks(date, timestamptz)'),
  ('public.create_call_prep_tasks(date, timestamptz)'),
  ('public.create_overdue_summary_tasks(date, timestamptz)'),
  ('public.create_kpi_shortfall_tasks(date, timestamptz)'),
  ('public.send_daily_tasks_digest(date, timestamptz, text, jsonb)');
select is_empty(
  $$ select fn::text || ' / ' || r from rule_functions, unnest(array['anon', 'authenticated']) r
      where has_function_privilege(r, fn, 'EXECUTE') $$,
  'neither anon nor authenticated may run the pipeline reactions or a rule of the daily list');
select is_empty(
  $$ select fn::text from rule_functions f join pg_proc p on p.oid = f.fn
      where exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where a.grantee = 0) $$,
  'none of them is executable by PUBLIC');
select is_empty(
  $$ select fn::text from rule_functions where not has_function_privilege('leitstand_functions', fn, 'EXECUTE') $$,
  'leitstand_functions may run every one of them');
select is_empty(
  $$ select p.proname::text from rule_functions f join pg_proc p on p.oid = f.fn where p.prosecdef $$,
  'they run with the caller''s rights (no security definer)');

-- The reactions of a LOST event, as the functions' role: open tasks cancelled, deletion date set.
insert into public.leads (id, name, contact_basis, handle_channel, handle)
values ('c0000000-0000-4000-8000-000000000003', 'Lotte Lost', 'referral', 'instagram', 'lotte.lost');
update public.leads set stage = 'LOST', lost_reason = 'Kein Budget' where id = 'c0000000-0000-4000-8000-000000000003';
insert into public.tasks (lead_id, kind, title, due_at) values ('c0000000-0000-4000-8000-000000000003', 'manual', 'Angebot nachfassen', now());
set local role leitstand_functions;
select is(public.process_pipeline_events((select array_agg(id) from public.pipeline_events
                                          where lead_id = 'c0000000-0000-4000-8000-000000000003' and to_stage = 'LOST'), 30, 'alerts'),
  '{}'::uuid[], 'a LOST event sends no alert');
reset role;
select is((select status::text || ': ' || cancel_reason from public.tasks where lead_id = 'c0000000-0000-4000-8000-000000000003'),
  'CANCELLED: Lead verloren', 'a LOST event cancels the open tasks of the lead');
select is((select l.delete_after from public.leads l where l.id = 'c0000000-0000-4000-8000-000000000003'),
  (select e.occurred_at + interval '30 days' from public.pipeline_events e
   where e.lead_id = 'c0000000-0000-4000-8000-000000000003' and e.to_stage = 'LOST'), 'and sets its deletion date after the retention days');

-- Small units: no SQL function of the schema is longer than 150 lines (extensions such as pgTAP aside).
select is_empty(
  $$ select n.nspname || '.' || p.proname || ': ' || array_length(string_to_array(p.prosrc, E'\n'), 1) || ' lines'
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('public', 'auth') and p.prolang in (select oid from pg_language where lanname in ('sql', 'plpgsql'))
       and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
       and array_length(string_to_array(p.prosrc, E'\n'), 1) > 150 $$,
  'no SQL function is longer than 150 lines');

select * from finish();
rollback;
