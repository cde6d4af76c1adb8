-- The lead workbench (issue 18): the search rules (case, accents, word starts) and who may run them, the contact
-- data's version, and the touchpoint note (personal data, stored as given).
begin;
create extension if not exists pgtap;
select plan(20);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000211', 'member21@example.com');
insert into public.team_members (user_id, display_name) values
  ('a0000000-0000-4000-8000-000000000211', 'Member');

-- unaccent lives in schema extensions, as on Supabase.
select is((select extnamespace::regnamespace::text from pg_extension where extname = 'unaccent'), 'extensions',
  'unaccent is installed in schema extensions');

-- The search rules.
select is(public.search_text('Nora Brändl-Öztürk, nora.b@Example.DE'), 'nora brandl ozturk nora b example de',
  'search_text: lower case, no accents, punctuation as a word break');
insert into public.leads (id, name, company, email, phone, contact_basis, handle_channel, handle)
values ('c0000000-0000-4000-8000-000000000211', 'Nora Brändl', 'Studio Nordlicht', 'nora@example.de', '+49 30 23125101', 'cold',
        'instagram', 'nora.brandl_studio');
select ok((select public.lead_search_document(name, company, email, phone, handle) @@ public.lead_search_query('brandl')
           from public.leads where id = 'c0000000-0000-4000-8000-000000000211'), '"brandl" finds "Brändl"');
select ok((select public.lead_search_document(name, company, email, phone, handle) @@ public.lead_search_query('NORA nordl')
           from public.leads where id = 'c0000000-0000-4000-8000-000000000211'), 'every word a word start, in any case');
select ok((select not public.lead_search_document(name, company, email, phone, handle) @@ public.lead_search_query('randl')
           from public.leads where id = 'c0000000-0000-4000-8000-000000000211'), 'the middle of a word is no match');
select ok((select not public.lead_search_document(name, company, email, phone, handle) @@ public.lead_search_query('nora meier')
           from public.leads where id = 'c0000000-0000-4000-8000-000000000211'), 'all words must match');
select ok((select public.lead_search_document(name, company, email, phone, handle) @@ public.lead_search_query('030 2312')
           from public.leads where id = 'c0000000-0000-4000-8000-000000000211'), 'the phone in the national form');
select ok((select public.lead_search_document(name, company, email, phone, handle) @@ public.lead_search_query('0049 30 23125')
           from public.leads where id = 'c0000000-0000-4000-8000-000000000211'), 'the phone in the international form');
select ok((select public.lead_search_document(name, company, email, phone, handle) @@ public.lead_search_query('@nora.brandl_st')
           from public.leads where id = 'c0000000-0000-4000-8000-000000000211'), 'the handle by its start, with or without @');
select is(public.lead_search_query(' ,; '), null::tsquery, 'nothing to search for is a null query');

-- Who may run them: not anon; a member and the functions' role may.
select ok(not has_function_privilege('anon', 'public.lead_search_query(text)', 'EXECUTE'), 'anon cannot run the search');
select ok(has_function_privilege('authenticated', 'public.lead_search_document(text, text, text, text, text)', 'EXECUTE')
          and has_function_privilege('leitstand_functions', 'public.search_text(text)', 'EXECUTE'),
  'authenticated and leitstand_functions can');

-- The search as a member finds the lead by its ids; anyone else finds nothing.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000211", "role": "authenticated"}', true);
select ok('c0000000-0000-4000-8000-000000000211' in (select public.search_lead_ids('brändl nord')), 'a member''s search finds the lead');
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000299", "role": "authenticated"}', true);
select is((select count(*)::int from public.search_lead_ids('brandl')), 0, 'a non-member''s search finds nothing');
reset role;
select ok(not has_function_privilege('anon', 'public.search_lead_ids(text)', 'EXECUTE'), 'anon cannot run search_lead_ids');

-- The contact data's version: +1 on a correction, not on a stage move; a writer cannot set it.
update public.leads set stage = 'CONTACTED' where id = 'c0000000-0000-4000-8000-000000000211';
select is((select version from public.leads where id = 'c0000000-0000-4000-8000-000000000211'), 1, 'a stage move keeps the version');
update public.leads set company = 'Studio Nordlicht GmbH', version = 42 where id = 'c0000000-0000-4000-8000-000000000211';
select is((select version from public.leads where id = 'c0000000-0000-4000-8000-000000000211'), 2,
  'a correction bumps it by one, whatever the writer set');

-- The note: stored as given beside the code, as a member.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000211", "role": "authenticated"}', true);
select lives_ok($$ select public.record_touchpoint('c0000000-0000-4000-8000-000000000211', 'call', 'call_held', now(), null, null,
                                                    'Budget passt, Start im Januar.') $$, 'a member records a touchpoint with a note');
select is((select tp.note from public.lead_touchpoints tp
           where tp.lead_id = 'c0000000-0000-4000-8000-000000000211' and tp.note_code = 'call_held'),
  'Budget passt, Start im Januar.', 'record_touchpoint stores the note as given');
reset role;
select ok(col_description('public.lead_touchpoints'::regclass,
                          (select attnum from pg_attribute where attrelid = 'public.lead_touchpoints'::regclass and attname = 'note'))
          like '%Personal data%', 'lead_touchpoints.note says it is personal data');

select * from finish();
rollback;
