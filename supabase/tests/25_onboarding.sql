-- Fulfilment (issue 19): the onboarding questionnaire as data. Who may read and write answers and links, the link
-- rule (a WON lead only; a new link bumps the version), and the lock on submitted answers.
begin;
create extension if not exists pgtap;
select plan(12);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000251', 'member25@example.com');
insert into public.team_members (user_id, display_name) values
  ('a0000000-0000-4000-8000-000000000251', 'Member');
insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('c0000000-0000-4000-8000-000000000251', 'Klara Kundin', 'klara25@example.de', now(), 'v1', 'test'),
  ('c0000000-0000-4000-8000-000000000252', 'Noch Offen', 'offen25@example.de', now(), 'v1', 'test');
update public.leads set stage = 'CONTACTED' where id = 'c0000000-0000-4000-8000-000000000251';
update public.leads set stage = 'REPLIED' where id = 'c0000000-0000-4000-8000-000000000251';
update public.leads set stage = 'QUALIFIED' where id = 'c0000000-0000-4000-8000-000000000251';
update public.leads set stage = 'CALL_BOOKED', call_at = now() + interval '2 days' where id = 'c0000000-0000-4000-8000-000000000251';
insert into public.deals (lead_id, package, amount_cents) values ('c0000000-0000-4000-8000-000000000251', 'SETUP', 149000);
update public.leads set stage = 'WON' where id = 'c0000000-0000-4000-8000-000000000251';

select ok(exists (select 1 from public.onboarding_templates where version = 1), 'the questionnaire version 1 is data');
select ok(obj_description('public.onboarding_answers'::regclass) like 'Personal data%', 'onboarding_answers says it holds personal data');

-- The link rule, as a team member.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000251", "role": "authenticated"}', true);
select is((select link_version from public.issue_onboarding_link('c0000000-0000-4000-8000-000000000252', now() + interval '1 day', now(), null)),
  null, 'a lead that is not WON gets no link');
select is((select stage from public.issue_onboarding_link('c0000000-0000-4000-8000-000000000252', now() + interval '1 day', now(), null)),
  'NEW', '… and the answer says its stage');
select is((select link_version from public.issue_onboarding_link('c0000000-0000-4000-8000-000000000251', now() + interval '1 day', now(), null)),
  1, 'a WON lead gets link version 1');
select is((select link_version from public.issue_onboarding_link('c0000000-0000-4000-8000-000000000251', now() + interval '1 day', now(), null)),
  2, 'a new link bumps the version (the old one stops working)');
select is((select count(*)::int from public.onboarding_answers where lead_id = 'c0000000-0000-4000-8000-000000000251'),
  1, 'the answers start once, on the newest template');
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000299", "role": "authenticated"}', true);
select is((select count(*)::int from public.onboarding_answers), 0, 'a non-member sees no answers');
reset role;

-- The functions' role serves the customer's page: it writes answers, but cannot change the template.
set local role leitstand_functions;
select lives_ok($$ update public.onboarding_answers set answers = '{"goals": {"change": "x"}}'
                   where lead_id = 'c0000000-0000-4000-8000-000000000251' $$, 'the functions save a draft');
select throws_ok($$ update public.onboarding_templates set title = 'x' $$, '42501', null, 'the functions cannot change the template');
reset role;

-- Submitted answers are locked until reopened.
update public.onboarding_answers set state = 'submitted', submitted_at = now() where lead_id = 'c0000000-0000-4000-8000-000000000251';
select throws_ok($$ update public.onboarding_answers set answers = '{}' where lead_id = 'c0000000-0000-4000-8000-000000000251' $$,
  '23514', null, 'submitted answers cannot change');
select lives_ok($$ update public.onboarding_answers set state = 'draft', submitted_at = null, answers = '{}'
                   where lead_id = 'c0000000-0000-4000-8000-000000000251' $$, 'reopened (draft again) they can');

select * from finish();
rollback;
