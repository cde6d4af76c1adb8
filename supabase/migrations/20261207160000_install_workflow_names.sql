-- Fulfilment (issue 19): the install's workflow items carry the names of the onboarding's three core workflows.
-- public.install_workflow_names had a placeholder body ('{}'); now: the submitted answers of the newest template
-- version the lead submitted, in order, '{}' without submitted answers (the items then read "Kern-Workflow 1/2/3").
-- Read at every read of a run, never copied into it: a run booked before the answers were submitted shows
-- "Kern-Workflow n" until they are and the names from then on.
create or replace function public.install_workflow_names(p_lead_id uuid) returns text[]
language sql stable set search_path = '' as $$
  select coalesce((
    select array_agg(coalesce(btrim(w.item ->> 'name'), '') order by w.n)
    from (
      select a.answers from public.onboarding_answers a
      where a.lead_id = p_lead_id and a.state = 'submitted'
      order by a.template_version desc
      limit 1
    ) s
    cross join lateral jsonb_array_elements(case when jsonb_typeof(s.answers -> 'workflows') = 'array' then s.answers -> 'workflows' else '[]' end)
      with ordinality as w(item, n)
  ), '{}'::text[]);
$$;
