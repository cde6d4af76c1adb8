-- 20261207182000 turned the lead's name, company and handle in existing task texts into placeholders before it
-- removed the e-mail address and the phone number. Where one of those is part of the address (handle anna.beispiel,
-- address anna.beispiel@example.de), the address no longer matched and stayed as "{handle}@example.de", which the
-- read-time text (public.task_text) shows in full again. Those remains go now, set-based: the address and the
-- number as that rewrite left them. A title that would be left empty reads "Aufgabe".
with remains as (
  select l.id as lead_id,
         nullif(replace(replace(replace(l.email::text, l.name, '{name}'), coalesce(l.company, ''), '{firma}'),
                        coalesce(l.handle, ''), '{handle}'), l.email::text) as email,
         nullif(replace(replace(replace(l.phone, l.name, '{name}'), coalesce(l.company, ''), '{firma}'),
                        coalesce(l.handle, ''), '{handle}'), l.phone) as phone
  from public.leads l
  where char_length(l.name) >= 3
)
update public.tasks t
set title = (select case when btrim(x.title) = '' then 'Aufgabe' else x.title end
             from (select left(replace(replace(t.title, coalesce(r.email, ''), ''), coalesce(r.phone, ''), ''), 200) as title) x),
    details = left(replace(replace(t.details, coalesce(r.email, ''), ''), coalesce(r.phone, ''), ''), 4000)
from remains r
where r.lead_id = t.lead_id and (r.email is not null or r.phone is not null)
  and (strpos(t.title, r.email) > 0 or strpos(t.details, r.email) > 0
       or strpos(t.title, r.phone) > 0 or strpos(t.details, r.phone) > 0);
