-- Issue 20: the status center edits a workflow's grace, longest run and (for a workflow the client registered) its
-- rhythm by compare-and-set on a version that counts every change of these settings, whoever makes it. A workflow's
-- incident alerts name the workflow (its name, the customer's business name for it, and key).

alter table public.agent_workflows add column version integer not null default 1;

-- A workflow's settings changed (by the team, the client's check-in or a resubmitted onboarding): its version counts up.
create function public.agent_workflows_version() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.version := old.version + 1;
  return new;
end
$$;
create trigger agent_workflows_version before update of schedule, run_interval, grace, max_runtime on public.agent_workflows
  for each row when ((old.schedule, old.run_interval, old.grace, old.max_runtime) is distinct from (new.schedule, new.run_interval, new.grace, new.max_runtime))
  execute function public.agent_workflows_version();

revoke all on function public.agent_workflows_version() from public, anon, authenticated;

create or replace function public.enqueue_incident_alert(p_queue text, p_incident uuid, p_kind text, p_at timestamptz, p_text text)
returns uuid
language plpgsql set search_path = '' as $$
declare
  v_key text := format('incident:%s:%s', p_incident, replace(p_kind, 'incident_', ''));
  v_id uuid;
begin
  select (public.enqueue_alerts(p_queue, jsonb_build_array(jsonb_build_object(
           'kind', p_kind, 'severity', c.severity,
           'dedupe_key', v_key, 'subject_type', 'incident', 'subject_id', i.id,
           'title', left(case p_kind when 'incident_opened' then 'Incident: ' || c.title
                                     when 'incident_resolved' then 'Behoben: ' || c.title
                                     else 'Eskaliert: ' || c.title end
                         || coalesce(' – Workflow „' || w.name || '“', ''), 200),
           'text', p_text || coalesce(format(' Workflow: %s (%s).', w.name, w.key), ''), 'occurred_at', p_at,
           'attributes', jsonb_build_object('agent_id', i.agent_id, 'error_class', i.error_class, 'runbook', c.runbook)
                         || case when w.id is not null then jsonb_build_object('workflow_key', w.key) else '{}'::jsonb end))))[1]
  into v_id
  from public.incidents i
  join public.error_classes c on c.key = i.error_class
  left join public.agent_workflows w on w.id = i.workflow_id
  where i.id = p_incident;
  return coalesce(v_id, (select a.id from public.alerts a where a.dedupe_key = v_key));
end
$$;
