-- Fulfilment (issue 19): the onboarding questionnaire as data (supabase/schemas/onboarding.sql), its first
-- version, the alert kind "Onboarding ausgefüllt" with its route, and the onboarding playbook's text saying where
-- the questionnaire lives now.

-- Fulfilment (issue 19): the onboarding questionnaire as data. A versioned template (the questions, German),
-- the customer's answers per lead and template version (personal data), and the signed link through which the
-- customer fills them in (only its version is stored, never the link). The C# side (shared/Fulfilment/) renders
-- the template, checks every field and signs the link; the rules of which rows change are here.

-- The questionnaire, one row per version; the rows: reference_data.sql. A new version is a new row (a migration),
-- so answers always name the version they answer. sections: [{key, title, intro?, kind: 'fields' | 'table' |
-- 'repeat', fields: [{key, label, type, required, max?, hint?, options?}], rows? (table), count? (repeat),
-- fixed? (shown, always true)}]; field types text, textarea, email, phone, choice, date, frequency (a cron schedule
-- in Europe/Berlin or an interval).
create table public.onboarding_templates (
  version integer primary key check (version >= 1),
  title text not null check (char_length(title) between 1 and 120),
  intro text not null check (char_length(intro) between 1 and 2000),
  sections jsonb not null check (jsonb_typeof(sections) = 'array' and jsonb_array_length(sections) > 0)
);

-- The customer's answers, per lead and template version. state 'draft' while the customer (or, after
-- "Zur Bearbeitung öffnen", again) edits them; 'submitted' locks them (public.onboarding_answers_lock).
-- answers: {"goals": {…}, "channels": [{channel, tool, rights}], "workflows": [{name, trigger, steps, result,
-- schedule + timezone | interval, approval} ×3], "approval_rules": {always, own, approver, deputy}, "devices": {…},
-- "contact": {…}, "install": {…}} (keys: the template's section and field keys).
create table public.onboarding_answers (
  lead_id uuid not null references public.leads (id) on delete cascade,
  template_version integer not null references public.onboarding_templates (version),
  state text not null default 'draft' check (state in ('draft', 'submitted')),
  answers jsonb not null default '{}' check (jsonb_typeof(answers) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  submitted_at timestamptz,
  reopened_at timestamptz,
  reopened_by uuid,
  primary key (lead_id, template_version),
  check ((state = 'submitted') = (submitted_at is not null))
);
comment on table public.onboarding_answers is
  'Personal data of the lead (the customer''s answers to the onboarding questionnaire: contact person, tools, workflows): exported and erased with the lead (DSGVO Art. 15, 17; issue 21).';

-- The customer's link, one per lead: the token signs lead, link_version and expiry (Fulfilment__LinkSecret).
-- A new link bumps link_version, which revokes every older one; revoked_at revokes the current one.
create table public.onboarding_links (
  lead_id uuid primary key references public.leads (id) on delete cascade,
  link_version integer not null default 1 check (link_version >= 1),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  created_by uuid
);

-- Submitted answers are locked: they change only by reopening (state back to 'draft').
create function public.onboarding_answers_lock()
returns trigger
language plpgsql set search_path = '' as $$
begin
  if old.state = 'submitted' and new.state = 'submitted' and new.answers is distinct from old.answers then
    raise exception 'Die Antworten sind abgeschickt und gesperrt; erst „Zur Bearbeitung öffnen“.'
      using errcode = 'check_violation', schema = 'public', table = 'onboarding_answers', column = 'answers';
  end if;
  return new;
end
$$;
create trigger onboarding_answers_lock before update on public.onboarding_answers
  for each row execute function public.onboarding_answers_lock();

-- A new link for a lead (POST /api/leads/{id}/onboarding-link): only for a WON lead; bumps the link version
-- (the old link stops working) and starts the answers on the newest template when the lead has none yet.
-- Returns the lead's stage and the new link version (null when the lead is not WON; no row when there is no lead).
create function public.issue_onboarding_link(p_lead uuid, p_expires_at timestamptz, p_now timestamptz, p_by uuid)
returns table (stage text, link_version integer)
language sql set search_path = '' as $$
  with lead as (
    select l.id, l.stage from public.leads l where l.id = p_lead for update
  ), link as (
    insert into public.onboarding_links as k (lead_id, link_version, expires_at, revoked_at, created_at, created_by)
    select l.id, 1, p_expires_at, null, p_now, p_by from lead l where l.stage = 'WON'
    on conflict (lead_id) do update
      set link_version = k.link_version + 1, expires_at = excluded.expires_at, revoked_at = null,
          created_at = excluded.created_at, created_by = excluded.created_by
    returning k.link_version
  ), answers as (
    insert into public.onboarding_answers (lead_id, template_version, created_at, updated_at)
    select l.id, (select max(t.version) from public.onboarding_templates t), p_now, p_now
    from lead l
    where l.stage = 'WON' and not exists (select 1 from public.onboarding_answers a where a.lead_id = l.id)
    on conflict do nothing
  )
  select l.stage::text, (select k.link_version from link k) from lead l
$$;

alter table public.onboarding_templates enable row level security;
alter table public.onboarding_answers enable row level security;
alter table public.onboarding_links enable row level security;

revoke all on public.onboarding_templates, public.onboarding_answers, public.onboarding_links from anon;
revoke truncate, references, trigger on public.onboarding_templates, public.onboarding_answers, public.onboarding_links
  from authenticated, service_role;
-- the template changes by migration only
revoke insert, update, delete on public.onboarding_templates from authenticated;
revoke all on function public.issue_onboarding_link(uuid, timestamptz, timestamptz, uuid) from public, anon;
grant execute on function public.issue_onboarding_link(uuid, timestamptz, timestamptz, uuid) to authenticated, leitstand_functions;

create policy onboarding_templates_team on public.onboarding_templates for select to authenticated
  using ((select public.is_team_member()));
create policy onboarding_answers_team on public.onboarding_answers for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy onboarding_links_team on public.onboarding_links for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));

-- The functions' role serves the customer's page (no user): it reads the template and the link, and writes the answers.
grant select on public.onboarding_templates to leitstand_functions;
grant select, insert, update on public.onboarding_answers, public.onboarding_links to leitstand_functions;
create policy onboarding_templates_functions on public.onboarding_templates for select to leitstand_functions using (true);
create policy onboarding_answers_functions on public.onboarding_answers for all to leitstand_functions using (true) with check (true);
create policy onboarding_links_functions on public.onboarding_links for all to leitstand_functions using (true) with check (true);

-- ---------------------------------------------------------------------------------------------
-- Fulfilment (onboarding.sql): the onboarding questionnaire, version 1 (from docs/vorlagen/onboarding.md and issue 19).
insert into public.onboarding_templates (version, title, intro, sections) values
  (1, 'Onboarding-Fragebogen',
   'Mit diesen Angaben bereiten wir die 5-Stunden-Installation deines persönlichen AI-Agenten vor. Bitte in Stichworten. Wichtig: Zugangsdaten und Passwörter gehören nie in diesen Fragebogen, auch keine Inhalte aus E-Mails, Chats oder Kundendaten – nur, welche Tools und Abläufe es gibt.',
   $json$[
  {"key": "goals", "title": "1. Deine Ziele", "kind": "fields", "fields": [
    {"key": "change", "label": "Was soll in vier Wochen anders sein als heute?", "type": "textarea", "required": true, "max": 1000},
    {"key": "time", "label": "Welche Aufgaben kosten gerade am meisten Zeit? Ungefähr wie viele Stunden pro Woche?", "type": "textarea", "required": false, "max": 1000},
    {"key": "success", "label": "Woran merkst du, dass sich der Agent gelohnt hat?", "type": "textarea", "required": true, "max": 1000}]},
  {"key": "channels", "title": "2. Kanäle und Rechte", "kind": "table", "row_key": "channel",
   "intro": "Welche Kanäle darf der Agent nutzen, und mit welchen Rechten? So wenig wie nötig: lieber lesen und Entwürfe als handeln. Mindestens ein Kanal.",
   "rows": [
     {"key": "email", "label": "E-Mail"},
     {"key": "calendar", "label": "Kalender"},
     {"key": "messenger", "label": "Messenger (z. B. WhatsApp Business, Slack, Teams)"},
     {"key": "crm", "label": "CRM / Kundenliste"},
     {"key": "documents", "label": "Dokumente und Ablage"},
     {"key": "accounting", "label": "Buchhaltung und Rechnungen"},
     {"key": "other", "label": "Sonstiges"}],
   "fields": [
     {"key": "tool", "label": "Tool / Anbieter", "type": "text", "required": false, "max": 120, "hint": "Nötig, wenn der Agent den Kanal nutzen soll."},
     {"key": "rights", "label": "Der Agent darf", "type": "choice", "required": true, "options": [
       {"value": "none", "label": "nicht nutzen"},
       {"value": "read", "label": "nur lesen"},
       {"value": "draft", "label": "lesen und Entwürfe schreiben"},
       {"value": "act", "label": "handeln (nach den Freigabe-Regeln)"}]}]},
  {"key": "workflows", "title": "3. Die drei Kern-Workflows", "kind": "repeat", "count": 3,
   "intro": "Die drei Abläufe, die der Agent in den 5 Stunden lernt, der wichtigste zuerst. Weitere Ideen kommen später.",
   "fields": [
     {"key": "name", "label": "Name", "type": "text", "required": true, "max": 80, "hint": "z. B. „Anfragen beantworten“"},
     {"key": "trigger", "label": "Was löst ihn aus?", "type": "textarea", "required": true, "max": 500},
     {"key": "steps", "label": "Was soll der Agent tun (Schritte)?", "type": "textarea", "required": true, "max": 1000},
     {"key": "result", "label": "Was ist das Ergebnis?", "type": "textarea", "required": true, "max": 500},
     {"key": "frequency", "label": "Wie oft läuft er?", "type": "frequency", "required": true,
      "hint": "Entweder ein Zeitplan (Cron-Ausdruck in Berliner Zeit, z. B. „0 8 * * 1-5“ = werktags um 8 Uhr) oder ein Intervall."},
     {"key": "approval", "label": "Was muss vorher freigegeben werden?", "type": "textarea", "required": true, "max": 500}]},
  {"key": "approval_rules", "title": "4. Freigabe-Regeln", "kind": "fields",
   "intro": "Diese Aktionen macht der Agent immer nur mit deiner Freigabe:",
   "fixed": [
     {"key": "send_email", "label": "E-Mails senden"},
     {"key": "payments", "label": "Zahlungen und Überweisungen"},
     {"key": "deletions", "label": "Dateien oder Einträge löschen"}],
   "fields": [
     {"key": "own", "label": "Was soll außerdem nur mit deiner Freigabe passieren?", "type": "textarea", "required": false, "max": 1000},
     {"key": "approver", "label": "Wer gibt frei, und wie (z. B. Rückfrage per Messenger)?", "type": "text", "required": true, "max": 200},
     {"key": "deputy", "label": "Wer vertritt bei Urlaub?", "type": "text", "required": false, "max": 200}]},
  {"key": "devices", "title": "5. Geräte", "kind": "fields", "fields": [
    {"key": "os", "label": "Betriebssystem", "type": "choice", "required": true, "options": [
      {"value": "macos", "label": "macOS"}, {"value": "windows", "label": "Windows"}, {"value": "linux", "label": "Linux"}, {"value": "other", "label": "anderes"}]},
    {"key": "device", "label": "Rechner und Version", "type": "text", "required": true, "max": 200, "hint": "z. B. „MacBook Air M2, macOS 15“"},
    {"key": "password_manager", "label": "Passwort-Manager (welcher, falls vorhanden)", "type": "text", "required": false, "max": 120}]},
  {"key": "contact", "title": "6. Ansprechpartner", "kind": "fields", "fields": [
    {"key": "name", "label": "Name", "type": "text", "required": true, "max": 120},
    {"key": "role", "label": "Rolle", "type": "text", "required": false, "max": 120},
    {"key": "email", "label": "E-Mail", "type": "email", "required": true, "max": 254},
    {"key": "phone", "label": "Telefon", "type": "phone", "required": false, "max": 40},
    {"key": "channel", "label": "Bevorzugter Kanal für Rückfragen", "type": "choice", "required": true, "options": [
      {"value": "email", "label": "E-Mail"}, {"value": "phone", "label": "Telefon"}, {"value": "messenger", "label": "Messenger"}]}]},
  {"key": "install", "title": "7. Termin für die Installation", "kind": "fields",
   "intro": "5 Stunden am Stück; du bist zu Beginn und am Ende dabei (zusammen etwa 1,5 Stunden). Bitte nenne bis zu drei Wunschtage.",
   "fields": [
     {"key": "date_1", "label": "Wunschtag", "type": "date", "required": true},
     {"key": "date_2", "label": "Ausweichtag", "type": "date", "required": false},
     {"key": "date_3", "label": "zweiter Ausweichtag", "type": "date", "required": false},
     {"key": "time_of_day", "label": "Start", "type": "choice", "required": true, "options": [
       {"value": "morning", "label": "vormittags (Start 8–10 Uhr)"}, {"value": "midday", "label": "mittags (Start 11–13 Uhr)"}, {"value": "any", "label": "egal"}]},
     {"key": "mode", "label": "Vor Ort oder per Fernzugriff?", "type": "choice", "required": true, "options": [
       {"value": "onsite", "label": "vor Ort"}, {"value": "remote", "label": "per Fernzugriff (nur während des Termins)"}]},
     {"key": "notes", "label": "Anmerkungen", "type": "textarea", "required": false, "max": 500}]}
]$json$::jsonb);

insert into public.alert_kinds (kind, label, severity, subject_type, acknowledge_link, route) values
  ('onboarding_submitted', 'Onboarding ausgefüllt', 'info', 'lead', false, '#/leads/{id}');
insert into public.alert_routes (kind, min_severity, channels, quiet_from, quiet_to, group_window, note) values
  ('onboarding_submitted', 'info', '{slack,teams,telegram,email,webhook}', '21:00', '07:00', interval '0',
   'Onboarding ausgefüllt: Chat und E-Mail, nicht nachts');

update public.playbooks set description = $txt$Der Fragebogen lebt in den Daten: `public.onboarding_templates` (versioniert, `supabase/schemas/reference_data.sql`),
die Antworten je Lead und Version in `public.onboarding_answers`. Der Kunde füllt ihn selbst aus: im Status-Center
beim Lead (`#/leads/<id>`, Abschnitt „Onboarding“) „Link erstellen“ und ihm den Link schicken; dort stehen danach
seine Antworten, und „Zur Bearbeitung öffnen“ gibt sie ihm zum Ändern zurück. Die Übersicht unten zeigt dieselben
Fragen für das Onboarding-Gespräch (ca. 30 Minuten, per Video), in Stichworten. Er ist die Grundlage für die
5-Stunden-Installation.

**Wichtig:** Zugangsdaten gehören nie in diesen Fragebogen, in Chats oder E-Mails. Ebenso keine Inhalte aus
E-Mails, Chats oder Kundendaten des Kunden – nur, welche Tools und Abläufe es gibt.

## 1. Kundenziele

- Was soll in vier Wochen anders sein als heute?
- Welche Aufgaben kosten gerade am meisten Zeit? Ungefähr wie viele Stunden pro Woche?
- Woran merkst du, dass sich der Agent gelohnt hat?

## 2. Kanäle und Tools

| Bereich | Tool / Anbieter | Konto | Agent soll: lesen / Entwürfe / handeln |
| --- | --- | --- | --- |
| E-Mail | | | |
| Kalender | | | |
| Messenger (z. B. WhatsApp Business, Slack, Teams) | | | |
| CRM / Kundenliste | | | |
| Dokumente und Ablage | | | |
| Buchhaltung und Rechnungen | | | |
| Sonstiges | | | |

Außerdem: Rechner und Betriebssystem (Mac oder Windows, Version), Passwort-Manager vorhanden (welcher)?

## 3. Gewünschte Automationen (Top 3)

Je Automation: Was löst sie aus? Was soll der Agent tun? Was ist das Ergebnis? Wie oft pro Woche? Was muss
vorher freigegeben werden?

1.
2.
3.

Weitere Ideen für später (nicht Teil der 5 Stunden):

## 4. Zugänge und Berechtigungen

- Liste: welche Konten braucht der Agent, mit welchen Rechten (so wenig wie nötig, z. B. lesen und Entwürfe
  statt Vollzugriff)?
- Wo möglich eigene App-Passwörter oder API-Schlüssel statt des Hauptpassworts.
- Übergabe nur über den Passwort-Manager (geteilter Eintrag oder Freigabe mit Ablaufdatum) oder der Kunde
  tippt die Daten beim Termin selbst in seine Keychain. Nie per Chat, E-Mail, DM, Telefon oder Screenshot.
- Zwei-Faktor-Geräte bleiben beim Kunden; beim Termin muss er erreichbar sein.

## 5. Freigabe-Regeln

| Aktion | darf der Agent allein | nur mit Freigabe | nie |
| --- | --- | --- | --- |
| E-Mails lesen, sortieren, zusammenfassen | | | |
| Antwortentwürfe schreiben | | | |
| E-Mails senden | – | immer | |
| Termine vorschlagen, zusagen, absagen | | | |
| Zahlungen, Überweisungen | – | immer | |
| Dateien oder Einträge löschen | – | immer | |
| Daten an Dritte weitergeben | | | |

Wer gibt frei, und wie (z. B. Rückfrage per Messenger)? Wer vertritt bei Urlaub?

## 6. Ansprechpartner

- Hauptansprechpartner: Name, Rolle, beste Erreichbarkeit
- Vertretung
- Technische Kontaktperson (falls vorhanden)
- Bevorzugter Kanal für Rückfragen

## 7. Termin für die Installation

- Datum und Startzeit (5 Stunden am Stück), vor Ort oder per Fernzugriff
- Kunde dabei: Kick-off zu Beginn und Übergabe am Ende (zusammen etwa 1,5 Stunden)
- Bereitliegen: Rechner mit Netzteil, Admin-Passwort des Rechners, Zwei-Faktor-Gerät, Zugänge im
  Passwort-Manager$txt$
where key = 'onboarding';
