-- Privacy (issue 21, branch dsgvo-objections): objections (Art. 21 DSGVO) as keyed hashes, the exact consent texts,
-- the consent's withdrawal on the lead, public.stop_lead_contact, the alert kind "Widerspruch aufgehoben" and the
-- cold-DM script's first message with the link to the Art. 14 information (web/landing/info-kaltakquise.html).

alter table public.leads
  add column consent_withdrawn_at timestamptz,
  add column consent_withdrawn_by text check (char_length(consent_withdrawn_by) <= 100);

-- The exact consent text of every version (DSGVO Art. 7: the consent must be provable); the rows:
-- reference_data.sql. The landing form's text equals the current version's (a test). leads.consent_text_version
-- names a row here; the form refuses a version that is not here (CaptureLead). Not a foreign key: direct writers
-- (tests, benches, imports by hand) store their own labels, and no row of a deployed database may be refused.
create table public.consent_texts (
  version text primary key check (char_length(version) between 1 and 40),
  text text not null check (char_length(text) between 1 and 4000),
  valid_from timestamptz not null
);

-- Objections (Art. 21 DSGVO) as keyed hashes only: HMAC-SHA256 of the normalised e-mail ("email:<address>") or
-- channel and handle ("handle:<channel>:<handle>") with the key Privacy__ObjectionHashKey (Key Vault). The key
-- never reaches the database; the functions compute the hashes and pass them in. No lead id and no plain value:
-- the objection outlives the lead's erasure and retention. One active objection per hash; a new opt-in through the
-- form (fresh consent) lifts it (lifted_reason 'opt_in', alert "Widerspruch aufgehoben").
create table public.objections (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('email', 'handle')),
  hash bytea not null check (octet_length(hash) = 32),
  created_at timestamptz not null default now(),
  created_by text not null,
  lifted_at timestamptz,
  lifted_by text,
  lifted_reason text check (lifted_reason in ('opt_in')),
  constraint objections_lifted check ((lifted_at is null) = (lifted_reason is null) and (lifted_at is null) = (lifted_by is null))
);
create unique index objections_active_key on public.objections (kind, hash) where lifted_at is null;
create index objections_created_idx on public.objections (created_at);

-- Stops every contact with the leads at once, set-based (an objection, a withdrawn consent): their open tasks are
-- cancelled with p_cancel_reason (a won customer's fulfilment tasks stay: the contract, Art. 6(1)(b)), and a lead
-- in an open sales stage moves to LOST with the reason code p_lost_reason, so no rule of the daily list and no
-- playbook makes a task for it again (the stage event cancels the rest and sets the retention, ApplyRetention).
-- Runs as the caller (a team member: RLS).
create function public.stop_lead_contact(p_leads uuid[], p_lost_reason text, p_cancel_reason text)
returns table (leads_stopped integer, tasks_cancelled integer)
language sql set search_path = '' as $$
  with cancelled as (
    update public.tasks t
    set status = 'CANCELLED', completed_at = now(), cancel_reason = p_cancel_reason
    from public.leads l
    where l.id = any(p_leads) and t.lead_id = l.id and t.status = 'OPEN'
      and not (l.stage = 'WON' and t.deal_id is not null)
    returning t.id
  ), lost as (
    update public.leads l
    set stage = 'LOST', lost_reason = p_lost_reason
    where l.id = any(p_leads) and l.stage not in ('WON', 'LOST')
    returning l.id
  )
  select (select count(*)::int from public.leads l where l.id = any(p_leads)), (select count(*)::int from cancelled)
  from (select count(*) from lost) x
$$;
revoke all on function public.stop_lead_contact(uuid[], text, text) from public, anon;
grant execute on function public.stop_lead_contact(uuid[], text, text) to authenticated;

alter table public.consent_texts enable row level security;
alter table public.objections enable row level security;
revoke all on public.consent_texts, public.objections from anon;
revoke truncate, references, trigger on public.consent_texts, public.objections from authenticated, service_role;
-- the consent texts change by migration only; objections are recorded and listed by team members, never edited
-- or deleted by them (lifted only by a new opt-in through the form)
revoke insert, update, delete on public.consent_texts from authenticated;
revoke update, delete on public.objections from authenticated;
create policy consent_texts_team on public.consent_texts for select to authenticated using ((select public.is_team_member()));
create policy objections_team_select on public.objections for select to authenticated using ((select public.is_team_member()));
create policy objections_team_insert on public.objections for insert to authenticated with check ((select public.is_team_member()));
grant select on public.consent_texts to leitstand_functions;
grant select, update on public.objections to leitstand_functions;
create policy consent_texts_functions on public.consent_texts for select to leitstand_functions using (true);
create policy objections_functions on public.objections for all to leitstand_functions using (true) with check (true);

insert into public.consent_texts (version, text, valid_from) values
  ('2026-11-25', 'Ich bin einverstanden, dass meine Angaben zur Kontaktaufnahme zu diesem Angebot gespeichert und verarbeitet werden. Die Einwilligung kann ich jederzeit per E-Mail widerrufen. Details in der Datenschutzerklärung.',
   '2026-11-25 00:00:00+01');

insert into public.alert_kinds (kind, label, severity, subject_type, acknowledge_link, route) values
  ('objection_lifted', 'Widerspruch aufgehoben', 'info', 'lead', false, '#/leads/{id}');
insert into public.alert_routes (kind, min_severity, channels, quiet_from, quiet_to, group_window, note) values
  ('objection_lifted', 'info', '{slack,teams,telegram,webhook}', '19:00', '08:00', interval '0',
   'Widerspruch aufgehoben: Chat zu Arbeitszeiten');

update public.playbooks set description = $txt$## Wen wir anschreiben

Inhaber, Selbstständige und Freelancer mit akuter Zeitnot: Menschen, die ihr Geschäft selbst führen und im
Tagesgeschäft feststecken – viele Anfragen, Termine und Angebote, aber niemand, der ihnen das abnimmt.
Typische Signale: Posts über volle Wochen („komme zu nichts“), späte Antworten, eine Stellenanzeige für eine
Assistenz. Wir schreiben Menschen nur in ihrer beruflichen Rolle an (erkennbar beruflich genutztes Profil),
nie private Profile.

## Regeln

- **Persönlich:** Jede Erst-DM bezieht sich auf etwas Konkretes der Person (Post, Angebot, Website). Keine
  Nachricht von der Stange, kein Massenversand.
- **Kurz:** höchstens fünf Sätze, am Ende eine einfache Frage.
- **Kein Werbelink in der ersten Nachricht.** Links wirken wie Werbung. Ein Link auf unser Angebot kommt
  frühestens in Follow-up 2 oder wenn jemand danach fragt. Einzige Ausnahme und Pflicht: der Link auf die
  Datenschutz-Information für Kaltakquise (Art. 14 DSGVO,
  https://agent-in-5-stunden.de/info-kaltakquise.html) steht in jeder ersten Nachricht.
- **Widerspruch:** Schreibt jemand „kein Interesse, bitte nicht mehr anschreiben“ oder widerspricht, im
  Status-Center unter „Widersprüche“ die E-Mail-Adresse oder den Handle mit Kanal eintragen. Alle Aufgaben
  und die Sequenz enden sofort, und die Person kann nicht erneut als Prospect angelegt werden.
- **Kein Druck:** keine künstliche Verknappung, keine Rabatte, kein „nur diese Woche“. Ein Nein ist in Ordnung.
- **Stopp bei Antwort:** Sobald jemand antwortet, die Stufe auf REPLIED setzen – offene Follow-ups werden
  automatisch abgebrochen. Bei einer Absage stattdessen LOST mit Grund „Kein Interesse“ und nicht erneut
  anschreiben.
- **Ohne Antwort höchstens zwei Follow-ups** und eine kurze Abschlussnachricht. Danach ist Schluss.
- **Datenschutz (DSGVO):** Keine Chat-Inhalte in den Leitstand kopieren, keine Screenshots. Wir halten nur fest,
  dass Kontakt stattfand: im Status-Center die Aufgabe unter „Heute“ mit Kanal „Direktnachricht“ erledigen
  oder in der Lead-Ansicht „Kontakt notieren“ (siehe „Im Status-Center festhalten“).
- Versand werktags zwischen 8 und 18 Uhr.

## Im Status-Center festhalten

„Kontakt notieren“ in der Lead-Ansicht (und „Erledigt“ einer Aufgabe unter „Heute“) hat genau diese Felder:

- **Kanal:** `dm` „Direktnachricht“ (die Plattform ist die des Handles am Lead), `email` „E-Mail“, `call`
  „Anruf“, `meeting` „Termin“.
- **Notiz-Code** (Pflicht): was passiert ist. Ausgehend: `first_message_sent` „Erstnachricht gesendet“, `follow_up_sent` „Follow-up gesendet“,
  `closing_message_sent` „Abschlussnachricht gesendet“, `proposal_sent` „Terminvorschlag oder Angebot gesendet“,
  `call_held` „Gespräch geführt“, `not_reached` „Nicht erreicht“, `handover_done` „Übergabe erledigt“,
  `other_outbound` „Sonstiges (ausgehend)“.
  Eingehend: `replied` „Hat geantwortet“, `interested` „Hat Interesse“, `call_requested` „Möchte
  einen Termin“, `not_interested` „Kein Interesse“, `other_inbound` „Sonstiges (eingehend)“.
- **Notiz** (optional, höchstens 500 Zeichen): nur Geschäftliches in Stichworten, z. B. „will Preise, Rückruf
  Dienstag“. Nie Chat-Inhalte oder Zitate daraus, keine sensiblen Daten (Gesundheit, Finanzen, Daten Dritter).
  Die Notiz gehört zu den personenbezogenen Daten des Leads: Sie wird mit ihm exportiert und gelöscht.

Ein ausgehender Code bewegt einen neuen Lead nach CONTACTED, ein eingehender einen kontaktierten nach REPLIED.

## Ablauf

1. Erst-DM senden (Varianten unten), dann die Aufgabe „Erstkontakt“ mit Kanal `dm` erledigen (oder einen
   Touchpoint mit Notiz-Code `first_message_sent` anlegen): Der Lead steht danach auf CONTACTED.
2. Der Leitstand legt die Aufgaben an: Follow-up 1 an Tag 2, Follow-up 2 an Tag 5, an Tag 10 die Frage
   „als LOST markieren?“.
3. Antwortet die Person: REPLIED, weiter mit dem Qualifizierungsskript.

## Die erste DM

`[…]` durch deinen konkreten Bezug ersetzen, `{vorname}` durch den Vornamen. Auf X die Instagram-Variante nehmen.

**Variante Instagram** (locker und kurz):

> Hey {vorname}, ich bin über [deinen Post zu … / dein Angebot für …] auf dich gestoßen. Kurze Frage: Wie viel von deiner Woche geht gerade für Kleinkram drauf – E-Mails, Termine, Angebote? Wir richten Selbstständigen einen persönlichen AI-Agenten ein, der genau das abnimmt, an einem Termin in 5 Stunden. Wenn das bei dir gerade ein Thema ist, erzähl ich dir gern mehr. Wenn nicht, auch völlig okay 🙂
>
> Warum ich dir schreibe und was wir dazu speichern: https://agent-in-5-stunden.de/info-kaltakquise.html

**Variante LinkedIn** (etwas ruhiger):

> Hallo {vorname}, [dein Beitrag zu … / dein Profil als …] ist mir aufgefallen. Bei vielen Inhabern gehen jede Woche Stunden für E-Mails, Terminabstimmung und Angebotsentwürfe drauf. Wir richten dafür einen persönlichen AI-Agenten ein – an einem Termin in 5 Stunden, mit klaren Regeln, was er ohne dein OK tun darf und was nicht. Ist das bei dir gerade ein Thema? Dann erzähle ich dir gern in zwei, drei Sätzen, wie das konkret aussieht.
>
> Warum ich dir schreibe und wie wir mit deinen Daten umgehen: https://agent-in-5-stunden.de/info-kaltakquise.html
>
> Viele Grüße
> [dein Vorname]$txt$
where key = 'followup_sequence';
