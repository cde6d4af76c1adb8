-- Issue 21: the playbook texts name the lost reason as a code of the fixed list (public.lost_reasons) that the LOST
-- form offers, no longer a free text in lost_reason. Line by line (replace), like 20261207180200.


update public.playbooks set description = replace(description, $old$**LOST**, wenn eines zutrifft (Grund in `lost_reason`):

- kein konkreter Zeitfresser, eher Neugier → „Kein Bedarf“
- Budget passt auf absehbare Zeit nicht → „Kein Budget“
- Start frühestens in drei Monaten → „Falscher Zeitpunkt“ (meldet sich der Lead später, LOST → NEW)
$old$, $new$**LOST**, wenn eines zutrifft (Grund aus der Liste der Verlustgründe; eine kurze Notiz ohne Namen ist freiwillig):

- kein konkreter Zeitfresser, eher Neugier → „Kein Bedarf“
- Budget passt auf absehbare Zeit nicht → „Zu teuer“
- Start frühestens in drei Monaten → „Keine Zeit / falscher Zeitpunkt“ (meldet sich der Lead später, LOST → NEW)
$new$) where strpos(description, $old$**LOST**, wenn eines zutrifft (Grund in `lost_reason`):

- kein konkreter Zeitfresser, eher Neugier → „Kein Bedarf“
- Budget passt auf absehbare Zeit nicht → „Kein Budget“
- Start frühestens in drei Monaten → „Falscher Zeitpunkt“ (meldet sich der Lead später, LOST → NEW)
$old$) > 0;

update public.playbook_steps set body = replace(body, $old$**LOST**, wenn eines zutrifft (Grund in `lost_reason`):

- kein konkreter Zeitfresser, eher Neugier → „Kein Bedarf“
- Budget passt auf absehbare Zeit nicht → „Kein Budget“
- Start frühestens in drei Monaten → „Falscher Zeitpunkt“ (meldet sich der Lead später, LOST → NEW)
$old$, $new$**LOST**, wenn eines zutrifft (Grund aus der Liste der Verlustgründe; eine kurze Notiz ohne Namen ist freiwillig):

- kein konkreter Zeitfresser, eher Neugier → „Kein Bedarf“
- Budget passt auf absehbare Zeit nicht → „Zu teuer“
- Start frühestens in drei Monaten → „Keine Zeit / falscher Zeitpunkt“ (meldet sich der Lead später, LOST → NEW)
$new$) where strpos(body, $old$**LOST**, wenn eines zutrifft (Grund in `lost_reason`):

- kein konkreter Zeitfresser, eher Neugier → „Kein Bedarf“
- Budget passt auf absehbare Zeit nicht → „Kein Budget“
- Start frühestens in drei Monaten → „Falscher Zeitpunkt“ (meldet sich der Lead später, LOST → NEW)
$old$) > 0;

update public.playbooks set description = replace(description, $old$  E-Mails verschickt, bezahlt oder löscht → „Passt nicht zum Angebot“
- kein Interesse mehr an einem Call → „Kein Interesse“
$old$, $new$  E-Mails verschickt, bezahlt oder löscht → „Kein Bedarf“, Notiz „passt nicht zum Angebot“
- kein Interesse mehr an einem Call → „Kein Bedarf“
$new$) where strpos(description, $old$  E-Mails verschickt, bezahlt oder löscht → „Passt nicht zum Angebot“
- kein Interesse mehr an einem Call → „Kein Interesse“
$old$) > 0;

update public.playbook_steps set body = replace(body, $old$  E-Mails verschickt, bezahlt oder löscht → „Passt nicht zum Angebot“
- kein Interesse mehr an einem Call → „Kein Interesse“
$old$, $new$  E-Mails verschickt, bezahlt oder löscht → „Kein Bedarf“, Notiz „passt nicht zum Angebot“
- kein Interesse mehr an einem Call → „Kein Bedarf“
$new$) where strpos(body, $old$  E-Mails verschickt, bezahlt oder löscht → „Passt nicht zum Angebot“
- kein Interesse mehr an einem Call → „Kein Interesse“
$old$) > 0;

update public.playbooks set description = replace(description, $old$2. Stufe auf **LOST** setzen, `lost_reason` = „Keine Antwort“.$old$, $new$2. Stufe auf **LOST** setzen, Grund „Keine Antwort / kein Kontakt“.$new$) where strpos(description, $old$2. Stufe auf **LOST** setzen, `lost_reason` = „Keine Antwort“.$old$) > 0;

update public.playbook_steps set body = replace(body, $old$2. Stufe auf **LOST** setzen, `lost_reason` = „Keine Antwort“.$old$, $new$2. Stufe auf **LOST** setzen, Grund „Keine Antwort / kein Kontakt“.$new$) where strpos(body, $old$2. Stufe auf **LOST** setzen, `lost_reason` = „Keine Antwort“.$old$) > 0;

update public.playbooks set description = replace(description, $old$- **Absage:** Stufe auf **LOST**, Grund in `lost_reason` (z. B. „Kein Budget“, „Falscher Zeitpunkt“, „Passt
  nicht zum Angebot“).$old$, $new$- **Absage:** Stufe auf **LOST** mit dem Grund aus der Liste (z. B. „Zu teuer“, „Keine Zeit / falscher Zeitpunkt“,
  „Anderer Anbieter“).$new$) where strpos(description, $old$- **Absage:** Stufe auf **LOST**, Grund in `lost_reason` (z. B. „Kein Budget“, „Falscher Zeitpunkt“, „Passt
  nicht zum Angebot“).$old$) > 0;

update public.playbook_steps set body = replace(body, $old$- **Absage:** Stufe auf **LOST**, Grund in `lost_reason` (z. B. „Kein Budget“, „Falscher Zeitpunkt“, „Passt
  nicht zum Angebot“).$old$, $new$- **Absage:** Stufe auf **LOST** mit dem Grund aus der Liste (z. B. „Zu teuer“, „Keine Zeit / falscher Zeitpunkt“,
  „Anderer Anbieter“).$new$) where strpos(body, $old$- **Absage:** Stufe auf **LOST**, Grund in `lost_reason` (z. B. „Kein Budget“, „Falscher Zeitpunkt“, „Passt
  nicht zum Angebot“).$old$) > 0;
