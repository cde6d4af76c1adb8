-- Deals from packages and their history (20261207121000_deals_and_agent_actions.sql): public.deal_history is
-- written by trigger for every writer (who, when, before/after, why) and read by team members only; nobody edits it.
-- public.create_deal and public.correct_deal keep the deal rules (price from the package, another amount with a
-- reason, no deal for a lost lead) and run under the caller's claims.
begin;
create extension if not exists pgtap;
select plan(22);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000001', 'outsider@example.com'),
  ('a0000000-0000-4000-8000-000000000002', 'member@example.com');
insert into public.team_members (user_id, display_name) values ('a0000000-0000-4000-8000-000000000002', 'Member');
insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000001', 'Erika Muster', 'erika@example.com', now(), 'v1', 'https://example.com/kontakt'),
  ('b0000000-0000-4000-8000-000000000002', 'Lars Lost', 'lars@example.com', now(), 'v1', 'https://example.com/kontakt');
update public.leads set stage = 'CONTACTED' where id = 'b0000000-0000-4000-8000-000000000002';
update public.leads set stage = 'LOST', lost_reason = 'Kein Budget' where id = 'b0000000-0000-4000-8000-000000000002';
insert into public.deals (id, lead_id, package, amount_cents) values
  ('c0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'SETUP', 149000);

select is((select count(*)::int from public.deal_history where deal_id = 'c0000000-0000-4000-8000-000000000001'
             and change = 'created' and changed_by = session_user and (new_values ->> 'amount_cents')::int = 149000), 1,
  'an insert by any writer writes the created entry with the database role');
select ok((select relrowsecurity from pg_class where oid = 'public.deal_history'::regclass), 'RLS enabled on public.deal_history');

-- anon
set local role anon;
set local request.jwt.claims = '{"role":"anon"}';
select throws_ok($$ select * from public.deal_history $$, '42501', null, 'anon cannot select deal_history');
select throws_ok($$ insert into public.deal_history (deal_id, changed_by, change, new_values)
                    values ('c0000000-0000-4000-8000-000000000001', 'anon', 'created', '{}') $$, '42501', null, 'anon cannot insert into deal_history');
select throws_ok($$ select public.create_deal('b0000000-0000-4000-8000-000000000001', 'SETUP', null, null, null) $$,
  '42501', null, 'anon cannot call create_deal');

-- authenticated, not a member
set local role authenticated;
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000001","role":"authenticated","app_metadata":{}}';
select is((select count(*)::int from public.deal_history), 0, 'non-member sees 0 deal_history rows');
select is((select count(*)::int from public.create_deal('b0000000-0000-4000-8000-000000000001', 'SETUP', null, null, null)), 0,
  'non-member creates no deal (the lead is invisible)');

-- team member
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000002","role":"authenticated","app_metadata":{}}';
select is((select count(*)::int from public.deal_history), 1, 'member sees the history');
select throws_ok($$ insert into public.deal_history (deal_id, changed_by, change, new_values)
                    values ('c0000000-0000-4000-8000-000000000001', 'x', 'created', '{}') $$, '42501', null, 'member cannot insert into deal_history');
select throws_ok($$ update public.deal_history set reason = 'x' $$, '42501', null, 'member cannot update deal_history');
select throws_ok($$ delete from public.deal_history $$, '42501', null, 'member cannot delete from deal_history');

select throws_ok($$ select public.create_deal('b0000000-0000-4000-8000-000000000002', 'SETUP', null, null, null) $$,
  '23514', 'Der Lead ist verloren: Für ihn kann kein Deal angelegt werden. Bitte ihn zuerst wiedereröffnen.', 'no deal for a lost lead');
select throws_ok($$ select public.create_deal('b0000000-0000-4000-8000-000000000001', 'GOLD', null, null, null) $$,
  '23514', null, 'no deal from an unknown package');
select throws_ok($$ select public.create_deal('b0000000-0000-4000-8000-000000000001', 'SETUP', 99000, ' ', null) $$,
  '23514', 'Der Betrag weicht vom Paketpreis (1.490 €) ab: Bitte den Grund angeben.', 'another amount needs a reason');
select is((select count(*)::int from public.create_deal('b0000000-0000-4000-8000-000000000001', 'retainer', null, null, '2027-01-01')), 1,
  'member creates a retainer deal with its start');
select is((select count(*)::int from public.deals d join public.deal_history h on h.deal_id = d.id
            where d.lead_id = 'b0000000-0000-4000-8000-000000000001' and d.package = 'RETAINER' and d.amount_cents = 14900
              and d.starts_on = '2027-01-01' and h.changed_by = 'a0000000-0000-4000-8000-000000000002'), 1,
  'the retainer takes its package price and its history names the member');

select throws_ok($$ select public.correct_deal('c0000000-0000-4000-8000-000000000001', '{"amount_cents": 100000}', null) $$,
  '23514', null, 'a new amount without a reason is refused');
select is((select count(*)::int from public.correct_deal('c0000000-0000-4000-8000-000000000001',
             '{"amount_cents": 100000, "price_reason": "Rabatt"}', 'nachverhandelt')), 1, 'a new amount with its reason is corrected');
select is((select (old_values ->> 'amount_cents') || '>' || (new_values ->> 'amount_cents') || ' ' || reason || ' ' || changed_by
             from public.deal_history where deal_id = 'c0000000-0000-4000-8000-000000000001' and change = 'corrected'),
  '149000>100000 nachverhandelt a0000000-0000-4000-8000-000000000002', 'the correction keeps before, after, why and who');
select lives_ok($$ update public.deals set status = 'LOST' where id = 'c0000000-0000-4000-8000-000000000001' $$,
  'the member may change a deal directly (table editor)');
select is((select count(*)::int from public.deal_history where deal_id = 'c0000000-0000-4000-8000-000000000001'
             and new_values ->> 'status' = 'LOST'), 1, 'a direct change is in the history too');

-- the functions' role reads, never writes
reset role;
set local role leitstand_functions;
select throws_ok($$ insert into public.deal_history (deal_id, changed_by, change, new_values)
                    values ('c0000000-0000-4000-8000-000000000001', 'x', 'created', '{}') $$, '42501', null, 'functions cannot insert into deal_history');

select * from finish();
rollback;
