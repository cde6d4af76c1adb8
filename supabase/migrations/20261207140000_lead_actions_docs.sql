-- Issue 18, the lead workbench's page actions: the sales script and the call templates (docs/vertrieb/cold-dm-skript.md,
-- docs/vorlagen/qualifizierung.md, call-buchen.md, call-vorbereitung.md are rendered from these rows) describe what
-- to record in the status center with the fields the API has: channel, note code (the real codes), an optional
-- note of at most 500 characters for business notes only; "Gewonnen" asks for the deal in the lead view (no
-- table editing). Same text as supabase/schemas/reference_data.sql.

update public.playbooks set description = replace(description,
  $old$- **Datenschutz (DSGVO):** Keine Chat-Inhalte in den Leitstand kopieren, keine Screenshots. Wir halten nur fest,
  dass Kontakt stattfand: die Aufgabe mit Kanal `dm` erledigen oder einen Touchpoint anlegen (Kanal `dm`,
  Notiz-Code wie `first_message_sent` „Erstnachricht gesendet“; die Plattform ist die des Handles). Die
  optionale Notiz (höchstens 500 Zeichen) nur für Geschäftliches in Stichworten, nie für Chat-Inhalte.$old$,
  $new$- **Datenschutz (DSGVO):** Keine Chat-Inhalte in den Leitstand kopieren, keine Screenshots. Wir halten nur fest,
  dass Kontakt stattfand: im Status-Center die Aufgabe unter „Heute“ mit Kanal „Direktnachricht“ erledigen
  oder in der Lead-Ansicht „Kontakt notieren“ (siehe „Im Status-Center festhalten“).$new$)
where key = 'followup_sequence';

update public.playbooks set description = replace(description,
  $old$## Ablauf

1. Erst-DM senden$old$,
  $new$## Im Status-Center festhalten

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

1. Erst-DM senden$new$)
where key = 'followup_sequence';

update public.playbooks set description = replace(description,
  $old$Im Leitstand nur das Ergebnis als Touchpoint: Kanal `call`, Notiz-Code `call_held` („Gespräch geführt“) und in
der Notiz (höchstens 500 Zeichen) Stichworte: Zeitfresser, grobe Stunden pro Woche, Tools, Budget ok,
Entscheider, Startwunsch. Keine Gesprächsmitschrift, keine Namen oder Daten von Kunden des
Leads. Dann die Stufe setzen: QUALIFIED oder LOST mit Grund. Steht der Call-Termin schon, erst QUALIFIED, dann
`call_at` eintragen und weiter auf CALL_BOOKED.$old$,
  $new$Im Status-Center nur das Ergebnis, in der Lead-Ansicht mit „Kontakt notieren“: Kanal `call` („Anruf“; per Video
`meeting` „Termin“), Notiz-Code `call_held` („Gespräch geführt“; nicht erreicht: `not_reached`) und in der Notiz
(optional, höchstens 500 Zeichen, nur Geschäftliches) Stichworte: Zeitfresser, grobe Stunden pro Woche, Tools,
Budget ok, Entscheider, Startwunsch. Keine Gesprächsmitschrift, keine Chat-Inhalte, keine sensiblen Daten, keine
Namen oder Daten von Kunden des Leads. Dann in der Lead-Ansicht die Stufe setzen: QUALIFIED oder „Verloren“ mit
Grund. Steht der Call-Termin schon: „→ Call gebucht“ mit Datum und Uhrzeit.$new$)
where key = 'qualification';

update public.playbook_steps set body = replace(body,
  $old$- Ergebnis als Touchpoint festhalten: Kanal `call`, Notiz-Code `call_held`, Stichworte in der Notiz (höchstens
  500 Zeichen). Keine Mitschrift, keine Chat-Inhalte.$old$,
  $new$- Ergebnis in der Lead-Ansicht mit „Kontakt notieren“ festhalten: Kanal `call`, Notiz-Code `call_held`
  (nicht erreicht: `not_reached`), Stichworte in der Notiz (optional, höchstens 500 Zeichen, nur
  Geschäftliches). Keine Mitschrift, keine Chat-Inhalte, keine sensiblen Daten.$new$)
where playbook_key = 'qualification' and step = 1;

update public.playbooks set description = replace(description,
  $old$- Sobald der Termin steht: `call_at` (Datum und Uhrzeit) am Lead eintragen, dann die Stufe CALL_BOOKED. Ohne
  `call_at` lehnt der Leitstand den Wechsel ab. Die Call-Vorbereitung wird dann automatisch 2 Stunden vor dem
  Termin fällig.$old$,
  $new$- Terminvorschlag gesendet: in der Lead-Ansicht „Kontakt notieren“ mit dem Kanal (`dm`, `email`, `call`),
  Notiz-Code `proposal_sent` („Terminvorschlag oder Angebot gesendet“), optional eine Notiz in Stichworten
  (höchstens 500 Zeichen, nur Geschäftliches, keine Chat-Inhalte, keine sensiblen Daten). Meldet sich der Lead
  mit einem Terminwunsch: `call_requested` („Möchte einen Termin“).
- Sobald der Termin steht: in der Lead-Ansicht (oder an der Pipeline-Karte) „→ Call gebucht“ mit Datum und
  Uhrzeit (Berliner Zeit); das trägt `call_at` ein und setzt die Stufe CALL_BOOKED in einem Schritt. Ohne
  Termin lehnt der Leitstand den Wechsel ab. Die Call-Vorbereitung wird dann automatisch 2 Stunden vor dem
  Termin fällig.$new$)
where key = 'book_call';

update public.playbook_steps set body = replace(body,
  $old$- **Zusage:** Deal anlegen (Tabelle `deals`): Paket `SETUP`, `amount_cents` 149000. Retainer gebucht:
  zusätzlich `RETAINER`, `amount_cents` 14900. Gibt es schon einen offenen SETUP-Deal, keinen zweiten anlegen.
  Dann Stufe auf **WON** – Onboarding, Installationsaufgaben und Monitoring-Eintrag entstehen automatisch.
  Auftragsbestätigung und Rechnung an {name} senden.$old$,
  $new$- **Zusage:** in der Lead-Ansicht „→ Gewonnen“: Das Deal-Formular fragt nach dem Paket (Setup, der Preis ist
  vorausgefüllt; ein anderer Preis braucht einen Grund) und legt Deal und Stufe **WON** in einem Schritt an –
  Onboarding, Installationsaufgaben und Monitoring-Eintrag entstehen automatisch. Retainer gebucht: zusätzlich
  ein Deal `RETAINER` mit Startdatum (`POST /api/leads/{id}/deals`). Gibt es schon einen offenen Deal, fragt
  „Gewonnen“ nicht erneut. Auftragsbestätigung und Rechnung an {name} senden.$new$)
where playbook_key = 'call_prep' and step = 2;

update public.playbook_steps set body = replace(body,
  $old$- Ergebnis als Touchpoint: Kanal `call` oder `meeting`, Notiz-Code `call_held`, Stichworte in der Notiz
  (höchstens 500 Zeichen). Keine Mitschrift.$old$,
  $new$- Ergebnis in der Lead-Ansicht mit „Kontakt notieren“: Kanal `call` oder `meeting`, Notiz-Code `call_held`,
  Stichworte in der Notiz (optional, höchstens 500 Zeichen, nur Geschäftliches). Keine Mitschrift, keine
  Chat-Inhalte, keine sensiblen Daten.$new$)
where playbook_key = 'call_prep' and step = 2;
