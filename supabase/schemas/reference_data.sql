-- Reference rows: the data the rules read, as it stands now (every row the migrations insert). Applied last
-- (schema_paths in supabase/config.toml) when the schema is built from supabase/schemas/; SchemaFilesTests checks
-- that these rows equal what the migrations leave in a fresh database. A change to these rows needs a migration
-- too (insert/update/delete), like a change to the schema: `supabase db diff` does not see data.
-- Order matters where a table numbers its rows (alert_routes.id): keep new rows at the end.

-- ---------------------------------------------------------------------------------------------
-- Leads (leads.sql): the stages in pipeline order with their German labels (one row per value of
-- public.lead_stage).
insert into public.lead_stages (code, label, position, closed) values
  ('NEW', 'Neu', 1, false),
  ('CONTACTED', 'Kontaktiert', 2, false),
  ('REPLIED', 'Geantwortet', 3, false),
  ('QUALIFIED', 'Qualifiziert', 4, false),
  ('CALL_BOOKED', 'Call gebucht', 5, false),
  ('WON', 'Gewonnen', 6, true),
  ('LOST', 'Verloren', 7, true);

-- ---------------------------------------------------------------------------------------------
-- Pipeline (pipeline.sql): the allowed stage moves.
insert into public.lead_stage_transitions (from_stage, to_stage, meaning) values
  ('NEW', 'CONTACTED', 'Erstkontakt gesendet'),
  ('CONTACTED', 'REPLIED', 'Lead hat geantwortet'),
  ('REPLIED', 'QUALIFIED', 'Qualifiziert (15-Minuten-Gespräch)'),
  ('QUALIFIED', 'CALL_BOOKED', 'Call gebucht'),
  ('CALL_BOOKED', 'WON', 'Abschluss nach dem Call'),
  -- forward skips a real team needs: a lead books a call straight from the landing page or the first DM
  ('NEW', 'CALL_BOOKED', 'Lead hat direkt einen Termin gebucht'),
  ('CONTACTED', 'CALL_BOOKED', 'Termin direkt auf die Erstnachricht gebucht'),
  ('REPLIED', 'CALL_BOOKED', 'Termin gebucht, Qualifizierung im Call'),
  -- one step back: the call was cancelled or the lead did not show up; book again
  ('CALL_BOOKED', 'QUALIFIED', 'Call abgesagt oder nicht erschienen, neu buchen'),
  ('NEW', 'LOST', 'Verloren'),
  ('CONTACTED', 'LOST', 'Verloren'),
  ('REPLIED', 'LOST', 'Verloren'),
  ('QUALIFIED', 'LOST', 'Verloren'),
  ('CALL_BOOKED', 'LOST', 'Verloren'),
  ('LOST', 'NEW', 'Wiedereröffnet');

-- ---------------------------------------------------------------------------------------------
-- Playbooks (pipeline.sql): the templates behind the pipeline tasks (German texts the team actually sends and uses).
-- Placeholders in step titles and bodies: {name}, {vorname}, {firma} (filled from the lead when the task is
-- created). Descriptions are not filled; {vorname} there means: insert the first name yourself.
-- docs/vertrieb/ and docs/vorlagen/ are rendered from these rows: after a change run
-- `dotnet run --project host -- --render-docs`.
insert into public.playbooks (key, trigger_stage, title, description, document, position) values
(
  'followup_sequence', 'CONTACTED', 'Cold-DM-Skript und Follow-up-Sequenz',
  $txt$## Wen wir anschreiben

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
> [dein Vorname]$txt$,
  'vertrieb/cold-dm-skript.md', 1
),
(
  'qualification', 'REPLIED', 'Qualifizierungsskript (15-Minuten-Call)',
  $txt$## Ziel

In 15 Minuten klären, ob ein Agent dem Lead spürbar Zeit spart und ob Budget, Entscheidung und Zeitpunkt
passen. Am Ende steht eine klare Entscheidung: QUALIFIED (Call buchen) oder LOST (mit Grund). Du führst das
Gespräch, der Lead redet – du hörst die meiste Zeit zu und fragst nach, statt zu präsentieren.

Vorher (2 Minuten): Profil oder Website ansehen, Touchpoints im Leitstand lesen, Stichwortzettel bereitlegen.

## Ablauf

### 0–1 Min. · Begrüßung (1 Min.)

> „Hi {vorname}, schön, dass es klappt! Ich hab 15 Minuten eingeplant, passt das bei dir? Ich stelle dir ein paar Fragen zu deinem Alltag, und am Ende sage ich dir ehrlich, ob ein Agent für dich Sinn ergibt oder nicht.“

### 1–6 Min. · Situation und Zeitfresser (5 Min.)

- „Erzähl mal kurz: Was machst du, und wie sieht eine typische Woche bei dir aus?“
- „Welche Aufgaben kosten dich gerade am meisten Zeit, obwohl sie eigentlich Routine sind?“
- „Wie viele Stunden pro Woche sind das ungefähr?“
- „Mit welchen Tools arbeitest du dabei – E-Mail, Kalender, Messenger, CRM, Buchhaltung?“
- „Hast du schon mal versucht, das zu automatisieren oder abzugeben? Woran ist es gescheitert?“
- „Arbeitest du an einem eigenen Rechner, Mac oder Windows?“

Nachfragen: „Wie läuft das genau ab?“, „Wie oft pro Woche?“, „Was passiert, wenn es liegen bleibt?“

### 6–9 Min. · Ziele (3 Min.)

- „Wenn dir ab nächster Woche jemand drei Dinge abnehmen würde – welche wären das?“
- „Was würdest du mit der gewonnenen Zeit machen?“
- „Woran würdest du in vier Wochen merken, dass es sich gelohnt hat?“
- „Was darf auf keinen Fall passieren?“ (Hinweis für die Freigabe-Regeln)

### 9–12 Min. · Passung, Budget, Entscheidung (3 Min.)

Den Preis offen nennen:

> „Kurz zum Rahmen: Das Setup kostet einmalig 1.490 € zzgl. USt. Dafür installieren wir deinen Agenten an einem Termin in 5 Stunden, mit drei Workflows und klaren Sicherheitsregeln. Optional kümmern wir uns für 149 € im Monat um Updates und Monitoring. Passt das grundsätzlich in deinen Rahmen?“

- „Entscheidest du das allein, oder redet noch jemand mit?“
- „Wann möchtest du starten – in den nächsten Wochen oder eher später?“
- „Gibt es Vorgaben, die wir kennen sollten? Zum Beispiel IT-Richtlinien, Schweigepflicht oder Gesundheitsdaten.“

### 12–15 Min. · Nächster Schritt (3 Min.)

- **Passt:** „Ich glaube, da können wir dir gut helfen, vor allem bei [Zeitfresser]. Im nächsten Schritt zeige
  ich dir in einem Call (ca. 30 Minuten), welche drei Workflows wir bei dir einrichten würden, und wir gehen das
  Angebot durch. Wann passt es dir?“ – den Termin möglichst direkt ausmachen.
- **Passt nicht:** ehrlich sagen, warum („Ehrlich gesagt lohnt sich das für dich gerade nicht, weil …“),
  bedanken, die Tür offen lassen.
- **Unklar:** die offene Frage benennen und vereinbaren, bis wann sie geklärt ist.

## Kriterien

**QUALIFIED**, wenn alles zutrifft:

1. Mindestens ein konkreter, wiederkehrender Zeitfresser in digitalen Tools (E-Mail, Kalender, Messenger,
   CRM, Dokumente), zusammen grob 3 Stunden pro Woche oder mehr.
2. Der Lead entscheidet selbst, oder die entscheidende Person ist beim Call dabei.
3. 1.490 € zzgl. USt. sind grundsätzlich in Ordnung.
4. Start in den nächsten acht Wochen gewünscht.
5. Eigener Rechner und eigene Konten, auf denen installiert werden darf; keine Vorgaben, die das verhindern.

**LOST**, wenn eines zutrifft (Grund aus der Liste der Verlustgründe; eine kurze Notiz ohne Namen ist freiwillig):

- kein konkreter Zeitfresser, eher Neugier → „Kein Bedarf“
- Budget passt auf absehbare Zeit nicht → „Zu teuer“
- Start frühestens in drei Monaten → „Keine Zeit / falscher Zeitpunkt“ (meldet sich der Lead später, LOST → NEW)
- erwartet etwas, das wir nicht liefern: individuelle Softwareentwicklung oder einen Agenten, der ohne Freigabe
  E-Mails verschickt, bezahlt oder löscht → „Kein Bedarf“, Notiz „passt nicht zum Angebot“
- kein Interesse mehr an einem Call → „Kein Bedarf“

**Grenzfall:** nicht raten. Müssten die Workflows zwingend Gesundheitsdaten oder Daten unter Berufsgeheimnis
verarbeiten, vor der Entscheidung im Team besprechen. Sonst die offene Frage per Nachricht klären und
spätestens nach zwei Tagen entscheiden.

## Festhalten (DSGVO)

Im Status-Center nur das Ergebnis, in der Lead-Ansicht mit „Kontakt notieren“: Kanal `call` („Anruf“; per Video
`meeting` „Termin“), Notiz-Code `call_held` („Gespräch geführt“; nicht erreicht: `not_reached`) und in der Notiz
(optional, höchstens 500 Zeichen, nur Geschäftliches) Stichworte: Zeitfresser, grobe Stunden pro Woche, Tools,
Budget ok, Entscheider, Startwunsch. Keine Gesprächsmitschrift, keine Chat-Inhalte, keine sensiblen Daten, keine
Namen oder Daten von Kunden des Leads. Dann in der Lead-Ansicht die Stufe setzen: QUALIFIED oder „Verloren“ mit
Grund. Steht der Call-Termin schon: „→ Call gebucht“ mit Datum und Uhrzeit.$txt$,
  'vorlagen/qualifizierung.md', 2
),
(
  'book_call', 'QUALIFIED', 'Call buchen',
  $txt$Der Lead ist qualifiziert; jetzt zählt Tempo. Innerhalb eines Werktags zwei feste Termine vorschlagen, statt
zu fragen „Wann passt es dir?“. Die Termine liegen möglichst in den nächsten fünf Werktagen.

- Call: ca. 30 Minuten, per Video; der Link kommt mit der Kalendereinladung.
- In die Einladung gehört eine kurze Agenda: Zeitfresser und Ziele, drei Workflow-Ideen, Angebot, nächster
  Schritt.
- Terminvorschlag gesendet: in der Lead-Ansicht „Kontakt notieren“ mit dem Kanal (`dm`, `email`, `call`),
  Notiz-Code `proposal_sent` („Terminvorschlag oder Angebot gesendet“), optional eine Notiz in Stichworten
  (höchstens 500 Zeichen, nur Geschäftliches, keine Chat-Inhalte, keine sensiblen Daten). Meldet sich der Lead
  mit einem Terminwunsch: `call_requested` („Möchte einen Termin“).
- Sobald der Termin steht: in der Lead-Ansicht (oder an der Pipeline-Karte) „→ Call gebucht“ mit Datum und
  Uhrzeit (Berliner Zeit); das trägt `call_at` ein und setzt die Stufe CALL_BOOKED in einem Schritt. Ohne
  Termin lehnt der Leitstand den Wechsel ab. Die Call-Vorbereitung wird dann automatisch 2 Stunden vor dem
  Termin fällig.$txt$,
  'vorlagen/call-buchen.md', 3
),
(
  'call_prep', 'CALL_BOOKED', 'Call-Vorbereitung',
  $txt$Der Call (ca. 30 Minuten, per Video) ist das Verkaufsgespräch: Du zeigst, welche drei Workflows wir einrichten
würden, nennst das Angebot und klärst die Entscheidung.

## Ablauf des Calls

1. **Rückblick (3 Min.):** Zeitfresser und Ziele aus der Qualifizierung bestätigen lassen. „Hat sich seitdem
   etwas geändert?“
2. **Drei Workflow-Ideen (10 Min.):** je Idee: was den Workflow auslöst, was der Agent tut, was nur mit
   Freigabe läuft, grob gesparte Zeit pro Woche. Der Lead darf tauschen und ändern.
3. **Ablauf und Sicherheit (5 Min.):** Kick-off, Installation, drei Workflows, Sicherheits-Baseline, Übergabe –
   an einem Termin, der Lead ist am Anfang und am Ende dabei (zusammen etwa 1,5 Stunden). Zugangsdaten bleiben in
   seiner Keychain oder seinem Passwort-Manager, nie in Chat oder E-Mail; kritische Aktionen laufen nur mit
   seiner Freigabe.
4. **Angebot (5 Min.):** Setup 1.490 € zzgl. USt., einmalig, Festpreis. Retainer 149 € im Monat zzgl. USt.,
   monatlich kündbar: Updates, Monitoring, Anpassungen.
5. **Entscheidung (5 Min.):** „Wollen wir das machen?“ Bei Ja direkt einen Installationstermin festhalten.
   Bei Zögern fragen, was noch fehlt. Kein Druck, keine Rabatte.

## Häufige Einwände

- **„Ich habe keine Zeit für die Einrichtung.“** Du bist etwa 1,5 Stunden dabei, den Rest erledigen wir.
- **„Ist das sicher?“** Der Agent läuft auf deinem Rechner mit deinen Konten, Zugangsdaten liegen in deiner
  Keychain, E-Mails, Zahlungen und Löschungen gehen nur mit deinem OK raus.
- **„Das ist mir zu teuer.“** Nachrechnen: gesparte Stunden pro Woche mal deinem Stundensatz. Passt es
  trotzdem nicht, ist das ein ehrliches Nein.$txt$,
  'vorlagen/call-vorbereitung.md', 4
),
(
  'onboarding', 'WON', 'Onboarding-Vorlage',
  $txt$Der Fragebogen lebt in den Daten: `public.onboarding_templates` (versioniert, `supabase/schemas/reference_data.sql`),
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
  Passwort-Manager$txt$,
  'vorlagen/onboarding.md', 5
),
(
  'install_checklist', 'WON', '5-Stunden-Installations-Checkliste',
  $txt$Die Installation beim Kunden an einem Termin, 5 Stunden am Stück. Der Kunde ist beim Kick-off und bei der
Übergabe dabei, dazwischen arbeiten wir. Die Fälligkeiten der Aufgaben sind Spätestens-Termine; der echte
Termin steht im Onboarding.

## Ablauf, Stunde für Stunde

| Zeit | Block | Ergebnis |
| --- | --- | --- |
| Std. 1 | Kick-off und Ziele | Ziele und die drei Kern-Workflows aus dem Onboarding bestätigt, Freigabe-Regeln abgestimmt |
| Std. 2 | Installation Standard-Agent | Agent läuft unter dem Konto des Kunden, Kanäle mit minimalen Rechten verbunden |
| Std. 3 | Drei Kern-Workflows | jeder Workflow eingerichtet und mit einem harmlosen Beispiel getestet |
| Std. 4 | Sicherheits-Baseline | Keychain, RLS und Freigabe-Regeln geprüft, Monitoring verbunden |
| Std. 5 | Test und Übergabe | Ende-zu-Ende-Test, Kunde eingewiesen, schriftliche Übersicht |

So steht es auch auf der Landingpage. Zeitregel: Für Std. 4 und 5 bleibt immer je eine volle Stunde. Wird
es knapp, Workflow 3 vereinfachen, nie die Sicherheits-Baseline kürzen.

## Sicherheits-Baseline

- **Geheimnisse nur in Keychain oder Passwort-Manager:** Passwörter, Tokens und API-Schlüssel liegen im
  macOS-Schlüsselbund, in der Windows-Anmeldeinformationsverwaltung oder im Passwort-Manager des Kunden. Nie in
  Konfigurationsdateien, Skripten, Notizen, Chats oder E-Mails.
- **RLS auf jeder Tabelle, in die der Agent schreibt:** Row Level Security ist eingeschaltet, die Richtlinien
  erlauben der Rolle des Agenten nur die nötigen Zeilen und Aktionen. Mit der Rolle des Agenten getestet:
  fremde Zeilen sind weder lesbar noch änderbar.
- **Freigabe-Regeln:** E-Mails senden, Zahlungen und Löschungen brauchen immer die Freigabe eines Menschen;
  dazu alles, was im Onboarding als „nur mit Freigabe“ festgelegt wurde. Jede Regel einmal getestet: Der Agent
  fragt, die Anfrage wird abgelehnt, es passiert nichts.
- **So wenig Rechte wie nötig:** eigene Tokens oder App-Passwörter mit kleinstem Umfang (z. B. lesen und Entwürfe
  statt Vollzugriff), nur die nötigen Ordner und Kalender, keine Admin-Rechte für den laufenden Agenten.
- **Monitoring-Heartbeat:** Der Agent meldet sich regelmäßig beim Leitstand, mit dem Agent-Schlüssel. Der
  Schlüssel wird im Leitstand genau einmal angezeigt und direkt in die Keychain des Kunden eingetragen. Der
  Heartbeat enthält nur Betriebsdaten, keine Inhalte.
- **Keine Chat-Inhalte verlassen das System des Kunden:** keine Logs mit Inhalten an uns, keine Kopien oder
  Screenshots auf unseren Geräten. Fernzugriff nur während des Termins und mit Zustimmung des Kunden; danach
  beendet.
- **Not-Aus:** Der Kunde weiß, wie er den Agenten anhält und wieder startet.$txt$,
  'vorlagen/installations-checkliste.md', 6
);

insert into public.playbook_steps (playbook_key, step, kind, title, body, due_anchor, due_after) values
-- Follow-up sequence (CONTACTED) ---------------------------------------------------------------------------
(
  'followup_sequence', 1, 'follow_up', 'Follow-up 1 an {name} senden',
  $txt$Noch keine Antwort von {name}? Dann jetzt Follow-up 1 senden, im selben Kanal wie die Erst-DM:

> Hi {vorname}, ich melde mich noch mal kurz, falls meine Nachricht untergegangen ist. Wo geht bei dir gerade die meiste Zeit für Routinekram drauf? Ein Satz reicht mir – dann sag ich dir ehrlich, ob ein Agent dir da helfen kann oder nicht.

- Hat {name} inzwischen geantwortet: nichts senden, Stufe auf REPLIED setzen (die übrigen Follow-ups werden
  abgebrochen).
- Die Aufgabe mit Kanal `dm` erledigen (Notiz-Code `follow_up_sent`, „Follow-up gesendet“). Keine Chat-Inhalte.$txt$,
  'stage_changed', '2 days'
),
(
  'followup_sequence', 2, 'follow_up', 'Follow-up 2 an {name} senden',
  $txt$Immer noch keine Antwort von {name}? Dann Follow-up 2 senden, im selben Kanal. Ab hier ist ein Link in Ordnung:

> Hi {vorname}, noch ein kurzes Beispiel, damit du einschätzen kannst, ob das für dich passt: Der Agent sortiert morgens deine E-Mails vor, schreibt Entwürfe für Standardanfragen und bereitet deine Termine vor. Raus geht nur, was du freigibst. Wie die 5 Stunden ablaufen, siehst du hier: [Link zur Landingpage]. Wenn du magst, antworte einfach mit „Zeig mal“, dann schlage ich dir zwei Termine für ein 15-Minuten-Gespräch vor.

- Beispiel an das Geschäft von {name} anpassen, wenn du etwas Passenderes weißt.
- Hat {name} inzwischen geantwortet: nichts senden, Stufe auf REPLIED setzen.
- Die Aufgabe mit Kanal `dm` erledigen (Notiz-Code `follow_up_sent`, „Follow-up gesendet“). Keine Chat-Inhalte.$txt$,
  'stage_changed', '5 days'
),
(
  'followup_sequence', 3, 'mark_lost', 'Keine Antwort von {name}: als LOST markieren?',
  $txt$Erst-DM und zwei Follow-ups sind ohne Antwort geblieben. Dann:

1. Optional eine letzte, freundliche Nachricht senden:

   > Hi {vorname}, ich will dir nicht weiter die Nachrichten vollschreiben, das ist meine letzte zu dem Thema. Falls Zeitfresser bei dir später wieder oben auf der Liste stehen, melde dich einfach. Alles Gute dir!

2. Stufe auf **LOST** setzen, Grund „Keine Antwort / kein Kontakt“. Offene Aufgaben werden abgebrochen, der Lead
   bekommt automatisch ein Löschdatum.
3. Falls die Abschlussnachricht rausging: Touchpoint mit Kanal `dm` und Notiz-Code `closing_message_sent`
   („Abschlussnachricht gesendet“). Keine Chat-Inhalte.

Hat {name} doch geantwortet: REPLIED statt LOST. Meldet sich {name} später, den Lead wiedereröffnen (LOST → NEW).$txt$,
  'stage_changed', '10 days'
),
-- Qualification (REPLIED) ----------------------------------------------------------------------------------
(
  'qualification', 1, 'qualify', 'Qualifizieren: 15-Minuten-Gespräch mit {name}',
  $txt$- Auf die Antwort eingehen und ein 15-Minuten-Gespräch vorschlagen (Telefon oder Video):

  > Danke dir für die Antwort, {vorname}! Lass uns kurz 15 Minuten sprechen, dann kann ich dir ehrlich sagen, ob und wie ein Agent dir Zeit spart. Passt dir [Tag, Uhrzeit] oder [Tag, Uhrzeit]?

- Gespräch nach dem Skript führen: `docs/vorlagen/qualifizierung.md` (Begrüßung, Zeitfresser, Ziele,
  Passung/Budget/Entscheidung, nächster Schritt).
- Preis offen nennen: Setup 1.490 € zzgl. USt. einmalig, optional 149 € im Monat.
- Ergebnis in der Lead-Ansicht mit „Kontakt notieren“ festhalten: Kanal `call`, Notiz-Code `call_held`
  (nicht erreicht: `not_reached`), Stichworte in der Notiz (optional, höchstens 500 Zeichen, nur
  Geschäftliches). Keine Mitschrift, keine Chat-Inhalte, keine sensiblen Daten.
- Entscheiden: QUALIFIED oder LOST mit Grund (Kriterien im Skript). Steht der Call-Termin schon: erst
  QUALIFIED, dann `call_at` eintragen und CALL_BOOKED.$txt$,
  'stage_changed', '1 day'
),
-- Book the call (QUALIFIED) --------------------------------------------------------------------------------
(
  'book_call', 1, 'book_call', 'Call mit {name} buchen',
  $txt$Zwei feste Termine für den Call vorschlagen (ca. 30 Minuten, per Video), möglichst in den nächsten fünf Werktagen:

> Hi {vorname}, danke für das gute Gespräch! Wie besprochen schlage ich dir zwei Termine für unseren Call vor (ca. 30 Minuten, per Video):
>
> - [Wochentag, Datum, Uhrzeit]
> - [Wochentag, Datum, Uhrzeit]
>
> Im Call zeige ich dir, welche drei Workflows wir bei dir einrichten würden, und wir gehen das Angebot zusammen durch. Passt dir einer davon? Sonst schick mir gern zwei Zeiten, die dir besser passen.

- Zusage da: Kalendereinladung mit Video-Link und kurzer Agenda senden.
- `call_at` (Datum und Uhrzeit) am Lead eintragen, dann Stufe auf **CALL_BOOKED** setzen.
- Keine Antwort nach zwei Werktagen: einmal kurz nachfassen („Passt dir einer der Termine, {vorname}?“).
- Kein Interesse mehr: LOST mit Grund.$txt$,
  'stage_changed', '1 day'
),
-- Call preparation and follow-up (CALL_BOOKED) -------------------------------------------------------------
(
  'call_prep', 1, 'call_prep', 'Call mit {name} vorbereiten',
  $txt$- Notizen aus der Qualifizierung lesen (Touchpoints in der Lead-Ansicht): Zeitfresser, Stunden pro Woche, Tools,
  Ziele, Entscheider.
- Drei Workflow-Ideen aufschreiben, die zu {firma} passen: je Idee Auslöser → was der Agent tut → Ergebnis,
  und was nur mit Freigabe läuft.
- Angebot bereithalten: Setup 1.490 € zzgl. USt. einmalig; Retainer 149 € im Monat zzgl. USt. für Updates und
  Monitoring, monatlich kündbar.
- Auftragsbestätigung und Rechnung aus der Vorlage mit Name und Firma vorausfüllen, noch nicht senden.
- Zwei, drei mögliche 5-Stunden-Blöcke für die Installation in den nächsten sieben Tagen im Kalender
  reservieren.
- Video-Link testen, Bildschirm aufräumen: keine Daten anderer Kunden sichtbar.
- Ist die entscheidende Person dabei? Wenn nicht, kurz nachfragen, ob sie dazukommen kann.$txt$,
  'call_at', '-2 hours'
),
(
  'call_prep', 2, 'call_follow_up', 'Nach dem Call mit {name}: WON oder nächster Schritt',
  $txt$Direkt nach dem Call entscheiden und im Leitstand festhalten:

- **Zusage:** in der Lead-Ansicht „→ Gewonnen“: Das Deal-Formular fragt nach dem Paket (Setup, der Preis ist
  vorausgefüllt; ein anderer Preis braucht einen Grund) und legt Deal und Stufe **WON** in einem Schritt an –
  Onboarding, Installationsaufgaben und Monitoring-Eintrag entstehen automatisch. Retainer gebucht: zusätzlich
  ein Deal `RETAINER` mit Startdatum (`POST /api/leads/{id}/deals`). Gibt es schon einen offenen Deal, fragt
  „Gewonnen“ nicht erneut. Auftragsbestätigung und Rechnung an {name} senden.
- **Absage:** Stufe auf **LOST** mit dem Grund aus der Liste (z. B. „Zu teuer“, „Keine Zeit / falscher Zeitpunkt“,
  „Anderer Anbieter“). Kurze, freundliche Nachricht, dass die Tür offen bleibt.
- **Noch unentschieden:** einen festen Termin für die Entscheidung vereinbaren und als eigene Aufgabe anlegen;
  die Stufe bleibt CALL_BOOKED.
- **Call hat nicht stattgefunden** (abgesagt, nicht erschienen): Stufe zurück auf **QUALIFIED**, dann entsteht
  „Call buchen“ neu. Dazu:

  > Hi {vorname}, schade, dass es heute nicht geklappt hat. Sollen wir einen neuen Termin finden?

- Ergebnis in der Lead-Ansicht mit „Kontakt notieren“: Kanal `call` oder `meeting`, Notiz-Code `call_held`,
  Stichworte in der Notiz (optional, höchstens 500 Zeichen, nur Geschäftliches). Keine Mitschrift, keine
  Chat-Inhalte, keine sensiblen Daten.$txt$,
  'call_at', '2 hours'
),
-- Onboarding (WON) -----------------------------------------------------------------------------------------
(
  'onboarding', 1, 'onboarding', 'Onboarding-Termin mit {name} vereinbaren',
  $txt$- Zwei Termine für das Onboarding-Gespräch vorschlagen (ca. 30 Minuten, per Video), möglichst in den nächsten
  zwei Werktagen:

  > Hi {vorname}, schön, dass wir starten! Für den Start brauche ich 30 Minuten mit dir: Ziele, Tools, Zugänge und was dein Agent allein darf. Passt dir [Tag, Uhrzeit] oder [Tag, Uhrzeit]?

- Kalendereinladung mit Video-Link senden.
- Prüfen, dass Auftragsbestätigung und Rechnung raus sind.$txt$,
  'stage_changed', '4 hours'
),
(
  'onboarding', 2, 'onboarding', 'Onboarding-Fragebogen an {name} schicken (Ziele, Kanäle, Automationen)',
  $txt$- Im Status-Center den Lead öffnen (`#/leads/<id>`), Abschnitt „Onboarding“: „Link erstellen“, den Link kopieren
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
- Keine Zugangsdaten und keine Inhalte aus E-Mails oder Chats in den Fragebogen.$txt$,
  'stage_changed', '2 days'
),
(
  'onboarding', 3, 'onboarding', 'Zugänge für {firma} über den Passwort-Manager anfordern',
  $txt$- Aus dem Fragebogen die Liste der nötigen Zugänge erstellen, je Zugang mit den kleinsten nötigen Rechten
  (wo möglich App-Passwort oder API-Schlüssel statt Hauptpasswort).
- Anfrage senden:

  > Hi {vorname}, für die Installation braucht dein Agent Zugriff auf: [Liste]. Bitte schick uns Zugangsdaten nicht per Chat oder E-Mail. Am einfachsten gibst du sie beim Termin selbst ein. Sollen wir etwas vorher vorbereiten, teile den Eintrag bitte über deinen Passwort-Manager mit uns.

- Nur über den Passwort-Manager annehmen (geteilter Eintrag oder Freigabe mit Ablaufdatum). Nichts kopieren,
  nichts lokal speichern.
- Kommt trotzdem etwas per Chat oder E-Mail: Nachricht löschen und {name} bitten, das Passwort zu ändern.
- Im Leitstand nichts dazu notieren: Ob die Zugänge vollständig sind, zeigt die Installation. Dort wird am Termin
  „Zugangsdaten vom Kunden selbst in Keychain oder Passwort-Manager eingetragen“ (Std. 2) abgehakt; fehlt etwas,
  den Punkt mit Grund überspringen.$txt$,
  'stage_changed', '2 days'
),
(
  'onboarding', 4, 'onboarding', 'Installationstermin (5 Stunden) mit {name} festlegen',
  $txt$- Einen Block von 5 Stunden am Stück vereinbaren, möglichst innerhalb der nächsten Woche:

  > Hi {vorname}, für die Installation brauchen wir 5 Stunden am Stück. Du bist zu Beginn und am Ende dabei, zusammen etwa 1,5 Stunden; dazwischen kannst du weiterarbeiten. Passt dir [Tag, Uhrzeit] oder [Tag, Uhrzeit]?

- Den Termin im Leitstand buchen: beim Lead (`#/leads/<id>`) Abschnitt „Installation“, „Installation buchen“,
  Beginn in Berliner Zeit (5 Stunden; wer bucht, installiert). Überschneidet er sich mit einer anderen
  Installation von dir, lehnt der Leitstand ihn ab. {name} sieht den Termin danach über den Onboarding-Link.
- Kalendereinladung mit Ablauf senden (Kick-off, Installation, drei Workflows, Sicherheits-Baseline, Übergabe).
- Erinnern, was bereitliegen muss: Rechner mit Netzteil, Admin-Passwort des Rechners, Zwei-Faktor-Gerät,
  Zugänge im Passwort-Manager.
- Vor Ort oder per Fernzugriff? Fernzugriff nur während des Termins.$txt$,
  'stage_changed', '3 days'
),
-- 5-hour installation (WON) --------------------------------------------------------------------------------
(
  'install_checklist', 1, 'install', 'Standard-Agent bei {firma} installieren',
  $txt$- Während des Termins die Installation im Status-Center offen haben (beim Lead unter „Installation“,
  `#/installs/<id>`) und jeden Punkt abhaken, sobald er erledigt ist; überspringen nur mit Grund. {name} sieht
  über den Onboarding-Link, wie weit es ist (ohne Gründe und Notizen).
- Systemvoraussetzungen prüfen: Betriebssystem aktuell, genug Speicherplatz, Passwort-Manager oder Keychain
  bereit.
- Agent unter dem Benutzerkonto des Kunden installieren, ohne Admin-Rechte im laufenden Betrieb.
- `leitstand-agent` dazulegen: die Einzeldatei der Plattform aus dem CI-Artefakt `artifacts/agent/<plattform>/`
  (macOS Apple Silicon `osx-arm64/leitstand-agent`, macOS Intel `osx-x64/leitstand-agent`, Linux
  `linux-x64/leitstand-agent` oder `linux-arm64/leitstand-agent`, Windows `win-x64/leitstand-agent.exe`) mit der
  Prüfsumme daneben. Vor dem ersten Start im Ordner der Datei prüfen: macOS `shasum -a 256 -c leitstand-agent.sha256`,
  Linux `sha256sum -c leitstand-agent.sha256`, Windows `(Get-FileHash .\leitstand-agent.exe -Algorithm SHA256).Hash.ToLower()`
  mit `leitstand-agent.exe.sha256` vergleichen. Dann in einen Ordner im PATH des Kunden legen (z. B. `~/.local/bin`,
  macOS/Linux mit `chmod +x leitstand-agent`); `leitstand-agent --help` zeigt die Befehle. Eingerichtet wird er
  beim Verbinden des Monitorings (Std. 4).
- Kanäle aus dem Fragebogen verbinden, jeweils mit den kleinsten nötigen Rechten.
- Zugangsdaten gibt {name} selbst in die Keychain ein oder sie kommen aus dem geteilten Passwort-Manager-Eintrag;
  wir notieren sie nirgends.
- Probelauf: Der Agent antwortet und liest einen Test-Eintrag, z. B. eine Test-E-Mail an sich selbst.$txt$,
  'stage_changed', '5 days'
),
(
  'install_checklist', 2, 'install', 'Kern-Workflow 1 einrichten und testen',
  $txt$- Workflow 1 ist die Automation mit dem größten Nutzen aus dem Fragebogen; er muss heute sicher laufen.
- Auslöser, Schritte und Ergebnis mit {name} im Kick-off bestätigen.
- Freigabe-Regel festlegen: Was braucht ein OK von {name}?
- Mit einem harmlosen Beispiel testen (Test-E-Mail, Test-Termin), nicht mit echten Kundendaten.
- Grenzfall testen: Fehlt eine Angabe, fragt der Agent nach, statt zu raten.
- Jeden Lauf beim Leitstand melden lassen: den Befehl des Workflows im Zeitplan des Agenten einpacken mit
  `leitstand-agent exec <workflow-schlüssel> --url https://<leitstand-adresse> -- <befehl des workflows>` (der
  Schlüssel steht auf der Agent-Seite, z. B. `rechnungen-pruefen`; gemeldet werden Beginn, Dauer und Ergebnis, nie
  Inhalte). Meldet ein Skript selbst: `leitstand-agent checkin <workflow-schlüssel> --status in_progress` zu
  Beginn, am Ende `--status ok` bzw. `--status error --error-code <kurzer-code>` (jeweils mit `--url`).
- Kurz in der Übersicht für die Übergabe notieren: was der Workflow tut, was freigegeben werden muss.$txt$,
  'stage_changed', '5 days'
),
(
  'install_checklist', 3, 'install', 'Kern-Workflow 2 einrichten und testen',
  $txt$- Workflow 2 aus dem Fragebogen einrichten.
- Prüfen, dass er Workflow 1 nicht in die Quere kommt (gleiche Postfächer, Ordner, Kalender).
- Freigabe-Regel festlegen und einmal auslösen: Der Agent fragt, bevor er handelt.
- Mit einem harmlosen Beispiel testen, nicht mit echten Kundendaten.
- Wie Workflow 1 einpacken: `leitstand-agent exec <workflow-schlüssel> --url https://<leitstand-adresse> -- <befehl des workflows>`.
- Kurz in der Übersicht für die Übergabe notieren.$txt$,
  'stage_changed', '6 days'
),
(
  'install_checklist', 4, 'install', 'Kern-Workflow 3 einrichten und testen',
  $txt$- Zeit prüfen: Für Sicherheits-Baseline, Test und Übergabe bleibt eine volle Stunde. Wird es knapp, Workflow 3
  vereinfachen und den Rest als Idee für später notieren.
- Workflow 3 aus dem Fragebogen einrichten, Freigabe-Regel festlegen.
- Mit einem harmlosen Beispiel testen, nicht mit echten Kundendaten.
- Wie Workflow 1 einpacken: `leitstand-agent exec <workflow-schlüssel> --url https://<leitstand-adresse> -- <befehl des workflows>`.
- Alle drei Workflows einmal nacheinander laufen lassen.
- Kurz in der Übersicht für die Übergabe notieren.$txt$,
  'stage_changed', '6 days'
),
(
  'install_checklist', 5, 'install', 'Sicherheits-Baseline prüfen: Keychain, RLS, Freigabe-Regeln',
  $txt$- Keychain: alle Passwörter, Tokens und Schlüssel liegen in Keychain oder Passwort-Manager. Konfiguration,
  Skripte und Notizen durchsehen: kein Geheimnis im Klartext.
- RLS: Auf jeder Tabelle, in die der Agent schreibt, ist Row Level Security an. Mit der Rolle des Agenten
  testen: fremde Zeilen weder lesbar noch änderbar.
- Freigabe-Regeln: E-Mail senden, Zahlung und Löschen je einmal auslösen, ablehnen – es passiert nichts.
- Rechte: nur die nötigen Konten, Ordner und Kalender; keine Admin-Rechte für den Agenten.
- Keine Inhalte verlassen das System von {firma}: keine Logs mit Inhalten an uns, keine Kopien auf unseren
  Geräten.
- Not-Aus: {name} kann den Agenten anhalten und wieder starten.
- In der Installation (Std. 4) jeden Punkt einzeln abhaken. Die Sicherheits-Baseline wird nie übersprungen, auch
  diese Aufgabe nicht: Trifft ein Punkt nicht zu, dort „nicht anwendbar“ mit Grund (steht so in der Übergabe).$txt$,
  'stage_changed', '6 days'
),
(
  'install_checklist', 6, 'install', 'Monitoring verbinden: Agent-Schlüssel eintragen, ersten Heartbeat prüfen',
  $txt$- Im Leitstand den Agenten von {firma} öffnen (beim Abschluss automatisch angelegt).
- Agent-Schlüssel einmal anzeigen (Key-Handover, siehe `docs/pipeline.md`), kopieren und sofort beim Kunden
  einrichten, unter seinem Benutzerkonto: `pbpaste | leitstand-agent install --key-prompt --url https://<leitstand-adresse> --
  <befehl des standard-agenten>` (macOS; ohne Pipe fragt `--key-prompt` den Schlüssel verdeckt ab). Das legt ihn in den
  Schlüsselspeicher des Systems (Keychain, Secret Service, Anmeldeinformationsverwaltung) und richtet den Dienst ein,
  der den Standard-Agenten mit `leitstand-agent run` startet und überwacht. Der Schlüssel wird nur einmal angezeigt:
  nicht in Chat, Notiz oder Screenshot zwischenspeichern, danach die Zwischenablage leeren.
- Prüfen: Der Anfang des Schlüssels stimmt mit dem Präfix im Leitstand überein.
- `leitstand-agent status` (Dienst installiert und läuft, Schlüssel vorhanden) und `leitstand-agent doctor`
  (Schlüssel, Leitstand über TLS erreichbar, Uhrzeit, Zeitzone, letzte Antwort) zeigen keinen Fehler; dann den ersten
  Heartbeat im Leitstand prüfen.
- Jeden der drei Workflows einmal über seinen `leitstand-agent exec …`-Aufruf laufen lassen: Auf der Agent-Seite steht
  je Workflow der letzte Lauf.
- Am Tag danach prüfen, dass die Heartbeats regelmäßig ankommen (Standardintervall: 5 Minuten).
- „Monitoring verbunden“ hakt sich in der Installation beim ersten Heartbeat selbst ab.$txt$,
  'stage_changed', '7 days'
),
(
  'install_checklist', 7, 'install', 'Übergabe und Einweisung mit {name}',
  $txt$- Die drei Workflows mit {name} einmal live durchspielen, inklusive einer Freigabe.
- Zeigen: Wie gebe ich frei, wie lehne ich ab, wie halte ich den Agenten an?
- Schriftliche Übersicht übergeben: was der Agent kann, was er allein darf, was nur mit Freigabe, wen
  {name} bei Fragen erreicht. In der Installation „Übergabe-Übersicht herunterladen“ (zum
  Drucken); nach dem Abschluss sieht {name} sie auch über den Onboarding-Link.
- Retainer ansprechen, falls noch nicht gebucht (149 € im Monat zzgl. USt., monatlich kündbar).
- Fernzugriff beenden; geteilte Einträge im Passwort-Manager von {name} wieder entziehen lassen.
- Für später notieren: Bei Rechnerwechsel oder Kündigung entfernt `leitstand-agent uninstall --remove-key` den Dienst
  und den gespeicherten Schlüssel.
- Im Leitstand: Aufgaben abschließen, Touchpoint „Übergabe erledigt“. Keine Inhalte.$txt$,
  'stage_changed', '7 days'
);
-- The safety baseline is never skipped (public.complete_task): it is ticked item by item in the install run, where a
-- baseline item that does not apply is "nicht anwendbar" with a reason.
update public.playbook_steps set skippable = false where playbook_key = 'install_checklist' and step = 5;

-- ---------------------------------------------------------------------------------------------
-- Monitoring (monitoring.sql): the error classes with their runbooks (one German runbook each).
insert into public.error_classes (key, severity, title, auto_restart, reported_by_agent, runbook) values
  ('crash_loop', 'critical', 'Absturzschleife', true, true, 'docs/runbooks/crash-loop.md'),
  ('auth_expired', 'critical', 'Zugang abgelaufen', false, true, 'docs/runbooks/auth-expired.md'),
  ('upstream_down', 'warning', 'Externer Dienst nicht erreichbar', false, true, 'docs/runbooks/upstream-down.md'),
  ('rate_limited', 'warning', 'Rate-Limit erreicht', false, true, 'docs/runbooks/rate-limited.md'),
  ('config_invalid', 'critical', 'Konfiguration ungültig', false, true, 'docs/runbooks/config-invalid.md'),
  ('resource_exhausted', 'critical', 'Ressourcen erschöpft', false, true, 'docs/runbooks/resource-exhausted.md'),
  ('unknown', 'warning', 'Unbekannter Fehler', false, true, 'docs/runbooks/unknown.md'),
  ('no_heartbeat', 'critical', 'Kein Heartbeat', false, false, 'docs/runbooks/no-heartbeat.md'),
  ('unstable', 'warning', 'Instabil: häufige Statuswechsel', false, false, 'docs/runbooks/unstable.md'),
  ('workflow_missed', 'critical', 'Workflow-Lauf verpasst', false, false, 'docs/runbooks/workflow-missed.md'),
  ('workflow_failed', 'warning', 'Workflow-Lauf fehlgeschlagen', false, false, 'docs/runbooks/workflow-failed.md'),
  ('workflow_overrun', 'warning', 'Workflow läuft zu lange', false, false, 'docs/runbooks/workflow-overrun.md');

-- ---------------------------------------------------------------------------------------------
-- Alerts (alerts.sql): the alert kinds (severity null: the producer gives it), before the routes and alerts
-- that name them.
insert into public.alert_kinds (kind, label, severity, subject_type, acknowledge_link, route) values
  ('incident_opened', 'Incident geöffnet', null, 'incident', true, '#/incidents/{id}'),
  ('incident_reminder', 'Erinnerung: Incident offen', null, 'incident', true, '#/incidents/{id}'),
  ('incident_unacknowledged', 'Eskalation: Incident nicht übernommen', 'critical', 'incident', true, '#/incidents/{id}'),
  ('incident_escalated', 'Eskaliert: Neustart half nicht', 'critical', 'incident', true, '#/incidents/{id}'),
  ('incident_resolved', 'Incident behoben', 'info', 'incident', false, '#/incidents/{id}'),
  ('lead_new', 'Neuer Lead', 'info', 'lead', false, '#/leads/{id}'),
  ('lead_repeat', 'Erneute Anfrage', 'info', 'lead', false, '#/leads/{id}'),
  ('deal_won', 'Deal gewonnen', 'info', 'deal', false, '#/deals/{id}'),
  ('daily_tasks', 'Tagesliste', 'info', 'team', false, '#/heute'),
  ('kpi_weekly', 'Wochenbilanz', 'info', 'kpi', false, '#/zahlen'),
  ('delivery_failed', 'Zustellung fehlgeschlagen', 'warning', 'alert', false, '#/alerts/{id}'),
  ('agent_connected', 'Agent verbunden', 'info', 'agent', false, '#/agents/{id}'),
  ('onboarding_submitted', 'Onboarding ausgefüllt', 'info', 'lead', false, '#/leads/{id}'),
  ('objection_lifted', 'Widerspruch aufgehoben', 'info', 'lead', false, '#/leads/{id}');

-- ---------------------------------------------------------------------------------------------
-- Alerts (alerts.sql): the routes, in this order (their ids). Sensible defaults (docs/alerts.md); the team
-- changes them in the table editor or the status center.
insert into public.alert_routes (kind, min_severity, channels, quiet_from, quiet_to, group_window, reminder_interval,
  escalate_after, escalation_channels, note) values
  ('*', 'critical', '{slack,teams,telegram,email,webhook}', null, null, interval '10 seconds', interval '30 minutes',
   interval '15 minutes', '{slack,teams,telegram,email,webhook}', 'Kritisch: jeder Kanal, zu jeder Stunde'),
  ('*', 'warning', '{slack,teams,telegram,webhook}', '22:00', '07:00', interval '30 seconds', interval '2 hours',
   null, '{}', 'Warnungen: Chat, nachts gehalten'),
  ('lead_new', 'info', '{slack,teams,telegram,webhook}', '19:00', '08:00', interval '5 minutes', null, null, '{}',
   'Neue Leads: Chat zu Arbeitszeiten'),
  ('lead_repeat', 'info', '{slack,teams,telegram,webhook}', '19:00', '08:00', interval '5 minutes', null, null, '{}',
   'Erneute Anfragen: Chat zu Arbeitszeiten'),
  ('deal_won', 'info', '{slack,teams,telegram,email,webhook}', null, null, interval '0', null, null, '{}',
   'Deal gewonnen: Chat und E-Mail');
-- The daily list's digest: chat and e-mail, held overnight (it is generated at 05:00).
insert into public.alert_routes (kind, min_severity, channels, quiet_from, quiet_to, group_window, note) values
  ('daily_tasks', 'info', '{slack,teams,telegram,email,webhook}', '21:00', '07:00', interval '0',
   'Tagesliste: Chat und E-Mail, frühestens 07:00');
-- The weekly KPI digest: chat and e-mail, not at night.
insert into public.alert_routes (kind, min_severity, channels, quiet_from, quiet_to, group_window, note) values
  ('kpi_weekly', 'info', '{slack,teams,telegram,email,webhook}', '21:00', '07:00', interval '0',
   'Wochenbilanz: Chat und E-Mail, montags 08:00');
-- A new agent's first heartbeat: chat, at working hours.
insert into public.alert_routes (kind, min_severity, channels, quiet_from, quiet_to, group_window, note) values
  ('agent_connected', 'info', '{slack,teams,telegram,webhook}', '19:00', '08:00', interval '0',
   'Agent verbunden: Chat zu Arbeitszeiten');
-- A customer submitted the onboarding questionnaire (Fulfilment): chat and e-mail, not at night.
insert into public.alert_routes (kind, min_severity, channels, quiet_from, quiet_to, group_window, note) values
  ('onboarding_submitted', 'info', '{slack,teams,telegram,email,webhook}', '21:00', '07:00', interval '0',
   'Onboarding ausgefüllt: Chat und E-Mail, nicht nachts');
-- An objection (Art. 21) lifted by a new opt-in through the form (Privacy): chat, at working hours.
insert into public.alert_routes (kind, min_severity, channels, quiet_from, quiet_to, group_window, note) values
  ('objection_lifted', 'info', '{slack,teams,telegram,webhook}', '19:00', '08:00', interval '0',
   'Widerspruch aufgehoben: Chat zu Arbeitszeiten');

-- ---------------------------------------------------------------------------------------------
-- Leads (leads.sql): what a touchpoint says.
insert into public.touchpoint_note_codes (code, label, direction, position) values
  ('first_message_sent', 'Erstnachricht gesendet', 'OUTBOUND', 1),
  ('follow_up_sent', 'Follow-up gesendet', 'OUTBOUND', 2),
  ('closing_message_sent', 'Abschlussnachricht gesendet', 'OUTBOUND', 3),
  ('proposal_sent', 'Terminvorschlag oder Angebot gesendet', 'OUTBOUND', 4),
  ('call_held', 'Gespräch geführt', 'OUTBOUND', 5),
  ('not_reached', 'Nicht erreicht', 'OUTBOUND', 6),
  ('handover_done', 'Übergabe erledigt', 'OUTBOUND', 7),
  ('other_outbound', 'Sonstiges (ausgehend)', 'OUTBOUND', 8),
  ('replied', 'Hat geantwortet', 'INBOUND', 10),
  ('interested', 'Hat Interesse', 'INBOUND', 11),
  ('call_requested', 'Möchte einen Termin', 'INBOUND', 12),
  ('not_interested', 'Kein Interesse', 'INBOUND', 13),
  ('other_inbound', 'Sonstiges (eingehend)', 'INBOUND', 14);

-- ---------------------------------------------------------------------------------------------
-- Tasks (tasks.sql): the thresholds of the daily list (defaults of task_settings), the stale stages and the
-- weekly minimums.
insert into public.task_settings default values;
insert into public.stale_stage_limits (stage, stale_after, anchor, hint) values
  ('REPLIED', interval '3 days', 'activity',
   'Seit der Antwort ist nichts passiert. Jetzt ein 15-Minuten-Gespräch vorschlagen (Qualifizierungsskript) oder mit Grund auf LOST setzen.'),
  ('QUALIFIED', interval '5 days', 'activity',
   'Qualifiziert, aber noch kein Call gebucht. Zwei feste Termine vorschlagen („Call buchen“) oder mit Grund auf LOST setzen.'),
  ('CALL_BOOKED', interval '1 day', 'call_at',
   'Der Call ist vorbei, das Ergebnis fehlt. Deal anlegen und WON, einen Entscheidungstermin festhalten, zurück auf QUALIFIED (Call ausgefallen) oder LOST mit Grund.');
insert into public.weekly_targets (metric, label, target, position, action_one, action_many) values
  ('new_leads', 'Leads neu', 30, 1, 'heute 1 neuen Lead gewinnen', 'heute %s neue Leads gewinnen'),
  ('first_contacts', 'Erstkontakte', 30, 2, 'heute 1 Erstkontakt senden', 'heute %s Erstkontakte senden'),
  ('replies', 'Antworten', 8, 3, 'heute 1 Antwort mehr erreichen (nachfassen)', 'heute %s Antworten mehr erreichen (nachfassen)'),
  ('calls', 'Calls', 4, 4, 'heute 1 Call buchen', 'heute %s Calls buchen'),
  ('setups_sold', 'Setups verkauft', 2, 5, 'heute 1 Setup abschließen', 'heute %s Setups abschließen');

-- ---------------------------------------------------------------------------------------------
-- Packages (leads.sql) and the KPI board (kpi.sql): packages and prices (docs/vertrieb/angebot.md), the stage
-- probabilities of the forecast, the revenue goal (default of kpi_settings).
insert into public.packages (key, name, kind, price_cents, position) values
  ('SETUP', 'Setup: persönlicher AI-Agent in 5 Stunden', 'one_time', 149000, 1),
  ('RETAINER', 'Retainer: Updates, Monitoring, Anpassungen', 'monthly', 14900, 2);
insert into public.stage_probabilities (stage, probability) values
  ('NEW', 0.05), ('CONTACTED', 0.10), ('REPLIED', 0.20), ('QUALIFIED', 0.35), ('CALL_BOOKED', 0.50),
  ('WON', 1), ('LOST', 0);
insert into public.kpi_settings default values;

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
-- Fulfilment (installs.sql): the install checklist, version 1 (docs/vorlagen/installations-checkliste.md): the
-- five hour blocks with their time boxes and items; the baseline items of that document marked as safety baseline.
insert into public.install_checklist_versions (version, title, stop_restart, contact) values
  (1, '5-Stunden-Installation',
   'Anhalten: Im Menü des Agenten „Anhalten“ wählen. Der Agent erledigt dann nichts mehr, bis du ihn wieder startest; deine Daten und Einstellungen bleiben, wie sie sind. Wieder starten: Im selben Menü „Starten“ wählen. Im Notfall den Rechner neu starten: Der Agent startet erst wieder, wenn du ihn startest.',
   'Bei Fragen erreichst du {installer} per E-Mail, auch nach der Übergabe. Läuft dein Agent nicht oder meldet er Fehler, sehen wir das im Monitoring (nur Betriebsdaten, nie Inhalte) und melden uns bei dir.');
insert into public.install_checklist_blocks (version, block, title, outcome, minutes) values
  (1, 1, 'Kick-off und Ziele', 'Ziele und die drei Kern-Workflows aus dem Onboarding bestätigt, Freigabe-Regeln abgestimmt', 60),
  (1, 2, 'Installation Standard-Agent', 'Agent läuft unter dem Konto des Kunden, Kanäle mit minimalen Rechten verbunden', 60),
  (1, 3, 'Drei Kern-Workflows', 'Jeder Workflow eingerichtet und mit einem harmlosen Beispiel getestet', 60),
  (1, 4, 'Sicherheits-Baseline', 'Keychain, RLS und Freigabe-Regeln geprüft, Monitoring verbunden', 60),
  (1, 5, 'Test und Übergabe', 'Ende-zu-Ende-Test, Kunde eingewiesen, schriftliche Übersicht', 60);
insert into public.install_checklist_items (version, position, block, title, details, kind, workflow_no, safety_baseline) values
  (1, 1, 1, 'Ziele aus dem Onboarding bestätigt', null, 'check', null, false),
  (1, 2, 1, 'Drei Kern-Workflows bestätigt: Auslöser, Schritte, Ergebnis', null, 'check', null, false),
  (1, 3, 1, 'Freigabe-Regeln abgestimmt', 'E-Mails senden, Zahlungen und Löschungen immer; dazu, was der Kunde festlegt.', 'check', null, false),
  (1, 4, 1, 'Systemvoraussetzungen geprüft', 'Betriebssystem aktuell, genug Speicherplatz, Keychain oder Passwort-Manager bereit.', 'check', null, false),
  (1, 5, 2, 'Agent unter dem Benutzerkonto des Kunden installiert', 'Ohne Admin-Rechte im laufenden Betrieb. Dazu leitstand-agent: die Einzeldatei der Plattform aus artifacts/agent/<plattform>/, geprüft mit der Prüfsumme daneben (leitstand-agent.sha256, Windows leitstand-agent.exe.sha256).', 'check', null, false),
  (1, 6, 2, 'Kanäle aus dem Fragebogen verbunden', 'Jeweils mit den kleinsten nötigen Rechten.', 'check', null, false),
  (1, 7, 2, 'Zugangsdaten vom Kunden selbst in Keychain oder Passwort-Manager eingetragen', 'Wir notieren sie nirgends.', 'check', null, false),
  (1, 8, 2, 'Probelauf: Der Agent antwortet und liest einen Test-Eintrag', null, 'check', null, false),
  (1, 9, 3, 'Kern-Workflow 1', 'Einrichten, Freigabe-Regel festlegen, mit einem harmlosen Beispiel testen; Grenzfall: Der Agent fragt nach, statt zu raten. Läufe melden: leitstand-agent exec <workflow-schlüssel> --url https://<leitstand-adresse> -- <befehl des workflows>.', 'workflow', 1, false),
  (1, 10, 3, 'Kern-Workflow 2', 'Einrichten, Freigabe-Regel einmal auslösen, mit einem harmlosen Beispiel testen; kommt Workflow 1 nicht in die Quere. Läufe melden wie bei Workflow 1 (leitstand-agent exec).', 'workflow', 2, false),
  (1, 11, 3, 'Kern-Workflow 3', 'Wird es knapp: vereinfachen, den Rest als Idee für später notieren. Für Std. 4 und 5 bleibt je eine volle Stunde. Läufe melden wie bei Workflow 1 (leitstand-agent exec).', 'workflow', 3, false),
  (1, 12, 3, 'Alle drei Workflows einmal nacheinander gelaufen', null, 'check', null, false),
  (1, 13, 4, 'Geheimnisse nur in Keychain oder Passwort-Manager', 'Konfiguration, Skripte und Notizen durchgesehen: kein Geheimnis im Klartext.', 'check', null, true),
  (1, 14, 4, 'RLS auf jeder Tabelle, in die der Agent schreibt', 'Mit der Rolle des Agenten getestet: fremde Zeilen weder lesbar noch änderbar.', 'check', null, true),
  (1, 15, 4, 'Freigabe-Regeln getestet', 'E-Mail senden, Zahlung und Löschen je einmal ausgelöst und abgelehnt: Es passiert nichts.', 'check', null, true),
  (1, 16, 4, 'So wenig Rechte wie nötig', 'Nur die nötigen Konten, Ordner und Kalender; keine Admin-Rechte für den Agenten.', 'check', null, true),
  (1, 17, 4, 'Monitoring verbunden', 'Agent-Schlüssel direkt in den Schlüsselspeicher des Kunden: leitstand-agent install --key-prompt --url https://<leitstand-adresse> -- <befehl des standard-agenten>; danach leitstand-agent status und leitstand-agent doctor ohne Fehler. Hakt sich beim ersten Heartbeat selbst ab.', 'monitoring', null, true),
  (1, 18, 4, 'Keine Chat-Inhalte verlassen das System des Kunden', 'Keine Logs mit Inhalten an uns, keine Kopien oder Screenshots auf unseren Geräten.', 'check', null, true),
  (1, 19, 4, 'Not-Aus: Der Kunde kann den Agenten anhalten und wieder starten', null, 'check', null, true),
  (1, 20, 5, 'Ende-zu-Ende-Test mit dem Kunden, inklusive einer Freigabe', null, 'check', null, false),
  (1, 21, 5, 'Kunde eingewiesen: freigeben, ablehnen, anhalten', null, 'check', null, false),
  (1, 22, 5, 'Schriftliche Übersicht übergeben', null, 'check', null, false),
  (1, 23, 5, 'Fernzugriff beendet, geteilte Passwort-Manager-Einträge entzogen', null, 'check', null, false);

-- ---------------------------------------------------------------------------------------------
-- Privacy (privacy.sql): the exact consent text of each version of the landing form (web/landing/index.html shows
-- the current one word for word; a test keeps them equal). A new wording is a new row with a new version.
insert into public.consent_texts (version, text, valid_from) values
  ('2026-11-25', 'Ich bin einverstanden, dass meine Angaben zur Kontaktaufnahme zu diesem Angebot gespeichert und verarbeitet werden. Die Einwilligung kann ich jederzeit per E-Mail widerrufen. Details in der Datenschutzerklärung.',
   '2026-11-25 00:00:00+01');

-- ---------------------------------------------------------------------------------------------
-- Privacy (privacy.sql): the German labels of codes without a catalogue of their own (public.code_labels), read by
-- the Auskunft (public.lead_export).
insert into public.code_labels (code_set, code, label) values
  -- kept equal to the status center's constants by CodeLabelsTests (web/status/src: file and constant named there)
  ('contact_basis', 'cold', 'Kaltakquise (keine Einwilligung)'),
  ('contact_basis', 'referral', 'Empfehlung'),
  ('contact_basis', 'existing_customer', 'Bestandskunde'),
  ('contact_basis', 'form', 'Formular (mit Einwilligung)'),
  ('handle_channel', 'instagram', 'Instagram'),
  ('handle_channel', 'x', 'X'),
  ('handle_channel', 'linkedin', 'LinkedIn'),
  ('handle_channel', 'other', 'anderer Kanal'),
  ('task_outcome_channel', 'dm', 'Direktnachricht'),
  ('task_outcome_channel', 'email', 'E-Mail'),
  ('task_outcome_channel', 'call', 'Anruf'),
  ('task_outcome_channel', 'meeting', 'Termin'),
  ('deal_status', 'OPEN', 'offen'),
  ('deal_status', 'WON', 'gewonnen'),
  ('deal_status', 'LOST', 'verloren'),
  ('install_item_state', 'open', 'offen'),
  ('install_item_state', 'done', 'erledigt'),
  ('install_item_state', 'skipped', 'übersprungen'),
  ('install_item_state', 'not_applicable', 'nicht anwendbar'),
  ('agent_status', 'new', 'Neu (noch kein Heartbeat)'),
  ('agent_status', 'up', 'Läuft'),
  ('agent_status', 'late', 'Verspätet'),
  ('agent_status', 'down', 'Ausgefallen'),
  ('agent_status', 'paused', 'Pausiert'),
  ('severity', 'info', 'Info'),
  ('severity', 'warning', 'Warnung'),
  ('severity', 'critical', 'Kritisch'),
  ('incident_status', 'open', 'offen'),
  ('incident_status', 'acknowledged', 'übernommen'),
  ('incident_status', 'resolved', 'behoben'),
  ('incident_event', 'opened', 'Geöffnet'),
  ('incident_event', 'acknowledged', 'Übernommen'),
  ('incident_event', 'restart_requested', 'Neustart angefordert'),
  ('incident_event', 'restart_delivered', 'Neustart ausgeliefert'),
  ('incident_event', 'restart_acknowledged', 'Neustart vom Agenten bestätigt'),
  ('incident_event', 'healthy_again', 'Wieder gesund'),
  ('incident_event', 'escalated', 'Eskaliert'),
  ('incident_event', 'resolved', 'Behoben'),
  ('incident_event', 'alert_delivered', 'Alarm zugestellt'),
  ('incident_event', 'alert_failed', 'Alarm nicht zugestellt'),
  ('command_status', 'pending', 'wartet'),
  ('command_status', 'delivered', 'ausgeliefert'),
  ('command_status', 'acknowledged', 'bestätigt'),
  ('command_status', 'expired', 'abgelaufen'),
  ('workflow_run_state', 'in_progress', 'läuft'),
  ('workflow_run_state', 'ok', 'erfolgreich'),
  ('workflow_run_state', 'error', 'fehlgeschlagen'),
  ('alert_channel', 'slack', 'Slack'),
  ('alert_channel', 'teams', 'Teams'),
  ('alert_channel', 'telegram', 'Telegram'),
  ('alert_channel', 'email', 'E-Mail'),
  ('alert_channel', 'webhook', 'Webhook'),
  ('alert_delivery_state', 'pending', 'wartet'),
  ('alert_delivery_state', 'sending', 'wird gesendet'),
  ('alert_delivery_state', 'delivered', 'zugestellt'),
  ('alert_delivery_state', 'failed', 'fehlgeschlagen'),
  ('alert_delivery_state', 'suppressed', 'unterdrückt'),
  ('erasure_reason', 'request', 'Antrag der Person (Art. 17 Abs. 1 lit. a)'),
  ('erasure_reason', 'objection', 'Widerspruch (Art. 21, Art. 17 Abs. 1 lit. c)'),
  ('erasure_reason', 'consent_withdrawn', 'Einwilligung widerrufen (Art. 17 Abs. 1 lit. b)'),
  ('erasure_reason', 'other', 'Anderer Grund'),
  -- only here (the status center shows these codes nowhere, or writes the word inline)
  ('touchpoint_direction', 'INBOUND', 'eingehend'),
  ('touchpoint_direction', 'OUTBOUND', 'ausgehend'),
  ('touchpoint_channel', 'landing_page', 'Landingpage'),
  ('touchpoint_channel', 'email', 'E-Mail'),
  ('touchpoint_channel', 'phone', 'Telefon'),
  ('touchpoint_channel', 'instagram', 'Instagram'),
  ('touchpoint_channel', 'x', 'X'),
  ('touchpoint_channel', 'linkedin', 'LinkedIn'),
  ('touchpoint_channel', 'call', 'Anruf'),
  ('touchpoint_channel', 'other', 'anderer Kanal'),
  ('touchpoint_kind', 'form_submission', 'Formular abgeschickt'),
  ('touchpoint_kind', 'dm', 'Direktnachricht'),
  ('touchpoint_kind', 'email', 'E-Mail'),
  ('touchpoint_kind', 'call', 'Anruf'),
  ('touchpoint_kind', 'meeting', 'Termin'),
  ('touchpoint_kind', 'note', 'Notiz'),
  ('touchpoint_kind', 'follow_up', 'Follow-up'),
  ('task_kind', 'manual', 'Aufgabe'),
  ('task_kind', 'first_contact', 'Erstkontakt'),
  ('task_kind', 'follow_up', 'Follow-up'),
  ('task_kind', 'stale', 'Lange keine Bewegung'),
  ('task_kind', 'call_prep', 'Call vorbereiten'),
  ('task_kind', 'overdue_summary', 'Überfällige Aufgaben'),
  ('task_kind', 'kpi_shortfall', 'Wochenziel in Gefahr'),
  ('task_kind', 'qualify', 'Qualifizieren'),
  ('task_kind', 'book_call', 'Call buchen'),
  ('task_kind', 'call_follow_up', 'Nachfassen nach dem Call'),
  ('task_kind', 'mark_lost', 'Als verloren abschließen'),
  ('task_kind', 'onboarding', 'Onboarding'),
  ('task_kind', 'install', 'Installation'),
  ('task_status', 'OPEN', 'offen'),
  ('task_status', 'DONE', 'erledigt'),
  ('task_status', 'CANCELLED', 'abgebrochen'),
  ('task_priority', 'normal', 'normal'),
  ('task_priority', 'high', 'hoch'),
  ('task_outcome', 'done', 'erledigt'),
  ('task_outcome', 'skipped', 'übersprungen'),
  ('deal_change', 'created', 'angelegt'),
  ('deal_change', 'corrected', 'korrigiert'),
  ('onboarding_state', 'draft', 'Entwurf'),
  ('onboarding_state', 'submitted', 'Abgeschickt'),
  ('install_run_state', 'booked', 'gebucht'),
  ('install_run_state', 'finished', 'abgeschlossen'),
  ('install_item_kind', 'check', 'Prüfpunkt'),
  ('install_item_kind', 'workflow', 'Workflow'),
  ('install_item_kind', 'monitoring', 'Monitoring'),
  ('heartbeat_status', 'ok', 'in Ordnung'),
  ('heartbeat_status', 'degraded', 'eingeschränkt'),
  ('heartbeat_status', 'error', 'Fehler'),
  ('command_kind', 'restart', 'Neustart'),
  ('workflow_origin', 'onboarding', 'aus dem Onboarding'),
  ('workflow_origin', 'client', 'vom Agenten angemeldet'),
  ('alert_subject_type', 'incident', 'Störung'),
  ('alert_subject_type', 'agent', 'Agent'),
  ('alert_subject_type', 'lead', 'Kontakt'),
  ('alert_subject_type', 'deal', 'Auftrag'),
  ('alert_subject_type', 'alert', 'Benachrichtigung'),
  ('alert_subject_type', 'channel', 'Kanal'),
  ('alert_subject_type', 'team', 'Team'),
  ('alert_subject_type', 'kpi', 'Kennzahlen'),
  -- the Auskunft only: the item of a repeated questionnaire section ("Workflow 1"), the tables an erasure counts
  ('onboarding_item', 'workflows', 'Workflow'),
  ('table', 'leads', 'Kontaktdaten und Stand'),
  ('table', 'lead_touchpoints', 'Kontakte und Notizen'),
  ('table', 'lead_stage_history', 'Verlauf im Vertrieb'),
  ('table', 'pipeline_events', 'Verarbeitete Stufenwechsel'),
  ('table', 'tasks', 'Aufgaben unseres Teams'),
  ('table', 'deals', 'Angebote und Aufträge'),
  ('table', 'deal_history', 'Änderungen an Angeboten und Aufträgen'),
  ('table', 'onboarding_answers', 'Antworten im Onboarding-Fragebogen'),
  ('table', 'onboarding_links', 'Links zum Fragebogen'),
  ('table', 'install_runs', 'Installationstermine'),
  ('table', 'install_run_items', 'Punkte der Installations-Checkliste'),
  ('table', 'agents', 'Agenten'),
  ('table', 'agent_workflows', 'Überwachte Abläufe'),
  ('table', 'agent_commands', 'Befehle an den Agenten'),
  ('table', 'incidents', 'Störungen'),
  ('table', 'incident_events', 'Verlauf von Störungen'),
  ('table', 'alerts', 'Benachrichtigungen unseres Teams'),
  ('table', 'alert_deliveries', 'Zustellungen von Benachrichtigungen'),
  ('table', 'outbox_messages', 'Ausgehende Nachrichten'),
  ('table', 'kpi_period_figures', 'Kennzahlen je Zeitraum');
