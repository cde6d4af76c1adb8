-- Fulfilment (issue 19): the tasks made at WON point to the real places. The onboarding questionnaire goes to the
-- customer through the signed link (lead view, Onboarding, Link erstellen); the install appointment is booked in the
-- lead view; the install is ticked in the install run (#/installs/<id>), which also shows whether the access data
-- are complete (no more "Zugänge vollständig ja/nein" to note anywhere); the handover summary is downloaded there.
-- The safety-baseline task cannot be skipped any more: playbook_steps.skippable (false for that step) and
-- public.complete_task answering not_skippable (the API says so in German).

alter table public.playbook_steps add column skippable boolean not null default true;
update public.playbook_steps set skippable = false where playbook_key = 'install_checklist' and step = 5;

update public.playbook_steps set title = 'Onboarding-Fragebogen an {name} schicken (Ziele, Kanäle, Automationen)', body = $txt$- Im Status-Center den Lead öffnen (`#/leads/<id>`), Abschnitt „Onboarding“: „Link erstellen“, den Link kopieren
  und {name} schicken. Der Link gilt nur für {firma}, läuft ab und lässt sich widerrufen; ein neuer Link ersetzt
  den alten.

  > Hi {vorname}, hier ist dein Onboarding-Fragebogen: [Link]. Ziele, Tools, deine drei wichtigsten Abläufe und was dein Agent nur mit deinem OK darf. Du kannst jederzeit als Entwurf speichern und später weitermachen.

- {name} füllt ihn selbst aus, ohne Konto. Nach dem Abschicken meldet der Leitstand „Onboarding ausgefüllt“; die
  Antworten stehen beim Lead im Abschnitt „Onboarding“.
- Antworten durchsehen: drei Kern-Workflows nach Nutzen sortiert, alles Weitere „für später“; Freigabe-Regeln
  (E-Mails senden, Zahlungen und Löschungen immer nur mit Freigabe, dazu die eigenen); Ansprechpartner und
  Vertretung.
- Fehlt etwas oder ist etwas unklar: beim Lead „Zur Bearbeitung öffnen“; {name} ändert über denselben Link und
  schickt erneut ab.
- Keine Zugangsdaten und keine Inhalte aus E-Mails oder Chats in den Fragebogen.$txt$
where playbook_key = 'onboarding' and step = 2;

update public.playbook_steps set body = $txt$- Aus dem Fragebogen die Liste der nötigen Zugänge erstellen, je Zugang mit den kleinsten nötigen Rechten
  (wo möglich App-Passwort oder API-Schlüssel statt Hauptpasswort).
- Anfrage senden:

  > Hi {vorname}, für die Installation braucht dein Agent Zugriff auf: [Liste]. Bitte schick uns Zugangsdaten nicht per Chat oder E-Mail. Am einfachsten gibst du sie beim Termin selbst ein. Sollen wir etwas vorher vorbereiten, teile den Eintrag bitte über deinen Passwort-Manager mit uns.

- Nur über den Passwort-Manager annehmen (geteilter Eintrag oder Freigabe mit Ablaufdatum). Nichts kopieren,
  nichts lokal speichern.
- Kommt trotzdem etwas per Chat oder E-Mail: Nachricht löschen und {name} bitten, das Passwort zu ändern.
- Im Leitstand nichts dazu notieren: Ob die Zugänge vollständig sind, zeigt die Installation. Dort wird am Termin
  „Zugangsdaten vom Kunden selbst in Keychain oder Passwort-Manager eingetragen“ (Std. 2) abgehakt; fehlt etwas,
  den Punkt mit Grund überspringen.$txt$
where playbook_key = 'onboarding' and step = 3;

update public.playbook_steps set body = $txt$- Einen Block von 5 Stunden am Stück vereinbaren, möglichst innerhalb der nächsten Woche:

  > Hi {vorname}, für die Installation brauchen wir 5 Stunden am Stück. Du bist zu Beginn und am Ende dabei, zusammen etwa 1,5 Stunden; dazwischen kannst du weiterarbeiten. Passt dir [Tag, Uhrzeit] oder [Tag, Uhrzeit]?

- Den Termin im Leitstand buchen: beim Lead (`#/leads/<id>`) Abschnitt „Installation“, „Installation buchen“,
  Beginn in Berliner Zeit (5 Stunden; wer bucht, installiert). Überschneidet er sich mit einer anderen
  Installation von dir, lehnt der Leitstand ihn ab. {name} sieht den Termin danach über den Onboarding-Link.
- Kalendereinladung mit Ablauf senden (Kick-off, Installation, drei Workflows, Sicherheits-Baseline, Übergabe).
- Erinnern, was bereitliegen muss: Rechner mit Netzteil, Admin-Passwort des Rechners, Zwei-Faktor-Gerät,
  Zugänge im Passwort-Manager.
- Vor Ort oder per Fernzugriff? Fernzugriff nur während des Termins.$txt$
where playbook_key = 'onboarding' and step = 4;

update public.playbook_steps set body = $txt$- Während des Termins die Installation im Status-Center offen haben (beim Lead unter „Installation“,
  `#/installs/<id>`) und jeden Punkt abhaken, sobald er erledigt ist; überspringen nur mit Grund. {name} sieht
  über den Onboarding-Link, wie weit es ist (ohne Gründe und Notizen).
- Systemvoraussetzungen prüfen: Betriebssystem aktuell, genug Speicherplatz, Passwort-Manager oder Keychain
  bereit.
- Agent unter dem Benutzerkonto des Kunden installieren, ohne Admin-Rechte im laufenden Betrieb.
- Kanäle aus dem Fragebogen verbinden, jeweils mit den kleinsten nötigen Rechten.
- Zugangsdaten gibt {name} selbst in die Keychain ein oder sie kommen aus dem geteilten Passwort-Manager-Eintrag;
  wir notieren sie nirgends.
- Probelauf: Der Agent antwortet und liest einen Test-Eintrag, z. B. eine Test-E-Mail an sich selbst.$txt$
where playbook_key = 'install_checklist' and step = 1;

update public.playbook_steps set body = $txt$- Keychain: alle Passwörter, Tokens und Schlüssel liegen in Keychain oder Passwort-Manager. Konfiguration,
  Skripte und Notizen durchsehen: kein Geheimnis im Klartext.
- RLS: Auf jeder Tabelle, in die der Agent schreibt, ist Row Level Security an. Mit der Rolle des Agenten
  testen: fremde Zeilen weder lesbar noch änderbar.
- Freigabe-Regeln: E-Mail senden, Zahlung und Löschen je einmal auslösen, ablehnen – es passiert nichts.
- Rechte: nur die nötigen Konten, Ordner und Kalender; keine Admin-Rechte für den Agenten.
- Keine Inhalte verlassen das System von {firma}: keine Logs mit Inhalten an uns, keine Kopien auf unseren
  Geräten.
- Not-Aus: {name} kann den Agenten anhalten und wieder starten.
- In der Installation (Std. 4) jeden Punkt einzeln abhaken. Die Sicherheits-Baseline wird nie übersprungen, auch
  diese Aufgabe nicht: Trifft ein Punkt nicht zu, dort „nicht anwendbar“ mit Grund (steht so in der Übergabe).$txt$
where playbook_key = 'install_checklist' and step = 5;

update public.playbook_steps set body = $txt$- Im Leitstand den Agenten von {firma} öffnen (beim Abschluss automatisch angelegt).
- Agent-Schlüssel einmal anzeigen (Key-Handover, siehe `docs/pipeline.md`) und sofort in die Keychain des
  Kunden eintragen. Er wird nur einmal angezeigt: nicht in Chat, Notiz oder Screenshot zwischenspeichern.
- Prüfen: Der Anfang des Schlüssels stimmt mit dem Präfix im Leitstand überein.
- Agent neu starten, ersten Heartbeat im Leitstand prüfen.
- Am Tag danach prüfen, dass die Heartbeats regelmäßig ankommen (Standardintervall: 5 Minuten).
- „Monitoring verbunden“ hakt sich in der Installation beim ersten Heartbeat selbst ab.$txt$
where playbook_key = 'install_checklist' and step = 6;

update public.playbook_steps set body = $txt$- Die drei Workflows mit {name} einmal live durchspielen, inklusive einer Freigabe.
- Zeigen: Wie gebe ich frei, wie lehne ich ab, wie halte ich den Agenten an?
- Schriftliche Übersicht übergeben: was der Agent kann, was er allein darf, was nur mit Freigabe, wen
  {name} bei Fragen erreicht. In der Installation „Übergabe-Übersicht herunterladen“ (zum
  Drucken); nach dem Abschluss sieht {name} sie auch über den Onboarding-Link.
- Retainer ansprechen, falls noch nicht gebucht (149 € im Monat zzgl. USt., monatlich kündbar).
- Fernzugriff beenden; geteilte Einträge im Passwort-Manager von {name} wieder entziehen lassen.
- Im Leitstand: Aufgaben abschließen, Touchpoint „Übergabe erledigt“. Keine Inhalte.$txt$
where playbook_key = 'install_checklist' and step = 7;

-- Closes an open task (compare-and-set on status): done with a channel records the touchpoint and the
-- stage move it implies (record_touchpoint, leads.sql); skipped only closes it. result: completed, not_found,
-- not_open, not_skippable (skipped, but the task's playbook step says it cannot be: the safety baseline of the
-- install, which is ticked item by item in the install run), channel_required (a first contact or follow-up done
-- needs the channel it went out on),
-- note_without_touchpoint (p_note, the touchpoint's free-text note, needs a touchpoint: done, with a channel,
-- on a lead's task; nothing is changed).
create or replace function public.complete_task(p_task uuid, p_outcome text, p_channel text, p_note_code text, p_at timestamptz,
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
  if p_outcome = 'skipped' and exists (select 1 from public.playbook_steps s
                                      where s.playbook_key = v_task.playbook_key and s.step = v_task.playbook_step and not s.skippable) then
    result := 'not_skippable'; return next; return;
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
