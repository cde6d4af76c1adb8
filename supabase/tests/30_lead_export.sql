-- Auskunft (DSGVO Art. 15, issue 21): public.lead_export gives everything stored about a lead as one JSON document,
-- to team members only, without the agent's key hash.
begin;
create extension if not exists pgtap;
select plan(9);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000301', 'member30@example.com');
insert into public.team_members (user_id, display_name) values
  ('a0000000-0000-4000-8000-000000000301', 'Member');
insert into public.leads (id, name, email, phone, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000301', 'Erika Auskunft', 'erika30@example.com', '+49 30 1234567', now(), 'v1', 'test');
insert into public.lead_touchpoints (lead_id, direction, channel, kind, note) values
  ('b0000000-0000-4000-8000-000000000301', 'INBOUND', 'email', 'email', 'Fragt nach Preisen.');
insert into public.agents (id, lead_id, name, key_hash, key_prefix) values
  ('ae000000-0000-4000-8000-000000000301', 'b0000000-0000-4000-8000-000000000301', 'Agent Auskunft',
   encode(sha256('lsa_export_one'::bytea), 'hex'), 'lsa_exp1');

select ok(not has_function_privilege('anon', 'public.lead_export(uuid)', 'execute'), 'anon may not call lead_export');

set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000301", "role": "authenticated"}', true);
create temp table export_30 as select public.lead_export('b0000000-0000-4000-8000-000000000301')::jsonb as doc;
select is((select doc->>'export_version' from export_30), '1', 'the export names its version');
select is((select doc->'lead'->>'email' from export_30), 'erika30@example.com', 'the lead''s fields are in it');
select ok(not ((select doc->'lead' from export_30) ? 'search_document'), 'without the derived search words');
select is((select doc->'touchpoints'->0->>'note' from export_30), 'Fragt nach Preisen.', 'its touchpoints with their notes');
select is((select doc->'agents'->0->>'name' from export_30), 'Agent Auskunft', 'its agents');
select ok((select doc::text from export_30) !~ ('key_hash|' || encode(sha256('lsa_export_one'::bytea), 'hex')), 'no key hash');
select ok(public.lead_export('b0000000-0000-4000-8000-0000000003ff') is null, 'an unknown lead gives null');

select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000399", "role": "authenticated"}', true);
select ok(public.lead_export('b0000000-0000-4000-8000-000000000301') is null, 'a signed-in non-member sees nothing');

select * from finish();
rollback;
