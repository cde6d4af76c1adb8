-- 20261207191000 gave the playbook texts the lost reason as a code of the fixed list, but not the tasks made from
-- those steps before it: their details still asked for a free text in `lost_reason` (the follow-up sequence's last
-- step, the call preparation). A playbook task's text is its step's text (20261207182000), so the same lines change
-- in the existing tasks, set-based.

update public.tasks set details = left(replace(details, $old$**LOST**, wenn eines zutrifft (Grund in `lost_reason`):

- kein konkreter Zeitfresser, eher Neugier → „Kein Bedarf“
- Budget passt auf absehbare Zeit nicht → „Kein Budget“
- Start frühestens in drei Monaten → „Falscher Zeitpunkt“ (meldet sich der Lead später, LOST → NEW)
$old$, $new$**LOST**, wenn eines zutrifft (Grund aus der Liste der Verlustgründe; eine kurze Notiz ohne Namen ist freiwillig):

- kein konkreter Zeitfresser, eher Neugier → „Kein Bedarf“
- Budget passt auf absehbare Zeit nicht → „Zu teuer“
- Start frühestens in drei Monaten → „Keine Zeit / falscher Zeitpunkt“ (meldet sich der Lead später, LOST → NEW)
$new$), 4000)
where playbook_key is not null and strpos(details, $old$**LOST**, wenn eines zutrifft (Grund in `lost_reason`):

- kein konkreter Zeitfresser, eher Neugier → „Kein Bedarf“
- Budget passt auf absehbare Zeit nicht → „Kein Budget“
- Start frühestens in drei Monaten → „Falscher Zeitpunkt“ (meldet sich der Lead später, LOST → NEW)
$old$) > 0;

update public.tasks set details = left(replace(details, $old$  E-Mails verschickt, bezahlt oder löscht → „Passt nicht zum Angebot“
- kein Interesse mehr an einem Call → „Kein Interesse“
$old$, $new$  E-Mails verschickt, bezahlt oder löscht → „Kein Bedarf“, Notiz „passt nicht zum Angebot“
- kein Interesse mehr an einem Call → „Kein Bedarf“
$new$), 4000)
where playbook_key is not null and strpos(details, $old$  E-Mails verschickt, bezahlt oder löscht → „Passt nicht zum Angebot“
- kein Interesse mehr an einem Call → „Kein Interesse“
$old$) > 0;

update public.tasks set details = left(replace(details, $old$2. Stufe auf **LOST** setzen, `lost_reason` = „Keine Antwort“.$old$, $new$2. Stufe auf **LOST** setzen, Grund „Keine Antwort / kein Kontakt“.$new$), 4000)
where playbook_key is not null and strpos(details, $old$2. Stufe auf **LOST** setzen, `lost_reason` = „Keine Antwort“.$old$) > 0;

update public.tasks set details = left(replace(details, $old$- **Absage:** Stufe auf **LOST**, Grund in `lost_reason` (z. B. „Kein Budget“, „Falscher Zeitpunkt“, „Passt
  nicht zum Angebot“).$old$, $new$- **Absage:** Stufe auf **LOST** mit dem Grund aus der Liste (z. B. „Zu teuer“, „Keine Zeit / falscher Zeitpunkt“,
  „Anderer Anbieter“).$new$), 4000)
where playbook_key is not null and strpos(details, $old$- **Absage:** Stufe auf **LOST**, Grund in `lost_reason` (z. B. „Kein Budget“, „Falscher Zeitpunkt“, „Passt
  nicht zum Angebot“).$old$) > 0;
