-- The overdue summary lists one line per task, also for a title with a line break in it (the status center's Heute
-- view counts the lines of its list: listed_tasks).
create or replace function public.overdue_summary_lines(p_items jsonb)
returns text
language sql stable as $$
  -- one line per task, whatever its title holds (a line break in it would shift the status center's list)
  select string_agg(format('- %s (fällig %s)',
                           regexp_replace(coalesce(public.task_text(x.title, l.name, l.company, l.handle), 'Aufgabe eines gelöschten Leads'), '\s+', ' ', 'g'),
                           to_char((i.item ->> 'due_at')::timestamptz at time zone 'Europe/Berlin', 'DD.MM.')), E'\n' order by i.position)
  from jsonb_array_elements(coalesce(p_items, '[]')) with ordinality as i(item, position)
  left join public.tasks x on x.id = (i.item ->> 'task_id')::uuid
  left join public.leads l on l.id = x.lead_id
$$;
