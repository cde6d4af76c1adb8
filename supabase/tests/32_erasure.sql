-- Art. 17 erasure (20261207183000_erasures.sql): public.erase_lead for team members only, the lead anonymised in place
-- (stage and history kept), tasks closed and neutral, a won deal restricted, the record in public.erasures; a second
-- call changes nothing; team members read the records, nobody writes them directly.
begin;
create extension if not exists pgtap;
select plan(14);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000321', 'outsider32@example.com'),
  ('a0000000-0000-4000-8000-000000000322', 'member32@example.com');
insert into public.team_members (user_id, display_name) values ('a0000000-0000-4000-8000-000000000322', 'Member');
insert into public.leads (id, name, email, phone, company, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000321', 'Greta Gelöscht', 'greta32@example.com', '+49 30 3232323', 'Greta GmbH', now(), 'v1', 'https://example.com/kontakt');
insert into public.deals (id, lead_id, package, amount_cents) values
  ('c0000000-0000-4000-8000-000000000321', 'b0000000-0000-4000-8000-000000000321', 'SETUP', 149000);
update public.leads set stage = 'CONTACTED' where id = 'b0000000-0000-4000-8000-000000000321';
update public.leads set stage = 'REPLIED' where id = 'b0000000-0000-4000-8000-000000000321';
update public.leads set stage = 'QUALIFIED' where id = 'b0000000-0000-4000-8000-000000000321';
update public.leads set stage = 'CALL_BOOKED', call_at = now() where id = 'b0000000-0000-4000-8000-000000000321';
update public.leads set stage = 'WON' where id = 'b0000000-0000-4000-8000-000000000321';
update public.deals set won_at = '2026-03-01 10:00:00+00' where id = 'c0000000-0000-4000-8000-000000000321';
insert into public.tasks (lead_id, kind, title, due_at) values
  ('b0000000-0000-4000-8000-000000000321', 'follow_up', 'Follow-up an Greta Gelöscht', now());

-- a non-member
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-000000000321","role":"authenticated"}', true);
select is((select result from public.erase_lead('b0000000-0000-4000-8000-000000000321', 'request', now())), 'forbidden',
  'a non-member cannot erase');
select is_empty($$ select * from public.erasures $$, 'a non-member reads no erasure record');

-- a member
select set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-000000000322","role":"authenticated"}', true);
select is((select result from public.erase_lead('b0000000-0000-4000-8000-0000000003ff', 'request', now())), 'not_found',
  'an unknown lead is not_found');
select is((select result from public.erase_lead('b0000000-0000-4000-8000-000000000321', 'request', '2026-12-07 10:00:00+00')), 'erased',
  'a member erases the lead');
select throws_ok($$ insert into public.erasures (lead_id, erased_at, reason, counts) values (gen_random_uuid(), now(), 'request', '{}') $$,
  '42501', null, 'a member cannot write erasure records directly');
select throws_ok($$ delete from public.erasures $$, '42501', null, 'a member cannot delete erasure records');
reset role;

select is((select (name, email, phone, company, consent_source, stage::text, erased_at)::text from public.leads
           where id = 'b0000000-0000-4000-8000-000000000321'),
  '("Gelöscht (Art. 17)",,,,,WON,"2026-12-07 10:00:00+00")', 'the lead is anonymised in place, its stage kept');
select is((select count(*)::int from public.lead_stage_history where lead_id = 'b0000000-0000-4000-8000-000000000321'), 6,
  'its stage history stays (the KPI counts)');
select is((select (title, status::text)::text from public.tasks where lead_id = 'b0000000-0000-4000-8000-000000000321'),
  '("Aufgabe zu einem gelöschten Lead (Art. 17)",CANCELLED)', 'its task is neutral and closed');
select is((select restricted_until from public.deals where id = 'c0000000-0000-4000-8000-000000000321'), date '2036-12-31',
  'the won deal is restricted until the end of the 10th year after the year it was won');
select is((select (erased_by, reason, counts ->> 'leads', counts ->> 'tasks')::text from public.erasures
           where lead_id = 'b0000000-0000-4000-8000-000000000321'),
  '(a0000000-0000-4000-8000-000000000322,request,1,1)', 'the record names who, why and the counts');

-- a second call
set local role authenticated;
select is((select result from public.erase_lead('b0000000-0000-4000-8000-000000000321', 'other', now())), 'already',
  'a second call changes nothing');
reset role;
select is((select count(*)::int from public.erasures where lead_id = 'b0000000-0000-4000-8000-000000000321'), 1, 'one record per lead');

-- a new task for the erased lead is not made
insert into public.tasks (lead_id, kind, title, due_at) values ('b0000000-0000-4000-8000-000000000321', 'follow_up', 'Nachfassen', now());
select is((select count(*)::int from public.tasks where lead_id = 'b0000000-0000-4000-8000-000000000321'), 1,
  'an erased lead gets no new task');

select * from finish();
rollback;
