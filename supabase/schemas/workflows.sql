-- Workflows from the onboarding (issue 20): the lead's submitted answers name its three core workflows
-- (answers->'workflows': {name, schedule + timezone Europe/Berlin | interval (ISO 8601), approval}); every agent of
-- the lead watches them (public.agent_workflows, monitoring.sql, origin 'onboarding'). Filled set-based when answers
-- are submitted and when an agent is created; a resubmission updates name and rhythm of the onboarding's workflows.
-- key: the name as a slug (ä → ae, … other characters → '-'), '-<n>' when two names give the same slug; the client
-- checks in with this key (shown in the Agenten view).

create function public.sync_onboarding_workflows(p_leads uuid[], p_at timestamptz)
returns void
language sql security definer set search_path = '' as $$
  with answered as (
    select distinct on (o.lead_id) o.lead_id, o.answers
    from public.onboarding_answers o
    where o.lead_id = any(p_leads) and o.state = 'submitted'
    order by o.lead_id, o.template_version desc
  ), items as (
    select a.lead_id, f.n, left(btrim(f.item->>'name'), 120) as name, f.item->>'schedule' as schedule,
           case when f.item->>'interval' ~ '^P(T[0-9]{1,5}[MH]|[0-9]{1,3}D)$' then (f.item->>'interval')::interval end as run_interval,
           left(btrim(regexp_replace(replace(replace(replace(replace(lower(f.item->>'name'), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss'),
                                     '[^a-z0-9]+', '-', 'g'), '-'), 56) as slug
    from answered a
    cross join lateral jsonb_array_elements(case when jsonb_typeof(a.answers->'workflows') = 'array' then a.answers->'workflows' else '[]'::jsonb end)
      with ordinality as f (item, n)
    where jsonb_typeof(f.item) = 'object' and btrim(coalesce(f.item->>'name', '')) <> ''
  ), keyed as (
    select i.*, case when i.slug = '' or count(*) over (partition by i.lead_id, i.slug) > 1
                     then coalesce(nullif(i.slug, '') || '-', 'workflow-') || i.n else i.slug end as key
    from items i
    where (i.schedule is not null and char_length(i.schedule) between 9 and 100 and i.run_interval is null)
       or (i.schedule is null and i.run_interval between interval '1 minute' and interval '31 days')
  )
  insert into public.agent_workflows as w (agent_id, key, name, schedule, run_interval, origin, created_at)
  select distinct on (ag.id, k.key) ag.id, k.key, k.name, k.schedule, k.run_interval, 'onboarding', p_at
  from keyed k join public.agents ag on ag.lead_id = k.lead_id and ag.revoked_at is null
  order by ag.id, k.key, k.n
  on conflict (agent_id, key) do update
    set name = excluded.name, schedule = excluded.schedule, run_interval = excluded.run_interval,
        next_expected_at = case when w.schedule is not distinct from excluded.schedule and w.run_interval is not distinct from excluded.run_interval
                                then w.next_expected_at end
    where w.origin = 'onboarding'
$$;

create function public.onboarding_answers_sync_workflows() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform public.sync_onboarding_workflows(array(select c.lead_id from changed c where c.state = 'submitted'), now());
  return null;
end
$$;
create trigger onboarding_answers_sync_workflows_insert after insert on public.onboarding_answers
  referencing new table as changed for each statement execute function public.onboarding_answers_sync_workflows();
create trigger onboarding_answers_sync_workflows_update after update on public.onboarding_answers
  referencing new table as changed for each statement execute function public.onboarding_answers_sync_workflows();

create function public.agents_sync_workflows() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform public.sync_onboarding_workflows(array(select c.lead_id from created c), now());
  return null;
end
$$;
create trigger agents_sync_workflows after insert on public.agents
  referencing new table as created for each statement execute function public.agents_sync_workflows();

revoke all on function public.sync_onboarding_workflows(uuid[], timestamptz) from public, anon, authenticated;
revoke all on function public.onboarding_answers_sync_workflows() from public, anon, authenticated;
revoke all on function public.agents_sync_workflows() from public, anon, authenticated;
