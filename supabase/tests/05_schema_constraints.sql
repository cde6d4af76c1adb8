-- Key constraints of the CRM schema: normalised unique e-mail, valid stages, positive deal amounts,
-- required consent fields. Constraints hold for every role, so the writes run as the superuser.
begin;
create extension if not exists pgtap;
select plan(33);

-- Structure
select col_is_unique('public', 'leads', 'email', 'leads.email is unique');
-- Since the daily tasks (20261202010000_daily_tasks.sql) a prospect may have a handle instead of an e-mail,
-- and only the form basis needs a consent (check leads_form_consent below).
select col_is_null('public', 'leads', 'email', 'leads.email may be null (a prospect with a handle)');
select col_not_null('public', 'leads', 'contact_basis', 'leads.contact_basis is not null');
select col_is_unique('public', 'leads', array['handle_channel', 'handle'], 'a handle is unique per channel');
select ok(exists (select 1 from pg_constraint where conrelid = 'public.leads'::regclass and conname = 'leads_form_consent'),
  'the form basis requires its consent (check leads_form_consent)');
select col_type_is('public', 'leads', 'stage', 'lead_stage', 'leads.stage uses the lead_stage enum');
select col_not_null('public', 'leads', 'stage', 'leads.stage is not null');
select col_default_is('public', 'leads', 'stage', 'NEW', 'leads.stage defaults to NEW');
select enum_has_labels('public', 'lead_stage',
  array['NEW', 'CONTACTED', 'REPLIED', 'QUALIFIED', 'CALL_BOOKED', 'WON', 'LOST'],
  'lead_stage has exactly the pipeline stages, in order');
select col_not_null('public', 'deals', 'amount_cents', 'deals.amount_cents is not null');

-- A valid lead as the baseline.
select lives_ok($$ insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source)
                   values ('b0000000-0000-4000-8000-000000000001', 'Erika Muster', 'erika@example.com', now(), 'v1', 'form') $$,
  'a valid lead is accepted');
select is((select stage::text from public.leads where id = 'b0000000-0000-4000-8000-000000000001'), 'NEW',
  'a new lead starts in stage NEW');

-- E-mail: unique, stored normalised.
select throws_ok($$ insert into public.leads (name, email, consent_at, consent_text_version, consent_source)
                    values ('Erika Zwei', 'erika@example.com', now(), 'v1', 'form') $$,
  '23505', null, 'a duplicate e-mail is rejected');
select throws_ok($$ insert into public.leads (name, email, consent_at, consent_text_version, consent_source)
                    values ('Erika Upper', 'Erika@Example.com', now(), 'v1', 'form') $$,
  '23514', null, 'an e-mail with upper-case letters is rejected by the check');
select throws_ok($$ insert into public.leads (name, email, consent_at, consent_text_version, consent_source)
                    values ('Erika Space', ' erika@example.com ', now(), 'v1', 'form') $$,
  '23514', null, 'an e-mail with surrounding whitespace is rejected by the check');
select throws_ok($$ insert into public.leads (name, email, consent_at, consent_text_version, consent_source)
                    values ('No Mail', 'not-an-email', now(), 'v1', 'form') $$,
  '23514', null, 'a malformed e-mail is rejected');
select throws_ok($$ update public.leads set email = 'ERIKA@EXAMPLE.COM' where id = 'b0000000-0000-4000-8000-000000000001' $$,
  '23514', null, 'updating an e-mail to upper case is rejected');

-- Stage must be a valid enum value.
select throws_ok($$ insert into public.leads (name, email, stage, consent_at, consent_text_version, consent_source)
                    values ('Bad Stage', 'bad-stage@example.com', 'ARCHIVED', now(), 'v1', 'form') $$,
  '22P02', null, 'an unknown stage is rejected on insert');
select throws_ok($$ update public.leads set stage = 'new' where id = 'b0000000-0000-4000-8000-000000000001' $$,
  '22P02', null, 'an unknown stage (wrong case) is rejected on update');
-- Since the stage rules (20261125101000_pipeline_rules.sql) the before-update trigger rejects the move
-- to NULL first (no such transition, 23514); with triggers off the NOT NULL constraint still holds.
select throws_ok($$ update public.leads set stage = null where id = 'b0000000-0000-4000-8000-000000000001' $$,
  '23514', null, 'stage cannot be set to null (rejected by the stage rules)');
set local session_replication_role = replica;   -- disables ordinary triggers for this transaction
select throws_ok($$ update public.leads set stage = null where id = 'b0000000-0000-4000-8000-000000000001' $$,
  '23502', null, 'stage cannot be null (NOT NULL holds without the triggers too)');
set local session_replication_role = origin;

-- Consent fields are required for the form basis (the default).
select throws_ok($$ insert into public.leads (name, email, consent_text_version, consent_source)
                    values ('No Consent', 'no-consent-1@example.com', 'v1', 'form') $$,
  '23514', null, 'consent_at is required');
select throws_ok($$ insert into public.leads (name, email, consent_at, consent_source)
                    values ('No Consent', 'no-consent-2@example.com', now(), 'form') $$,
  '23514', null, 'consent_text_version is required');
select throws_ok($$ insert into public.leads (name, email, consent_at, consent_text_version)
                    values ('No Consent', 'no-consent-3@example.com', now(), 'v1') $$,
  '23514', null, 'consent_source is required');
select throws_ok($$ insert into public.leads (name, email, consent_at, consent_text_version, consent_source)
                    values ('No Consent', 'no-consent-4@example.com', now(), '', 'form') $$,
  '23514', null, 'consent_text_version cannot be empty');
select throws_ok($$ insert into public.leads (name, email, consent_at, consent_text_version, consent_source)
                    values ('No Consent', 'no-consent-5@example.com', now(), 'v1', '') $$,
  '23514', null, 'consent_source cannot be empty');

-- Deal amount must be positive.
select lives_ok($$ insert into public.deals (lead_id, package, amount_cents)
                   values ('b0000000-0000-4000-8000-000000000001', 'SETUP', 1) $$,
  'a deal with a positive amount is accepted');
select throws_ok($$ insert into public.deals (lead_id, package, amount_cents)
                    values ('b0000000-0000-4000-8000-000000000001', 'SETUP', 0) $$,
  '23514', null, 'a deal amount of 0 is rejected');
select throws_ok($$ insert into public.deals (lead_id, package, amount_cents)
                    values ('b0000000-0000-4000-8000-000000000001', 'RETAINER', -100) $$,
  '23514', null, 'a negative deal amount is rejected');
select throws_ok($$ insert into public.deals (lead_id, package, amount_cents)
                    values ('b0000000-0000-4000-8000-000000000001', 'RETAINER', null) $$,
  '23502', null, 'a deal without amount is rejected');
select throws_ok($$ insert into public.deals (lead_id, package, amount_cents, currency)
                    values ('b0000000-0000-4000-8000-000000000001', 'SETUP', 1000, 'USD') $$,
  '23514', null, 'a deal in another currency than EUR is rejected');
select throws_ok($$ insert into public.deals (lead_id, package, amount_cents, status)
                    values ('b0000000-0000-4000-8000-000000000001', 'SETUP', 1000, 'WON') $$,
  '23514', null, 'a WON deal without won_at is rejected');
select throws_ok($$ insert into public.deals (lead_id, package, amount_cents)
                    values ('b0000000-0000-4000-8000-00000000dead', 'SETUP', 1000) $$,
  '23503', null, 'a deal for an unknown lead is rejected');

select * from finish();
rollback;
