-- Demo data for the local stack: German small businesses and freelancers across the whole pipeline.
-- Idempotent: fixed UUIDs and "on conflict do nothing", so applying it twice is harmless.
-- All timestamps are relative to now(); all e-mail addresses use example.de / example.com,
-- all phone numbers are from the ranges the Bundesnetzagentur reserves for fiction.
-- Leads are inserted directly with their current stage; the stage-history trigger writes one
-- history row per new lead (from_stage null, to_stage = current stage, at stage_changed_at).
-- Child rows (touchpoints, deals, tasks) are joined to existing leads, so a lead skipped because
-- its e-mail address already exists (e.g. from a local form test) never breaks the seed.
-- Does not touch team_members or auth.users (tasks have no assignee).

set client_encoding = 'UTF8';


-- ---------------------------------------------------------------------------------------------
-- Leads. "ago" = when the form was submitted (created_at = consent_at),
-- "stage_ago" = when the lead reached its current stage.
-- ---------------------------------------------------------------------------------------------
insert into public.leads (
  id, name, email, phone, company, message, stage, stage_changed_at, source,
  utm_source, utm_medium, utm_campaign, utm_term, utm_content,
  consent_at, consent_text_version, consent_source, lost_reason, delete_after, created_at, updated_at)
select v.id::uuid, v.name, v.email, v.phone, v.company, v.message, v.stage::public.lead_stage,
       now() - v.stage_ago::interval, 'landing-page',
       v.utm_source, v.utm_medium, v.utm_campaign, v.utm_term, v.utm_content,
       now() - v.ago::interval, '2026-11-25', 'landing-page:/', v.lost_reason,
       case when v.stage = 'LOST' then now() - v.stage_ago::interval + interval '12 months' end,
       now() - v.ago::interval, now() - v.stage_ago::interval
from (values
  -- NEW
  ('5eed1000-0000-4000-8000-000000000001', 'Anna Beispiel', 'anna.beispiel@example.de', '+49 30 23125101',
   'Physiotherapiepraxis Beispiel',
   'Ich verliere jeden Tag eine Stunde mit Terminabsagen und Rückrufen. Kann der Agent E-Mails vorsortieren und Antworten vorbereiten?',
   'NEW', '2 hours', '2 hours', 'linkedin', 'social', 'launch-herbst', null, 'post-zeitnot', null),
  ('5eed1000-0000-4000-8000-000000000002', 'Jonas Kurz', 'jonas.kurz@example.com', null,
   null,
   'Freelancer (Webentwicklung). Angebote schreiben frisst meine Abende.',
   'NEW', '20 hours', '20 hours', null, null, null, null, null, null),
  ('5eed1000-0000-4000-8000-000000000003', 'Mehmet Yılmaz', 'm.yilmaz@example.de', '+49 69 90009214',
   'Elektro Yılmaz GmbH',
   'Handwerksbetrieb mit 6 Leuten. Ich komme abends kaum noch hinterher mit Angeboten und Rückfragen.',
   'NEW', '3 days', '3 days', 'instagram', 'social', 'reel-5-stunden', null, 'reel-1', null),
  -- CONTACTED
  ('5eed1000-0000-4000-8000-000000000004', 'Sabine Hoffmann', 'sabine.hoffmann@example.de', '+49 40 66969305',
   'Steuerkanzlei Hoffmann',
   'Steuerberaterin, Kanzlei mit zwei Mitarbeiterinnen. Interesse an Mandanten-Mails und Fristenübersicht.',
   'CONTACTED', '5 days', '4 days', 'linkedin', 'social', 'launch-herbst', null, null, null),
  ('5eed1000-0000-4000-8000-000000000005', 'Lukas Brandt', 'lukas.brandt@example.com', '+49 89 99998412',
   'Malerbetrieb Brandt',
   null,
   'CONTACTED', '6 days', '5 days', null, null, null, null, null, null),
  -- REPLIED
  ('5eed1000-0000-4000-8000-000000000006', 'Katharina Weber', 'katharina.weber@example.de', null,
   'Business-Coaching Weber',
   'Ich bin Coach und möchte Vorbereitung und Nachbereitung meiner Sessions automatisieren.',
   'REPLIED', '9 days', '5 days', 'instagram', 'social', 'reel-5-stunden', null, 'reel-2', null),
  ('5eed1000-0000-4000-8000-000000000007', 'Tobias Schröder', 'tobias@example.com', '+49 30 23125417',
   'Pixelwerk Agentur',
   'Kleine Designagentur. Uns interessiert vor allem Projekt-Reporting für Kunden.',
   'REPLIED', '11 days', '6 days', 'newsletter', 'email', 'partner-mailing', null, null, null),
  -- QUALIFIED
  ('5eed1000-0000-4000-8000-000000000008', 'Julia Neumann', 'julia.neumann@example.de', '+49 40 66969118',
   'Fotografie Julia Neumann',
   'Selbstständige Fotografin. Anfragen, Angebote, Rechnungen – alles allein. Brauche dringend Entlastung.',
   'QUALIFIED', '14 days', '3 days', 'linkedin', 'social', 'launch-herbst', null, null, null),
  -- CALL_BOOKED
  ('5eed1000-0000-4000-8000-000000000009', 'Stefan Krüger', 'stefan.krueger@example.de', '+49 69 90009377',
   'Krüger Immobilien',
   'Makler, viele Exposé-Anfragen per Mail. Möchte Vorqualifizierung und Terminvorschläge automatisieren.',
   'CALL_BOOKED', '16 days', '2 days', null, null, null, null, null, null),
  ('5eed1000-0000-4000-8000-000000000010', 'Miriam Vogel', 'miriam.vogel@example.com', null,
   'Übersetzungsbüro Vogel',
   'Ich arbeite allein und möchte Auftragsannahme und Terminplanung vereinfachen.',
   'CALL_BOOKED', '12 days', '1 day', 'instagram', 'social', 'reel-5-stunden', null, 'reel-1', null),
  -- WON
  ('5eed1000-0000-4000-8000-000000000011', 'Thomas Becker', 'thomas.becker@example.de', '+49 89 99998120',
   'Tischlerei Becker',
   'Wir sind ein Handwerksbetrieb und ertrinken in E-Mails von Kunden und Lieferanten.',
   'WON', '35 days', '21 days', 'linkedin', 'social', 'launch-herbst', null, null, null),
  ('5eed1000-0000-4000-8000-000000000012', 'Claudia Fischer', 'claudia.fischer@example.com', '+49 40 66969542',
   'Fischer Consulting',
   'Unternehmensberaterin, viele parallele Projekte. Protokolle und Follow-ups kosten mich zu viel Zeit.',
   'WON', '24 days', '8 days', null, null, null, null, null, null),
  ('5eed1000-0000-4000-8000-000000000013', 'Petra Lange', 'petra.lange@example.de', '+49 30 23125833',
   'Ingenieurbüro Lange',
   'Kleines Ingenieurbüro. Wir möchten Anfragen und Dokumentation schneller abarbeiten.',
   'WON', '45 days', '30 days', 'newsletter', 'email', 'partner-mailing', null, null, null),
  -- LOST
  ('5eed1000-0000-4000-8000-000000000014', 'Markus Wolf', 'markus.wolf@example.com', '+49 69 90009650',
   'Autowerkstatt Wolf',
   'Interesse an Terminvergabe und Kundenkommunikation.',
   'LOST', '30 days', '10 days', null, null, null, null, null, 'Budget aktuell nicht vorhanden; möchte sich im Frühjahr wieder melden.'),
  ('5eed1000-0000-4000-8000-000000000015', 'Laura Schmitt', 'laura.schmitt@example.de', null,
   'Yogastudio Laura Schmitt',
   null,
   'LOST', '28 days', '7 days', 'instagram', 'social', 'reel-5-stunden', null, 'reel-2', 'Keine Rückmeldung nach drei Follow-ups.')
) as v(id, name, email, phone, company, message, stage, ago, stage_ago,
       utm_source, utm_medium, utm_campaign, utm_term, utm_content, lost_reason)
on conflict do nothing;

-- ---------------------------------------------------------------------------------------------
-- Touchpoints: every lead starts with its form submission (inbound, landing_page); then the
-- outbound and inbound contacts that moved it to its current stage.
-- ---------------------------------------------------------------------------------------------
insert into public.lead_touchpoints (
  id, lead_id, direction, channel, kind, note, source, utm_campaign, consent_text_version, occurred_at, created_by)
select v.id::uuid, l.id, v.direction::public.touchpoint_direction, v.channel, v.kind, v.note,
       case when v.kind = 'form_submission' then 'landing-page' end,
       case when v.kind = 'form_submission' then l.utm_campaign end,
       case when v.kind = 'form_submission' then l.consent_text_version end,
       now() - v.ago::interval, 'seed'
from (values
  -- form submissions (one per lead, at the lead's creation time)
  ('5eed2000-0000-4000-8000-000000000101', '5eed1000-0000-4000-8000-000000000001', 'INBOUND', 'landing_page', 'form_submission', 'Anfrage über das Formular auf der Landingpage.', '2 hours'),
  ('5eed2000-0000-4000-8000-000000000102', '5eed1000-0000-4000-8000-000000000002', 'INBOUND', 'landing_page', 'form_submission', 'Anfrage über das Formular auf der Landingpage.', '20 hours'),
  ('5eed2000-0000-4000-8000-000000000103', '5eed1000-0000-4000-8000-000000000003', 'INBOUND', 'landing_page', 'form_submission', 'Anfrage über das Formular auf der Landingpage.', '3 days'),
  ('5eed2000-0000-4000-8000-000000000104', '5eed1000-0000-4000-8000-000000000004', 'INBOUND', 'landing_page', 'form_submission', 'Anfrage über das Formular auf der Landingpage.', '5 days'),
  ('5eed2000-0000-4000-8000-000000000105', '5eed1000-0000-4000-8000-000000000005', 'INBOUND', 'landing_page', 'form_submission', 'Anfrage über das Formular auf der Landingpage.', '6 days'),
  ('5eed2000-0000-4000-8000-000000000106', '5eed1000-0000-4000-8000-000000000006', 'INBOUND', 'landing_page', 'form_submission', 'Anfrage über das Formular auf der Landingpage.', '9 days'),
  ('5eed2000-0000-4000-8000-000000000107', '5eed1000-0000-4000-8000-000000000007', 'INBOUND', 'landing_page', 'form_submission', 'Anfrage über das Formular auf der Landingpage.', '11 days'),
  ('5eed2000-0000-4000-8000-000000000108', '5eed1000-0000-4000-8000-000000000008', 'INBOUND', 'landing_page', 'form_submission', 'Anfrage über das Formular auf der Landingpage.', '14 days'),
  ('5eed2000-0000-4000-8000-000000000109', '5eed1000-0000-4000-8000-000000000009', 'INBOUND', 'landing_page', 'form_submission', 'Anfrage über das Formular auf der Landingpage.', '16 days'),
  ('5eed2000-0000-4000-8000-000000000110', '5eed1000-0000-4000-8000-000000000010', 'INBOUND', 'landing_page', 'form_submission', 'Anfrage über das Formular auf der Landingpage.', '12 days'),
  ('5eed2000-0000-4000-8000-000000000111', '5eed1000-0000-4000-8000-000000000011', 'INBOUND', 'landing_page', 'form_submission', 'Anfrage über das Formular auf der Landingpage.', '35 days'),
  ('5eed2000-0000-4000-8000-000000000112', '5eed1000-0000-4000-8000-000000000012', 'INBOUND', 'landing_page', 'form_submission', 'Anfrage über das Formular auf der Landingpage.', '24 days'),
  ('5eed2000-0000-4000-8000-000000000113', '5eed1000-0000-4000-8000-000000000013', 'INBOUND', 'landing_page', 'form_submission', 'Anfrage über das Formular auf der Landingpage.', '45 days'),
  ('5eed2000-0000-4000-8000-000000000114', '5eed1000-0000-4000-8000-000000000014', 'INBOUND', 'landing_page', 'form_submission', 'Anfrage über das Formular auf der Landingpage.', '30 days'),
  ('5eed2000-0000-4000-8000-000000000115', '5eed1000-0000-4000-8000-000000000015', 'INBOUND', 'landing_page', 'form_submission', 'Anfrage über das Formular auf der Landingpage.', '28 days'),

  -- Sabine Hoffmann (CONTACTED)
  ('5eed2000-0000-4000-8000-000000000201', '5eed1000-0000-4000-8000-000000000004', 'OUTBOUND', 'email', 'email', 'Erstkontakt per E-Mail mit zwei Terminvorschlägen für das Erstgespräch.', '4 days'),
  -- Lukas Brandt (CONTACTED)
  ('5eed2000-0000-4000-8000-000000000202', '5eed1000-0000-4000-8000-000000000005', 'OUTBOUND', 'phone', 'call', 'Angerufen, nicht erreicht.', '5 days 2 hours'),
  ('5eed2000-0000-4000-8000-000000000203', '5eed1000-0000-4000-8000-000000000005', 'OUTBOUND', 'email', 'email', 'E-Mail nach verpasstem Anruf: kurze Vorstellung und Bitte um Rückruf.', '5 days'),
  -- Katharina Weber (REPLIED)
  ('5eed2000-0000-4000-8000-000000000204', '5eed1000-0000-4000-8000-000000000006', 'OUTBOUND', 'instagram', 'dm', 'DM auf Instagram: Danke für die Anfrage, Frage nach den größten Zeitfressern.', '8 days'),
  ('5eed2000-0000-4000-8000-000000000205', '5eed1000-0000-4000-8000-000000000006', 'INBOUND', 'instagram', 'dm', 'Antwort: Session-Vorbereitung und Rechnungsstellung kosten ca. 6 Std./Woche.', '5 days'),
  -- Tobias Schröder (REPLIED)
  ('5eed2000-0000-4000-8000-000000000206', '5eed1000-0000-4000-8000-000000000007', 'OUTBOUND', 'email', 'email', 'Erstkontakt per E-Mail.', '10 days'),
  ('5eed2000-0000-4000-8000-000000000207', '5eed1000-0000-4000-8000-000000000007', 'OUTBOUND', 'email', 'follow_up', 'Follow-up: Beispiel für einen Reporting-Workflow geschickt.', '7 days'),
  ('5eed2000-0000-4000-8000-000000000208', '5eed1000-0000-4000-8000-000000000007', 'INBOUND', 'email', 'email', 'Antwort: Interesse, möchte erst mit Geschäftspartner sprechen.', '6 days'),
  -- Julia Neumann (QUALIFIED)
  ('5eed2000-0000-4000-8000-000000000209', '5eed1000-0000-4000-8000-000000000008', 'OUTBOUND', 'linkedin', 'dm', 'LinkedIn-Nachricht mit Link zum Ablauf der 5 Stunden.', '13 days'),
  ('5eed2000-0000-4000-8000-000000000210', '5eed1000-0000-4000-8000-000000000008', 'INBOUND', 'linkedin', 'dm', 'Antwort: Anfragen-Management und Angebotsentwürfe sind die größten Baustellen.', '9 days'),
  ('5eed2000-0000-4000-8000-000000000211', '5eed1000-0000-4000-8000-000000000008', 'OUTBOUND', 'phone', 'call', 'Kurzes Telefonat: Budget passt, MacBook vorhanden, Start im nächsten Monat gewünscht.', '3 days'),
  ('5eed2000-0000-4000-8000-000000000234', '5eed1000-0000-4000-8000-000000000008', 'OUTBOUND', 'other', 'note', 'Interne Notiz: Kern-Workflows Anfragen sortieren, Angebotsentwürfe, Rechnungserinnerungen.', '3 days'),
  -- Stefan Krüger (CALL_BOOKED)
  ('5eed2000-0000-4000-8000-000000000212', '5eed1000-0000-4000-8000-000000000009', 'OUTBOUND', 'email', 'email', 'Erstkontakt per E-Mail.', '15 days'),
  ('5eed2000-0000-4000-8000-000000000213', '5eed1000-0000-4000-8000-000000000009', 'INBOUND', 'email', 'email', 'Antwort mit Beschreibung des Exposé-Prozesses.', '12 days'),
  ('5eed2000-0000-4000-8000-000000000214', '5eed1000-0000-4000-8000-000000000009', 'OUTBOUND', 'email', 'email', 'Termin für das Erstgespräch (übermorgen, 10:00 Uhr, per Video) bestätigt.', '2 days'),
  -- Miriam Vogel (CALL_BOOKED)
  ('5eed2000-0000-4000-8000-000000000215', '5eed1000-0000-4000-8000-000000000010', 'OUTBOUND', 'instagram', 'dm', 'DM auf Instagram nach Formularanfrage.', '11 days'),
  ('5eed2000-0000-4000-8000-000000000216', '5eed1000-0000-4000-8000-000000000010', 'INBOUND', 'email', 'email', 'Antwort per E-Mail, bittet um Terminvorschläge.', '4 days'),
  ('5eed2000-0000-4000-8000-000000000217', '5eed1000-0000-4000-8000-000000000010', 'OUTBOUND', 'email', 'email', 'Terminbestätigung für das Erstgespräch verschickt.', '1 day'),
  -- Thomas Becker (WON, Setup + Retainer)
  ('5eed2000-0000-4000-8000-000000000218', '5eed1000-0000-4000-8000-000000000011', 'OUTBOUND', 'phone', 'call', 'Rückruf: Bedarf besprochen, Erstgespräch vereinbart.', '33 days'),
  ('5eed2000-0000-4000-8000-000000000219', '5eed1000-0000-4000-8000-000000000011', 'OUTBOUND', 'call', 'call', 'Erstgespräch (20 Min.): Workflows Kundenmails, Angebote, Lieferantenbestellungen.', '28 days'),
  ('5eed2000-0000-4000-8000-000000000220', '5eed1000-0000-4000-8000-000000000011', 'INBOUND', 'email', 'email', 'Auftrag für Setup und Retainer per E-Mail bestätigt.', '21 days'),
  -- Claudia Fischer (WON, Setup)
  ('5eed2000-0000-4000-8000-000000000221', '5eed1000-0000-4000-8000-000000000012', 'OUTBOUND', 'linkedin', 'dm', 'LinkedIn-Nachricht nach Formularanfrage.', '23 days'),
  ('5eed2000-0000-4000-8000-000000000222', '5eed1000-0000-4000-8000-000000000012', 'OUTBOUND', 'call', 'call', 'Erstgespräch: Protokolle, Follow-up-Mails und Wochenplanung als Kern-Workflows.', '15 days'),
  ('5eed2000-0000-4000-8000-000000000223', '5eed1000-0000-4000-8000-000000000012', 'INBOUND', 'email', 'email', 'Setup beauftragt; Retainer will sie nach vier Wochen entscheiden.', '8 days'),
  -- Petra Lange (WON, Setup + Retainer)
  ('5eed2000-0000-4000-8000-000000000224', '5eed1000-0000-4000-8000-000000000013', 'OUTBOUND', 'email', 'email', 'Erstkontakt per E-Mail.', '44 days'),
  ('5eed2000-0000-4000-8000-000000000225', '5eed1000-0000-4000-8000-000000000013', 'OUTBOUND', 'call', 'call', 'Erstgespräch mit Inhaberin und Büroleitung.', '38 days'),
  ('5eed2000-0000-4000-8000-000000000226', '5eed1000-0000-4000-8000-000000000013', 'INBOUND', 'email', 'email', 'Auftrag für Setup und Retainer bestätigt.', '30 days'),
  -- Markus Wolf (LOST after the call)
  ('5eed2000-0000-4000-8000-000000000227', '5eed1000-0000-4000-8000-000000000014', 'OUTBOUND', 'phone', 'call', 'Rückruf, Erstgespräch vereinbart.', '29 days'),
  ('5eed2000-0000-4000-8000-000000000228', '5eed1000-0000-4000-8000-000000000014', 'OUTBOUND', 'call', 'call', 'Erstgespräch: passt inhaltlich, Budget erst im Frühjahr.', '20 days'),
  ('5eed2000-0000-4000-8000-000000000229', '5eed1000-0000-4000-8000-000000000014', 'INBOUND', 'email', 'email', 'Absage per E-Mail: aktuell kein Budget.', '10 days'),
  -- Laura Schmitt (LOST, no reply)
  ('5eed2000-0000-4000-8000-000000000230', '5eed1000-0000-4000-8000-000000000015', 'OUTBOUND', 'instagram', 'dm', 'DM auf Instagram nach Formularanfrage.', '27 days'),
  ('5eed2000-0000-4000-8000-000000000231', '5eed1000-0000-4000-8000-000000000015', 'OUTBOUND', 'email', 'follow_up', '1. Follow-up per E-Mail.', '21 days'),
  ('5eed2000-0000-4000-8000-000000000232', '5eed1000-0000-4000-8000-000000000015', 'OUTBOUND', 'email', 'follow_up', '2. Follow-up per E-Mail.', '14 days'),
  ('5eed2000-0000-4000-8000-000000000233', '5eed1000-0000-4000-8000-000000000015', 'OUTBOUND', 'email', 'follow_up', '3. und letztes Follow-up per E-Mail.', '7 days')
) as v(id, lead_id, direction, channel, kind, note, ago)
join public.leads l on l.id = v.lead_id::uuid
on conflict do nothing;

-- ---------------------------------------------------------------------------------------------
-- Deals: WON leads have a won SETUP deal (1.490 EUR), some also a won RETAINER (149 EUR/Monat);
-- booked calls have an open SETUP deal; one lost deal for the lead lost after the call.
-- ---------------------------------------------------------------------------------------------
insert into public.deals (id, lead_id, package, amount_cents, currency, status, won_at, created_at, updated_at)
select v.id::uuid, l.id, v.package::public.deal_package, v.amount_cents, 'EUR', v.status::public.deal_status,
       case when v.status = 'WON' then now() - v.updated_ago::interval end,
       now() - v.created_ago::interval, now() - v.updated_ago::interval
from (values
  ('5eed3000-0000-4000-8000-000000000001', '5eed1000-0000-4000-8000-000000000011', 'SETUP',    149000, 'WON',  '28 days', '21 days'),
  ('5eed3000-0000-4000-8000-000000000002', '5eed1000-0000-4000-8000-000000000011', 'RETAINER',  14900, 'WON',  '28 days', '21 days'),
  ('5eed3000-0000-4000-8000-000000000003', '5eed1000-0000-4000-8000-000000000012', 'SETUP',    149000, 'WON',  '15 days', '8 days'),
  ('5eed3000-0000-4000-8000-000000000004', '5eed1000-0000-4000-8000-000000000013', 'SETUP',    149000, 'WON',  '38 days', '30 days'),
  ('5eed3000-0000-4000-8000-000000000005', '5eed1000-0000-4000-8000-000000000013', 'RETAINER',  14900, 'WON',  '38 days', '30 days'),
  ('5eed3000-0000-4000-8000-000000000006', '5eed1000-0000-4000-8000-000000000009', 'SETUP',    149000, 'OPEN', '2 days',  '2 days'),
  ('5eed3000-0000-4000-8000-000000000007', '5eed1000-0000-4000-8000-000000000010', 'SETUP',    149000, 'OPEN', '1 day',   '1 day'),
  ('5eed3000-0000-4000-8000-000000000008', '5eed1000-0000-4000-8000-000000000014', 'SETUP',    149000, 'LOST', '20 days', '10 days')
) as v(id, lead_id, package, amount_cents, status, created_ago, updated_ago)
join public.leads l on l.id = v.lead_id::uuid
on conflict do nothing;

-- ---------------------------------------------------------------------------------------------
-- Tasks: open ones due relative to now() (some overdue), plus a few finished ones.
-- "due" is an offset from now(): negative = overdue.
-- ---------------------------------------------------------------------------------------------
insert into public.tasks (id, lead_id, deal_id, kind, title, details, status, due_at, assignee, created_at, completed_at)
select v.id::uuid, l.id, d.id, v.kind, v.title, v.details, v.status::public.task_status,
       now() + v.due::interval, null, now() - v.created_ago::interval,
       case when v.status <> 'OPEN' then now() - v.completed_ago::interval end
from (values
  -- open
  ('5eed4000-0000-4000-8000-000000000001', '5eed1000-0000-4000-8000-000000000001', null,
   'first_contact', 'Erstkontakt: Anna Beispiel anschreiben',
   'Neue Anfrage über die Landingpage (Physiotherapiepraxis). Innerhalb eines Werktags melden.',
   'OPEN', '22 hours', '2 hours', null),
  ('5eed4000-0000-4000-8000-000000000002', '5eed1000-0000-4000-8000-000000000002', null,
   'first_contact', 'Erstkontakt: Jonas Kurz anschreiben',
   'Freelancer ohne Telefonnummer – per E-Mail melden.',
   'OPEN', '4 hours', '20 hours', null),
  ('5eed4000-0000-4000-8000-000000000003', '5eed1000-0000-4000-8000-000000000003', null,
   'first_contact', 'Erstkontakt: Mehmet Yılmaz anrufen',
   'Überfällig – Anfrage ist schon drei Tage alt.',
   'OPEN', '-2 days', '3 days', null),
  ('5eed4000-0000-4000-8000-000000000004', '5eed1000-0000-4000-8000-000000000004', null,
   'follow_up', 'Follow-up: Sabine Hoffmann nachfassen',
   'Noch keine Antwort auf die Terminvorschläge.',
   'OPEN', '1 day', '4 days', null),
  ('5eed4000-0000-4000-8000-000000000005', '5eed1000-0000-4000-8000-000000000005', null,
   'follow_up', 'Lukas Brandt erneut anrufen',
   null,
   'OPEN', '-1 day', '5 days', null),
  ('5eed4000-0000-4000-8000-000000000006', '5eed1000-0000-4000-8000-000000000008', null,
   'call_booking', 'Termin für Erstgespräch mit Julia Neumann vorschlagen',
   'Qualifiziert: Budget passt, Start nächsten Monat gewünscht.',
   'OPEN', '6 hours', '3 days', null),
  ('5eed4000-0000-4000-8000-000000000007', '5eed1000-0000-4000-8000-000000000009', '5eed3000-0000-4000-8000-000000000006',
   'call_prep', 'Erstgespräch vorbereiten: Stefan Krüger',
   'Exposé-Anfragen und Terminvorschläge als mögliche Kern-Workflows vorbereiten.',
   'OPEN', '1 day 20 hours', '2 days', null),
  ('5eed4000-0000-4000-8000-000000000008', '5eed1000-0000-4000-8000-000000000012', '5eed3000-0000-4000-8000-000000000003',
   'retainer_offer', 'Retainer anbieten: Claudia Fischer',
   'Vier Wochen nach dem Setup nachfragen, ob sie Updates und Monitoring möchte.',
   'OPEN', '20 days', '8 days', null),
  -- done / cancelled
  ('5eed4000-0000-4000-8000-000000000009', '5eed1000-0000-4000-8000-000000000011', '5eed3000-0000-4000-8000-000000000001',
   'setup', 'Setup-Termin durchführen: Tischlerei Becker',
   null,
   'DONE', '-14 days', '21 days', '14 days'),
  ('5eed4000-0000-4000-8000-000000000010', '5eed1000-0000-4000-8000-000000000013', '5eed3000-0000-4000-8000-000000000004',
   'setup', 'Setup-Termin durchführen: Ingenieurbüro Lange',
   null,
   'DONE', '-25 days', '30 days', '25 days'),
  ('5eed4000-0000-4000-8000-000000000011', '5eed1000-0000-4000-8000-000000000015', null,
   'follow_up', 'Follow-up: Laura Schmitt (4. Versuch)',
   'Nach drei Follow-ups ohne Antwort als verloren markiert.',
   'CANCELLED', '-3 days', '7 days', '7 days')
) as v(id, lead_id, deal_id, kind, title, details, status, due, created_ago, completed_ago)
join public.leads l on l.id = v.lead_id::uuid
left join public.deals d on d.id = v.deal_id::uuid
on conflict do nothing;

