-- The lead workbench (issue 18), the lead API: search, detail, contact edits, notes on touchpoints.
--   unaccent                        in schema extensions (trusted: the migration role needs no superuser)
--   leads.version                   the contact data's version for optimistic concurrency (PATCH /api/leads/{id}),
--                                   bumped by touch_lead when name, company, email, phone, handle or message change
--   search_text, lead_search_document, lead_search_query, leads_search_idx
--                                   the search: case and accents folded, word starts, a GIN index
--   lead_touchpoints.note           the team's free-text note (personal data, comment); record_touchpoint and
--                                   complete_task take it (p_note) and no longer copy the note code's label
--                                   into it (the label is the code's: touchpoint_note_codes)
-- Nothing else a user sees changes.

create extension if not exists unaccent with schema extensions;
-- the search runs as every role that writes leads (its index) or searches them
grant usage on schema extensions to leitstand_functions;

-- ---------------------------------------------------------------------------------------------
-- The contact data's version.
alter table public.leads add column version integer not null default 1 check (version > 0);
comment on column public.leads.version is
  'Version of the contact data (name, company, email, phone, handle, handle_channel, message): +1 on every change of them (trigger leads_touch); an edit names the version it read (PATCH /api/leads/{id}), a stale one is refused.';

create or replace function public.touch_lead() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  if new.stage is distinct from old.stage then
    new.stage_changed_at := now();
  end if;
  new.version := old.version
    + case when (new.name, new.company, new.email, new.phone, new.handle, new.handle_channel, new.message)
                is distinct from (old.name, old.company, old.email, old.phone, old.handle, old.handle_channel, old.message)
           then 1 else 0 end;
  return new;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- The search.
create function public.search_text(p_text text) returns text
language sql immutable parallel safe strict set search_path = '' as $$
  select pg_catalog.btrim(pg_catalog.regexp_replace(
    pg_catalog.lower(extensions.unaccent('extensions.unaccent'::regdictionary, p_text)), '[[:punct:][:space:]]+', ' ', 'g'))
$$;

create function public.lead_search_document(p_name text, p_company text, p_email text, p_phone text, p_handle text)
returns tsvector
language sql immutable parallel safe set search_path = '' as $$
  select pg_catalog.to_tsvector('pg_catalog.simple'::regconfig, coalesce(public.search_text(
           concat_ws(' ', p_name, p_company, p_email, p_phone, p_handle, d.digits,
                     case when d.digits like '49%' then '0' || substr(d.digits, 3)
                          when d.digits like '0%' then '49' || substr(d.digits, 2) end)), ''))
  from (select nullif(regexp_replace(regexp_replace(coalesce(p_phone, ''), '[^0-9]', '', 'g'), '^00', ''), '') as digits) d
$$;

create function public.lead_search_query(p_search text) returns tsquery
language sql immutable parallel safe set search_path = '' as $$
  select nullif(concat_ws(' | ', '(' || w.words || ')', quote_literal(d.digits) || ':*'), '')::tsquery
  from (select string_agg(quote_literal(x.lexeme) || ':*', ' & ' order by x.lexeme) as words
        from unnest(tsvector_to_array(pg_catalog.to_tsvector('pg_catalog.simple'::regconfig,
                                                             coalesce(public.search_text(p_search), '')))) as x(lexeme)) w
  cross join (select case when p_search ~ '^[0-9 +()/.-]+$' and length(regexp_replace(p_search, '[^0-9]', '', 'g')) >= 3
                          then regexp_replace(regexp_replace(p_search, '[^0-9]', '', 'g'), '^00', '') end as digits) d
$$;

revoke all on function public.search_text(text), public.lead_search_document(text, text, text, text, text),
  public.lead_search_query(text) from public, anon;
grant execute on function public.search_text(text), public.lead_search_document(text, text, text, text, text),
  public.lead_search_query(text) to authenticated, leitstand_functions;

-- fastupdate off: a new lead goes into the index at once instead of a pending list that every search reads (and
-- the planner counts) until the next vacuum; leads are written a few hundred times a day, searched all day.
create index leads_search_idx on public.leads using gin (public.lead_search_document(name, company, email, phone, handle))
  with (fastupdate = off);

-- The leads a search finds, as ids, for a team member (anyone else: none). Under row level security PostgreSQL
-- may not use the GIN index for @@: the operator is not leakproof, so it must run after the policies, on every
-- row. This function runs as its owner (not subject to the policies), asks public.is_team_member() itself, as the
-- policies do, and gives only the ids; the caller reads the leads under its own rights.
create function public.search_lead_ids(p_search text) returns setof uuid
language sql stable security definer set search_path = '' rows 100 as $$
  select l.id from public.leads l
  where (select public.is_team_member())
    and public.lead_search_document(l.name, l.company, l.email, l.phone, l.handle) @@ public.lead_search_query(p_search)
$$;
revoke all on function public.search_lead_ids(text) from public, anon;
grant execute on function public.search_lead_ids(text) to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Notes on touchpoints. The label copies record_touchpoint wrote into note are the code's, not a note.
comment on column public.lead_touchpoints.note is
  'Free text about the contact: the form''s message, the team''s short note (at most 500 characters by the API: business notes, never chat contents or sensitive data). Personal data of the lead: exported and erased with it (DSGVO Art. 15, 17). What happened as a code: note_code.';

update public.lead_touchpoints tp set note = null
from public.touchpoint_note_codes c
where tp.note_code = c.code and tp.note = c.label;

drop function public.record_touchpoint(uuid, text, text, timestamptz, uuid, public.touchpoint_direction);
create function public.record_touchpoint(p_lead uuid, p_channel text, p_note_code text, p_at timestamptz,
                                         p_task uuid default null, p_direction public.touchpoint_direction default null,
                                         p_note text default null)
returns table (touchpoint_id uuid, direction public.touchpoint_direction, from_stage public.lead_stage, to_stage public.lead_stage)
language plpgsql set search_path = '' as $$
declare
  v_code public.touchpoint_note_codes;
  v_stage public.lead_stage;
  v_handle_channel text;
  v_to public.lead_stage;
  v_tp uuid;
begin
  select * into v_code from public.touchpoint_note_codes c where c.code = p_note_code;
  if not found then
    raise exception 'Unbekannter Notiz-Code „%“.', p_note_code using errcode = 'invalid_parameter_value';
  end if;
  if p_direction is not null and p_direction <> v_code.direction then
    raise exception 'Der Notiz-Code „%“ passt nicht zur Richtung %.', p_note_code, p_direction using errcode = 'invalid_parameter_value';
  end if;
  select l.stage, l.handle_channel into v_stage, v_handle_channel from public.leads l where l.id = p_lead for update;
  if not found then
    return;
  end if;

  insert into public.lead_touchpoints (lead_id, direction, channel, kind, note, note_code, occurred_at)
  values (p_lead, v_code.direction,
          case p_channel when 'dm' then coalesce(v_handle_channel, 'other') when 'email' then 'email'
                         when 'call' then 'phone' when 'meeting' then 'call' end,
          case p_channel when 'dm' then 'dm' when 'email' then 'email' when 'call' then 'call' when 'meeting' then 'meeting' end,
          p_note, v_code.code, p_at)
  returning id into v_tp;

  v_to := case when v_stage = 'NEW' and v_code.direction = 'OUTBOUND' then 'CONTACTED'::public.lead_stage
               when v_stage = 'CONTACTED' and v_code.direction = 'INBOUND' then 'REPLIED'::public.lead_stage end;
  if v_to is not null then
    update public.leads set stage = v_to where id = p_lead and stage = v_stage;
  end if;

  if v_code.direction = 'OUTBOUND' then
    update public.tasks set status = 'DONE', completed_at = p_at, outcome = 'done', outcome_channel = p_channel,
      outcome_note_code = v_code.code, touchpoint_id = v_tp
    where lead_id = p_lead and status = 'OPEN' and rule in ('first_contact', 'stale') and id is distinct from p_task;
  end if;
  if v_to = 'REPLIED' then
    update public.tasks set status = 'CANCELLED', completed_at = p_at, cancel_reason = 'Lead hat geantwortet'
    where lead_id = p_lead and status = 'OPEN' and playbook_key = 'followup_sequence' and id is distinct from p_task;
  end if;

  touchpoint_id := v_tp;
  direction := v_code.direction;
  from_stage := v_stage;
  to_stage := coalesce(v_to, v_stage);
  return next;
end
$$;
revoke all on function public.record_touchpoint(uuid, text, text, timestamptz, uuid, public.touchpoint_direction, text) from public, anon;
grant execute on function public.record_touchpoint(uuid, text, text, timestamptz, uuid, public.touchpoint_direction, text)
  to authenticated, leitstand_functions;

drop function public.complete_task(uuid, text, text, text, timestamptz);
create function public.complete_task(p_task uuid, p_outcome text, p_channel text, p_note_code text, p_at timestamptz,
                                     p_note text default null)
returns table (result text, lead_id uuid, touchpoint_id uuid, from_stage public.lead_stage, to_stage public.lead_stage)
language plpgsql set search_path = '' as $$
declare
  v_task public.tasks;
  v_code text;
  v_tp record;
  v_tp_id uuid;
begin
  select * into v_task from public.tasks t where t.id = p_task for update;
  if not found then
    result := 'not_found'; return next; return;
  end if;
  lead_id := v_task.lead_id;
  if v_task.status <> 'OPEN' then
    result := 'not_open'; return next; return;
  end if;
  if p_outcome = 'done' and p_channel is null and v_task.lead_id is not null
     and (v_task.rule = 'first_contact' or v_task.kind = 'follow_up') then
    result := 'channel_required'; return next; return;
  end if;

  if p_outcome = 'done' and p_channel is not null and v_task.lead_id is not null then
    v_code := coalesce(p_note_code, case when v_task.rule = 'first_contact' then 'first_message_sent'
                                         when v_task.kind = 'follow_up' then 'follow_up_sent'
                                         when v_task.kind = 'mark_lost' then 'closing_message_sent'
                                         else 'other_outbound' end);
    select * into v_tp from public.record_touchpoint(v_task.lead_id, p_channel, v_code, p_at, p_task, null, p_note);
    v_tp_id := v_tp.touchpoint_id;
    touchpoint_id := v_tp_id;
    from_stage := v_tp.from_stage;
    to_stage := v_tp.to_stage;
  end if;
  if p_note is not null and v_tp_id is null then
    result := 'note_without_touchpoint'; return next; return;
  end if;

  update public.tasks t set status = case when p_outcome = 'done' then 'DONE'::public.task_status else 'CANCELLED'::public.task_status end,
    completed_at = p_at, outcome = p_outcome, outcome_channel = p_channel, outcome_note_code = coalesce(v_code, p_note_code),
    touchpoint_id = v_tp_id, cancel_reason = case when p_outcome = 'skipped' then 'Übersprungen' end
  where t.id = p_task and t.status = 'OPEN';
  result := 'completed';
  return next;
end
$$;
revoke all on function public.complete_task(uuid, text, text, text, timestamptz, text) from public, anon;
grant execute on function public.complete_task(uuid, text, text, text, timestamptz, text) to leitstand_functions;
grant execute on function public.complete_task(uuid, text, text, text, timestamptz, text) to authenticated;

-- ---------------------------------------------------------------------------------------------
-- The playbooks' texts (docs/vertrieb/cold-dm-skript.md, docs/vorlagen/qualifizierung.md, call-vorbereitung.md)
-- describe the touchpoint fields the API has: channel, note code and the optional note.
update public.playbooks set description = replace(description,
  $old$dass Kontakt stattfand: Touchpoint mit Kanal (`instagram`, `x`, `linkedin`), Art `dm` oder `follow_up` und
  einer Notiz wie „Erst-DM gesendet“.$old$,
  $new$dass Kontakt stattfand: die Aufgabe mit Kanal `dm` erledigen oder einen Touchpoint anlegen (Kanal `dm`,
  Notiz-Code wie `first_message_sent` „Erstnachricht gesendet“; die Plattform ist die des Handles). Die
  optionale Notiz (höchstens 500 Zeichen) nur für Geschäftliches in Stichworten, nie für Chat-Inhalte.$new$)
where key = 'followup_sequence';
update public.playbooks set description = replace(description,
  $old$1. Erst-DM senden (Varianten unten), Touchpoint anlegen, Stufe auf CONTACTED setzen.$old$,
  $new$1. Erst-DM senden (Varianten unten), dann die Aufgabe „Erstkontakt“ mit Kanal `dm` erledigen (oder einen
   Touchpoint mit Notiz-Code `first_message_sent` anlegen): Der Lead steht danach auf CONTACTED.$new$)
where key = 'followup_sequence';
update public.playbook_steps set body = replace(body,
  $old$- Touchpoint anlegen: Kanal, Art `follow_up`, Notiz „Follow-up 1 gesendet“. Keine Chat-Inhalte.$old$,
  $new$- Die Aufgabe mit Kanal `dm` erledigen (Notiz-Code `follow_up_sent`, „Follow-up gesendet“). Keine Chat-Inhalte.$new$)
where playbook_key = 'followup_sequence' and step = 1;
update public.playbook_steps set body = replace(body,
  $old$- Touchpoint anlegen: Kanal, Art `follow_up`, Notiz „Follow-up 2 gesendet“. Keine Chat-Inhalte.$old$,
  $new$- Die Aufgabe mit Kanal `dm` erledigen (Notiz-Code `follow_up_sent`, „Follow-up gesendet“). Keine Chat-Inhalte.$new$)
where playbook_key = 'followup_sequence' and step = 2;
update public.playbook_steps set body = replace(body,
  $old$3. Falls die Abschlussnachricht rausging: Touchpoint mit Notiz „Abschluss-DM gesendet“. Keine Chat-Inhalte.$old$,
  $new$3. Falls die Abschlussnachricht rausging: Touchpoint mit Kanal `dm` und Notiz-Code `closing_message_sent`
   („Abschlussnachricht gesendet“). Keine Chat-Inhalte.$new$)
where playbook_key = 'followup_sequence' and step = 3;
update public.playbooks set description = replace(description,
  $old$Im Leitstand nur das Ergebnis in Stichworten als Touchpoint (Art `call`): Zeitfresser, grobe Stunden pro Woche,
Tools, Budget ok, Entscheider, Startwunsch.$old$,
  $new$Im Leitstand nur das Ergebnis als Touchpoint: Kanal `call`, Notiz-Code `call_held` („Gespräch geführt“) und in
der Notiz (höchstens 500 Zeichen) Stichworte: Zeitfresser, grobe Stunden pro Woche, Tools, Budget ok,
Entscheider, Startwunsch.$new$)
where key = 'qualification';
update public.playbook_steps set body = replace(body,
  $old$- Ergebnis in Stichworten als Touchpoint festhalten. Keine Mitschrift, keine Chat-Inhalte.$old$,
  $new$- Ergebnis als Touchpoint festhalten: Kanal `call`, Notiz-Code `call_held`, Stichworte in der Notiz (höchstens
  500 Zeichen). Keine Mitschrift, keine Chat-Inhalte.$new$)
where playbook_key = 'qualification' and step = 1;
update public.playbook_steps set body = replace(body,
  $old$- Notizen aus der Qualifizierung lesen (Touchpoints im Leitstand):$old$,
  $new$- Notizen aus der Qualifizierung lesen (Touchpoints in der Lead-Ansicht):$new$)
where playbook_key = 'call_prep' and step = 1;
update public.playbook_steps set body = replace(body,
  $old$- Ergebnis in Stichworten als Touchpoint. Keine Mitschrift.$old$,
  $new$- Ergebnis als Touchpoint: Kanal `call` oder `meeting`, Notiz-Code `call_held`, Stichworte in der Notiz
  (höchstens 500 Zeichen). Keine Mitschrift.$new$)
where playbook_key = 'call_prep' and step = 2;
