-- Objections and consent texts (privacy.sql, 20261207184000_objections_and_consent.sql): team members record and read
-- objections but never change or delete them; non-members and anon see nothing; the functions' role lifts them (a new
-- opt-in); the consent texts are read-only; public.stop_lead_contact cancels a lead's open tasks and moves an open lead to
-- LOST, a won customer keeps its stage and fulfilment tasks.
begin;
create extension if not exists pgtap;
select plan(18);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000331', 'outsider33@example.com'),
  ('a0000000-0000-4000-8000-000000000332', 'member33@example.com');
insert into public.team_members (user_id, display_name) values ('a0000000-0000-4000-8000-000000000332', 'Member');
insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000331', 'Olga Offen', 'olga33@example.com', now(), '2026-11-25', 'test'),
  ('b0000000-0000-4000-8000-000000000332', 'Kurt Kunde', 'kurt33@example.com', now(), '2026-11-25', 'test');
insert into public.deals (id, lead_id, package, amount_cents) values
  ('c0000000-0000-4000-8000-000000000332', 'b0000000-0000-4000-8000-000000000332', 'SETUP', 149000);
update public.leads set stage = 'CALL_BOOKED', call_at = now() + interval '1 day' where id = 'b0000000-0000-4000-8000-000000000332';
update public.leads set stage = 'WON' where id = 'b0000000-0000-4000-8000-000000000332';
insert into public.tasks (id, lead_id, deal_id, kind, title, due_at) values
  ('d0000000-0000-4000-8000-000000000331', 'b0000000-0000-4000-8000-000000000331', null, 'follow_up', 'Follow-up', now() + interval '1 day'),
  ('d0000000-0000-4000-8000-000000000332', 'b0000000-0000-4000-8000-000000000332', null, 'follow_up', 'Nachfassen', now() + interval '1 day'),
  ('d0000000-0000-4000-8000-000000000333', 'b0000000-0000-4000-8000-000000000332', 'c0000000-0000-4000-8000-000000000332', 'install', 'Installation', now() + interval '2 days');

select is((select text from public.consent_texts where version = '2026-11-25'),
  'Ich bin einverstanden, dass meine Angaben zur Kontaktaufnahme zu diesem Angebot gespeichert und verarbeitet werden. Die Einwilligung kann ich jederzeit per E-Mail widerrufen. Details in der Datenschutzerklärung.',
  'the form''s consent text of 2026-11-25 is stored word for word');

-- a non-member
set local role authenticated;
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000331","role":"authenticated","app_metadata":{}}';
select throws_ok($$ insert into public.objections (kind, hash, created_by) values ('email', sha256('a'::bytea), 'x') $$,
  '42501', null, 'a non-member cannot record an objection');

-- a member records and reads, never changes or deletes
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000332","role":"authenticated","app_metadata":{}}';
select lives_ok($$ insert into public.objections (id, kind, hash, created_by)
                   values ('0b000000-0000-4000-8000-000000000331', 'email', sha256('objection-33'::bytea), 'a0000000-0000-4000-8000-000000000332') $$,
  'a member records an objection');
select throws_ok($$ insert into public.objections (kind, hash, created_by) values ('email', sha256('objection-33'::bytea), 'x') $$,
  '23505', null, 'one active objection per hash');
select throws_ok($$ insert into public.objections (kind, hash, created_by) values ('email', 'kurz'::bytea, 'x') $$,
  '23514', null, 'a hash is 32 bytes (HMAC-SHA256)');
select is((select count(*)::int from public.objections where id = '0b000000-0000-4000-8000-000000000331'), 1, 'a member sees the objection');
select throws_ok($$ update public.objections set lifted_at = now(), lifted_by = 'x', lifted_reason = 'opt_in' $$,
  '42501', null, 'a member cannot lift an objection');
select throws_ok($$ delete from public.objections $$, '42501', null, 'a member cannot delete an objection');
select throws_ok($$ update public.consent_texts set text = 'anders' $$, '42501', null, 'a member cannot change a consent text');

select is((select row(leads_stopped, tasks_cancelled)::text from public.stop_lead_contact(
            array['b0000000-0000-4000-8000-000000000331', 'b0000000-0000-4000-8000-000000000332']::uuid[], 'widerspruch', 'Widerspruch (Art. 21 DSGVO)')),
  '(2,2)', 'stop_lead_contact stops both leads and cancels their two sales tasks');
select is((select stage::text || ' ' || lost_reason_code from public.leads where id = 'b0000000-0000-4000-8000-000000000331'),
  'LOST widerspruch', 'an open lead moves to LOST with the reason code');
select is((select stage::text from public.leads where id = 'b0000000-0000-4000-8000-000000000332'), 'WON', 'a won customer keeps its stage');
select is((select status::text from public.tasks where id = 'd0000000-0000-4000-8000-000000000333'), 'OPEN', 'a won customer keeps its fulfilment task');
select is((select cancel_reason from public.tasks where id = 'd0000000-0000-4000-8000-000000000331'), 'Widerspruch (Art. 21 DSGVO)',
  'the cancelled task names the objection');

-- anon
set local role anon;
set local request.jwt.claims = '{"role":"anon"}';
select throws_ok($$ select public.stop_lead_contact(array[]::uuid[], 'x', 'x') $$, '42501', null, 'anon cannot call stop_lead_contact');

-- the functions' role lifts an objection (a new opt-in through the form)
reset role;
set local role leitstand_functions;
set local request.jwt.claims = '';
select lives_ok($$ update public.objections set lifted_at = now(), lifted_by = 'form', lifted_reason = 'opt_in'
                   where id = '0b000000-0000-4000-8000-000000000331' and lifted_at is null $$, 'the functions lift an objection');
select is((select lifted_reason from public.objections where id = '0b000000-0000-4000-8000-000000000331'), 'opt_in', 'the objection is lifted by the opt-in');
select throws_ok($$ delete from public.objections $$, '42501', null, 'the functions cannot delete an objection');

select * from finish();
rollback;
