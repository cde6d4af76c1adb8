-- Issue 20: the installation checklist names the real leitstand-agent commands: the download of the platform's single
-- file with its checksum (scripts/publish-agent), install --key-prompt, status, doctor, exec/checkin for the three core
-- workflows, uninstall. Line by line (replace), so that other edits of the same texts keep theirs.

update public.playbook_steps set body = replace(body, $old$- Agent unter dem Benutzerkonto des Kunden installieren, ohne Admin-Rechte im laufenden Betrieb.
$old$, $new$- Agent unter dem Benutzerkonto des Kunden installieren, ohne Admin-Rechte im laufenden Betrieb.
- `leitstand-agent` dazulegen: die Einzeldatei der Plattform aus dem CI-Artefakt `artifacts/agent/<plattform>/`
  (macOS Apple Silicon `osx-arm64/leitstand-agent`, macOS Intel `osx-x64/leitstand-agent`, Linux
  `linux-x64/leitstand-agent` oder `linux-arm64/leitstand-agent`, Windows `win-x64/leitstand-agent.exe`) mit der
  Prüfsumme daneben. Vor dem ersten Start im Ordner der Datei prüfen: macOS `shasum -a 256 -c leitstand-agent.sha256`,
  Linux `sha256sum -c leitstand-agent.sha256`, Windows `(Get-FileHash .\leitstand-agent.exe -Algorithm SHA256).Hash.ToLower()`
  mit `leitstand-agent.exe.sha256` vergleichen. Dann in einen Ordner im PATH des Kunden legen (z. B. `~/.local/bin`,
  macOS/Linux mit `chmod +x leitstand-agent`); `leitstand-agent --help` zeigt die Befehle. Eingerichtet wird er
  beim Verbinden des Monitorings (Std. 4).
$new$)
where playbook_key = 'install_checklist' and step = 1;

update public.playbook_steps set body = replace(body, $old$- Grenzfall testen: Fehlt eine Angabe, fragt der Agent nach, statt zu raten.
$old$, $new$- Grenzfall testen: Fehlt eine Angabe, fragt der Agent nach, statt zu raten.
- Jeden Lauf beim Leitstand melden lassen: den Befehl des Workflows im Zeitplan des Agenten einpacken mit
  `leitstand-agent exec <workflow-schlüssel> --url https://<leitstand-adresse> -- <befehl des workflows>` (der
  Schlüssel steht auf der Agent-Seite, z. B. `rechnungen-pruefen`; gemeldet werden Beginn, Dauer und Ergebnis, nie
  Inhalte). Meldet ein Skript selbst: `leitstand-agent checkin <workflow-schlüssel> --status in_progress` zu
  Beginn, am Ende `--status ok` bzw. `--status error --error-code <kurzer-code>` (jeweils mit `--url`).
$new$)
where playbook_key = 'install_checklist' and step = 2;

update public.playbook_steps set body = replace(body, $old$- Mit einem harmlosen Beispiel testen, nicht mit echten Kundendaten.
- Kurz in der Übersicht für die Übergabe notieren.$old$, $new$- Mit einem harmlosen Beispiel testen, nicht mit echten Kundendaten.
- Wie Workflow 1 einpacken: `leitstand-agent exec <workflow-schlüssel> --url https://<leitstand-adresse> -- <befehl des workflows>`.
- Kurz in der Übersicht für die Übergabe notieren.$new$)
where playbook_key = 'install_checklist' and step = 3;

update public.playbook_steps set body = replace(body, $old$- Alle drei Workflows einmal nacheinander laufen lassen.
$old$, $new$- Wie Workflow 1 einpacken: `leitstand-agent exec <workflow-schlüssel> --url https://<leitstand-adresse> -- <befehl des workflows>`.
- Alle drei Workflows einmal nacheinander laufen lassen.
$new$)
where playbook_key = 'install_checklist' and step = 4;

update public.playbook_steps set body = replace(body, $old$- Agent-Schlüssel einmal anzeigen (Key-Handover, siehe `docs/pipeline.md`) und sofort in die Keychain des
  Kunden eintragen. Er wird nur einmal angezeigt: nicht in Chat, Notiz oder Screenshot zwischenspeichern.
$old$, $new$- Agent-Schlüssel einmal anzeigen (Key-Handover, siehe `docs/pipeline.md`), kopieren und sofort beim Kunden
  einrichten, unter seinem Benutzerkonto: `pbpaste | leitstand-agent install --key-prompt --url https://<leitstand-adresse> --
  <befehl des standard-agenten>` (macOS; ohne Pipe fragt `--key-prompt` den Schlüssel verdeckt ab). Das legt ihn in den
  Schlüsselspeicher des Systems (Keychain, Secret Service, Anmeldeinformationsverwaltung) und richtet den Dienst ein,
  der den Standard-Agenten mit `leitstand-agent run` startet und überwacht. Der Schlüssel wird nur einmal angezeigt:
  nicht in Chat, Notiz oder Screenshot zwischenspeichern, danach die Zwischenablage leeren.
$new$)
where playbook_key = 'install_checklist' and step = 6;

update public.playbook_steps set body = replace(body, $old$- Agent neu starten, ersten Heartbeat im Leitstand prüfen.
$old$, $new$- `leitstand-agent status` (Dienst installiert und läuft, Schlüssel vorhanden) und `leitstand-agent doctor`
  (Schlüssel, Leitstand über TLS erreichbar, Uhrzeit, Zeitzone, letzte Antwort) zeigen keinen Fehler; dann den ersten
  Heartbeat im Leitstand prüfen.
- Jeden der drei Workflows einmal über seinen `leitstand-agent exec …`-Aufruf laufen lassen: Auf der Agent-Seite steht
  je Workflow der letzte Lauf.
$new$)
where playbook_key = 'install_checklist' and step = 6;

update public.playbook_steps set body = replace(body, $old$- Fernzugriff beenden; geteilte Einträge im Passwort-Manager von {name} wieder entziehen lassen.
$old$, $new$- Fernzugriff beenden; geteilte Einträge im Passwort-Manager von {name} wieder entziehen lassen.
- Für später notieren: Bei Rechnerwechsel oder Kündigung entfernt `leitstand-agent uninstall --remove-key` den Dienst
  und den gespeicherten Schlüssel.
$new$)
where playbook_key = 'install_checklist' and step = 7;

update public.install_checklist_items set details = $txt$Ohne Admin-Rechte im laufenden Betrieb. Dazu leitstand-agent: die Einzeldatei der Plattform aus artifacts/agent/<plattform>/, geprüft mit der Prüfsumme daneben (leitstand-agent.sha256, Windows leitstand-agent.exe.sha256).$txt$
where version = 1 and position = 5 and details = $txt$Ohne Admin-Rechte im laufenden Betrieb.$txt$;

update public.install_checklist_items set details = $txt$Einrichten, Freigabe-Regel festlegen, mit einem harmlosen Beispiel testen; Grenzfall: Der Agent fragt nach, statt zu raten. Läufe melden: leitstand-agent exec <workflow-schlüssel> --url https://<leitstand-adresse> -- <befehl des workflows>.$txt$
where version = 1 and position = 9 and details = $txt$Einrichten, Freigabe-Regel festlegen, mit einem harmlosen Beispiel testen; Grenzfall: Der Agent fragt nach, statt zu raten.$txt$;

update public.install_checklist_items set details = $txt$Einrichten, Freigabe-Regel einmal auslösen, mit einem harmlosen Beispiel testen; kommt Workflow 1 nicht in die Quere. Läufe melden wie bei Workflow 1 (leitstand-agent exec).$txt$
where version = 1 and position = 10 and details = $txt$Einrichten, Freigabe-Regel einmal auslösen, mit einem harmlosen Beispiel testen; kommt Workflow 1 nicht in die Quere.$txt$;

update public.install_checklist_items set details = $txt$Wird es knapp: vereinfachen, den Rest als Idee für später notieren. Für Std. 4 und 5 bleibt je eine volle Stunde. Läufe melden wie bei Workflow 1 (leitstand-agent exec).$txt$
where version = 1 and position = 11 and details = $txt$Wird es knapp: vereinfachen, den Rest als Idee für später notieren. Für Std. 4 und 5 bleibt je eine volle Stunde.$txt$;

update public.install_checklist_items set details = $txt$Agent-Schlüssel direkt in den Schlüsselspeicher des Kunden: leitstand-agent install --key-prompt --url https://<leitstand-adresse> -- <befehl des standard-agenten>; danach leitstand-agent status und leitstand-agent doctor ohne Fehler. Hakt sich beim ersten Heartbeat selbst ab.$txt$
where version = 1 and position = 17 and details = $txt$Agent-Schlüssel direkt in die Keychain des Kunden; hakt sich beim ersten Heartbeat selbst ab.$txt$;
