-- The Auskunft speaks German (session 9): public.code_labels holds the German labels of codes without a catalogue of
-- their own (team members read them, nobody writes them but a migration), and public.lead_export keeps every code and
-- puts its label beside it (<field>_label).
begin;
create extension if not exists pgtap;
select plan(9);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000351', 'member35@example.com');
insert into public.team_members (user_id, display_name) values
  ('a0000000-0000-4000-8000-000000000351', 'Member');
insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000351', 'Erika Etikett', 'erika35@example.com', now(), 'v1', 'test');
update public.leads set stage = 'CONTACTED' where id = 'b0000000-0000-4000-8000-000000000351';
insert into public.lead_touchpoints (lead_id, direction, channel, kind) values
  ('b0000000-0000-4000-8000-000000000351', 'INBOUND', 'email', 'email');

select ok(not has_table_privilege('anon', 'public.code_labels', 'select'), 'anon may not read the labels');
select ok(not has_table_privilege('authenticated', 'public.code_labels', 'insert, update, delete'), 'the labels change by migration only');
select is((select label from public.code_labels where code_set = 'task_status' and code = 'OPEN'), 'offen', 'a code has its German label');
select ok(not exists (select from public.code_labels where code = label and code ~ '_'), 'no label is just its snake_case code');

set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000351", "role": "authenticated"}', true);
create temp table export_35 as select public.lead_export('b0000000-0000-4000-8000-000000000351')::jsonb as doc;
select is((select doc->'lead'->>'stage' from export_35), 'CONTACTED', 'the export keeps the code');
select is((select doc->'lead'->>'stage_label' from export_35), 'Kontaktiert', 'and has its label beside it');
select is((select doc->'stage_history'->-1->>'from_stage_label' from export_35), 'Neu', 'the stage history too');
select is((select doc->'touchpoints'->0->>'direction_label' || ' · ' || (doc->'touchpoints'->0->>'channel_label') from export_35),
  'eingehend · E-Mail', 'and every other code, e.g. of a touchpoint');

select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000399", "role": "authenticated"}', true);
select is_empty('select * from public.code_labels', 'a signed-in non-member reads no labels');

select * from finish();
rollback;
