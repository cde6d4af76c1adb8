-- Issue 21, no personal data in derived text (20261207182000_task_texts_without_names.sql,
-- 20261207182100_lost_reason_codes.sql): stored task titles and details keep placeholders and are filled at read
-- time (public.task_text); the overdue summary lists tasks by reference; agents made at WON carry no name; the
-- stage history keeps a lost reason's code, never free text. Everything rolls back.
begin;
create extension if not exists pgtap;
select plan(16);

-- a fixed Wednesday, not now(): a weekend moves a new lead's first contact to Monday, and after midnight in Berlin
-- the UTC date is still yesterday
insert into public.leads (id, name, company, phone, contact_basis, handle_channel, handle, created_at, stage_changed_at)
values ('f1000000-0000-4000-8000-000000000001', 'Greta Geheim', 'Geheim GmbH', '+49 170 1234567', 'cold', 'instagram', 'greta.geheim',
        '2026-11-18 09:00+01', '2026-11-18 09:00+01');

-- Reading fills the placeholders; an erased name reads as such.
select is(public.task_text('Call mit {name} ({firma}), Hi {vorname}, {handle}', 'Greta Geheim', 'Geheim GmbH', 'greta.geheim'),
  'Call mit Greta Geheim (Geheim GmbH), Hi Greta, greta.geheim', 'task_text fills name, first name, company and handle');
select is(public.task_text('Erstkontakt: {name}', null, null, null), 'Erstkontakt: gelöschter Lead', 'a lead without a name reads "gelöschter Lead"');

-- First contact: stored without name or handle, read with them.
select is((select created from public.create_first_contact_tasks(date '2026-11-18', timestamptz '2026-11-18 10:00+01', array['f1000000-0000-4000-8000-000000000001'::uuid])), 1,
  'the first contact is created');
select is((select title from public.tasks where lead_id = 'f1000000-0000-4000-8000-000000000001' and rule = 'first_contact'),
  'Erstkontakt: {name}', 'its stored title keeps the placeholder');
select is((select count(*)::int from public.tasks t
           where t.lead_id = 'f1000000-0000-4000-8000-000000000001'
             and (t.title || coalesce(t.details, '')) ~* '(greta|geheim|1234567)'), 0,
  'no stored title or detail contains the name, company, handle or phone');
select is((select public.task_text(t.title, l.name, l.company, l.handle) from public.tasks t join public.leads l on l.id = t.lead_id
           where t.lead_id = 'f1000000-0000-4000-8000-000000000001' and t.rule = 'first_contact'),
  'Erstkontakt: Greta Geheim', 'read, it shows the name');
select ok((select public.task_text(t.details, l.name, l.company, l.handle) like '%Kanal: instagram (greta.geheim)%'
           from public.tasks t join public.leads l on l.id = t.lead_id
           where t.lead_id = 'f1000000-0000-4000-8000-000000000001' and t.rule = 'first_contact'),
  'read, the details show the handle');

-- Playbook steps: the stored texts are the step's own, with placeholders.
select is((select count(*)::int from public.playbook_step_tasks('followup_sequence', now(), null) s
           join public.playbook_steps p on p.playbook_key = s.playbook_key and p.step = s.step
           where s.title <> left(p.title, 200)), 0, 'playbook step tasks keep the step''s title with its placeholders');

-- The overdue summary: no names, the tasks by reference; a task that is gone reads as such.
insert into public.tasks (id, lead_id, kind, title, due_at)
values ('f2000000-0000-4000-8000-000000000001', 'f1000000-0000-4000-8000-000000000001', 'manual', 'Angebot an {name} senden', '2024-03-11 09:00:00+00');
select is((select created from public.create_overdue_summary_tasks('2024-03-13', '2024-03-13 05:00:00+01')), 1, 'one summary for the unassigned');
select is((select count(*)::int from public.tasks where rule = 'overdue_summary' and generated_for = '2024-03-13'
             and (title || details || attributes::text) ~* 'greta|geheim'), 0, 'the stored summary names no one');
select ok((select attributes -> 'items' @> '[{"task_id": "f2000000-0000-4000-8000-000000000001"}]'::jsonb
           from public.tasks where rule = 'overdue_summary' and generated_for = '2024-03-13'),
  'it lists the overdue task by its id');
select is((select public.overdue_summary_lines(attributes -> 'items') from public.tasks where rule = 'overdue_summary' and generated_for = '2024-03-13'),
  '- Angebot an Greta Geheim senden (fällig 11.03.)', 'read, the line shows the task''s title with the name');
delete from public.tasks where id = 'f2000000-0000-4000-8000-000000000001';
select is((select public.overdue_summary_lines(attributes -> 'items') from public.tasks where rule = 'overdue_summary' and generated_for = '2024-03-13'),
  '- Aufgabe eines gelöschten Leads (fällig 11.03.)', 'a task that is gone reads as a deleted lead''s task');

-- Agents made at WON: package and id only.
select is(public.agent_default_name('1a2b3c4d-0000-4000-8000-000000000001', 'SETUP'), 'Agent Setup #1a2b3c4d', 'an agent''s default name is its package and id');

-- Lost reasons: the history keeps the code, never the note; a note alone counts as 'sonstiges'.
update public.leads set stage = 'LOST', lost_reason_code = 'preis', lost_reason = 'Greta findet es zu teuer'
where id = 'f1000000-0000-4000-8000-000000000001';
select is((select string_agg(coalesce(h.lost_reason_code, '-'), ',') from public.lead_stage_history h
           where h.lead_id = 'f1000000-0000-4000-8000-000000000001' and h.to_stage = 'LOST'), 'preis', 'the history keeps the code');
select is((select count(*)::int from public.lead_stage_history h where to_jsonb(h)::text ~* 'greta|teuer'), 0,
  'no history row holds the note');

select * from finish();
rollback;
