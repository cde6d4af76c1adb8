-- One home per rule (issue 17), the catalogues: each of these facts lives in one table, and SQL, C# and the
-- status center read it there instead of keeping a copy.
--   public.error_classes.runbook  the runbook of an error class (was computed in SQL and in C#)
--   public.lead_stages            stage codes in pipeline order with their German labels (was a CASE in
--                                 lead_stage_label, a list in MoveLeadStage.cs and a copy in heute.js)
--   public.alert_kinds            every alert kind with its severity, subject type, acknowledge link and
--                                 status-center route (was free text, a CASE in alert_link and a C# list)
-- Nothing a user sees changes: the same runbook paths, labels, links, severities and texts.

-- ---------------------------------------------------------------------------------------------
-- The runbook of an error class.
alter table public.error_classes add column runbook text;
update public.error_classes set runbook = 'docs/runbooks/' || replace(key, '_', '-') || '.md';
alter table public.error_classes
  alter column runbook set not null,
  add constraint error_classes_runbook_check check (runbook ~ '^docs/runbooks/[a-z0-9-]+\.md$');

-- ---------------------------------------------------------------------------------------------
-- The stage catalogue: one row per value of public.lead_stage (a test keeps them equal). closed: the lead's
-- way through the pipeline ended there (the board shows only the recent ones).
create table public.lead_stages (
  code public.lead_stage primary key,
  label text not null unique check (char_length(label) between 1 and 40),
  position smallint not null unique check (position between 1 and 100),
  closed boolean not null default false
);
insert into public.lead_stages (code, label, position, closed) values
  ('NEW', 'Neu', 1, false),
  ('CONTACTED', 'Kontaktiert', 2, false),
  ('REPLIED', 'Geantwortet', 3, false),
  ('QUALIFIED', 'Qualifiziert', 4, false),
  ('CALL_BOOKED', 'Call gebucht', 5, false),
  ('WON', 'Gewonnen', 6, true),
  ('LOST', 'Verloren', 7, true);

-- The German label of a stage, from the catalogue. Stable, not immutable: it reads a table.
create or replace function public.lead_stage_label(p_stage public.lead_stage)
returns text
language sql stable as $$
  select s.label from public.lead_stages s where s.code = p_stage
$$;

-- ---------------------------------------------------------------------------------------------
-- The alert kinds. severity: every alert of the kind has it; null where it varies and the producer gives it
-- (incident_opened: the error class's severity; incident_reminder: the incident's). subject_type: what the
-- alert is about; route: where its link opens in the status center ('{id}' = the subject's id, relative to
-- Alerts__StatusCenterUrl); acknowledge_link: its messages carry the signed "Übernehmen" link while the
-- incident is open.
create table public.alert_kinds (
  kind text primary key check (kind ~ '^[a-z][a-z_]{2,40}$'),
  label text not null check (char_length(label) between 1 and 80),
  severity public.alert_severity,
  subject_type text not null check (subject_type in ('incident', 'agent', 'lead', 'deal', 'alert', 'channel', 'team', 'kpi')),
  acknowledge_link boolean not null default false,
  route text not null check (route ~ '^#/[a-z0-9/_{}-]*$'),
  check (not acknowledge_link or subject_type = 'incident'),
  check ((route like '%{id}%') = (subject_type in ('incident', 'agent', 'lead', 'deal', 'alert')))
);
insert into public.alert_kinds (kind, label, severity, subject_type, acknowledge_link, route) values
  ('incident_opened', 'Incident geöffnet', null, 'incident', true, '#/incidents/{id}'),
  ('incident_reminder', 'Erinnerung: Incident offen', null, 'incident', true, '#/incidents/{id}'),
  ('incident_unacknowledged', 'Eskalation: Incident nicht übernommen', 'critical', 'incident', true, '#/incidents/{id}'),
  ('incident_escalated', 'Eskaliert: Neustart half nicht', 'critical', 'incident', true, '#/incidents/{id}'),
  ('incident_resolved', 'Incident behoben', 'info', 'incident', false, '#/incidents/{id}'),
  ('lead_new', 'Neuer Lead', 'info', 'lead', false, '#/leads/{id}'),
  ('lead_repeat', 'Erneute Anfrage', 'info', 'lead', false, '#/leads/{id}'),
  ('deal_won', 'Deal gewonnen', 'info', 'lead', false, '#/leads/{id}'),
  ('daily_tasks', 'Tagesliste', 'info', 'team', false, '#/heute'),
  ('kpi_weekly', 'Wochenbilanz', 'info', 'kpi', false, '#/zahlen'),
  ('delivery_failed', 'Zustellung fehlgeschlagen', 'warning', 'alert', false, '#/alerts/{id}');

-- Alerts and routes name a kind of the catalogue. A route's '*' (every kind) names none: alert_kind is null then.
alter table public.alerts
  drop constraint alerts_kind_check,
  add constraint alerts_kind_fkey foreign key (kind) references public.alert_kinds (kind);
alter table public.alert_routes
  drop constraint alert_routes_kind_check,
  add column alert_kind text generated always as (nullif(kind, '*')) stored,
  add constraint alert_routes_alert_kind_fkey foreign key (alert_kind) references public.alert_kinds (kind);

-- Where an alert of a kind about a subject opens in the status center: the kind's route.
drop function public.alert_link(text, uuid);
create function public.alert_link(p_kind text, p_subject_id uuid)
returns text
language sql stable set search_path = '' as $$
  select case when k.route like '%{id}%' then replace(k.route, '{id}', p_subject_id::text) else k.route end
  from public.alert_kinds k where k.kind = p_kind
$$;

-- THE producer path. p_items: [{"kind", "severity", "dedupe_key", "subject_type", "subject_id", "title",
-- "text", "occurred_at", "attributes"}, …]. The kind must be in public.alert_kinds (otherwise nothing is
-- written and the call fails with 22023); severity and subject type are the catalogue's, the item's severity
-- counts only for a kind whose catalogue severity is null, and the link is the kind's route. Writes each new
-- alert, and one queue message listing them (outbox, sent after the commit): a storm from one statement is
-- one message, not one per alert. An alert whose dedupe key exists already is skipped. Returns the message id
-- (the first new alert's id; for a single alert its own), or nothing when every alert existed.
create or replace function public.enqueue_alerts(p_queue text, p_items jsonb)
returns uuid[]
language plpgsql set search_path = '' as $$
declare
  ids uuid[];
  v_problem text;
begin
  select string_agg(distinct case when k.kind is null then format('unknown alert kind %L', x.kind)
                                  else format('alert kind %L needs a severity', x.kind) end, '; ')
  into v_problem
  from jsonb_to_recordset(coalesce(p_items, '[]'::jsonb)) as x(kind text, severity public.alert_severity)
  left join public.alert_kinds k on k.kind = x.kind
  where k.kind is null or coalesce(k.severity, x.severity) is null;
  if v_problem is not null then
    raise exception 'enqueue_alerts: %', v_problem using errcode = '22023',
      hint = 'The kinds and their severities are in public.alert_kinds (docs/alerts.md).';
  end if;

  with input as (
    select x.* from jsonb_to_recordset(coalesce(p_items, '[]'::jsonb)) as x(kind text, severity public.alert_severity,
      dedupe_key text, subject_type text, subject_id uuid, title text, text text, occurred_at timestamptz, attributes jsonb)
  ), created as (
    insert into public.alerts as a (id, kind, severity, dedupe_key, subject_type, subject_id, title, body, link, occurred_at, attributes)
    select gen_random_uuid(), i.kind, coalesce(k.severity, i.severity), i.dedupe_key, k.subject_type, i.subject_id, i.title, i.text,
           public.alert_link(i.kind, i.subject_id), i.occurred_at, coalesce(i.attributes, '{}'::jsonb)
    from input i
    join public.alert_kinds k on k.kind = i.kind
    on conflict (dedupe_key) do nothing
    returning a.*
  ), message as (
    select (array_agg(c.id order by c.occurred_at, c.id))[1] as id,
           jsonb_build_object('type', 'alerts', 'version', 2,
                              'alerts', jsonb_agg(public.alert_message(c::public.alerts) order by c.occurred_at, c.id)) as payload
    from created c
    having count(*) > 0
  ), queued as (
    insert into public.outbox_messages (id, queue, payload)
    select m.id, p_queue, m.payload from message m
    returning id
  )
  select coalesce(array_agg(id), '{}') into ids from queued;
  return ids;
end
$$;

-- Incidents as alerts (called by open_incident, resolve_incidents and check_agents). The severity given is the
-- error class's; the catalogue overrides it where the kind has its own (resolved: info, escalated: critical).
-- Returns the alert id, also when it existed already.
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
           'title', case p_kind when 'incident_opened' then 'Incident: ' || c.title
                                when 'incident_resolved' then 'Behoben: ' || c.title
                                else 'Eskaliert: ' || c.title end,
           'text', p_text, 'occurred_at', p_at,
           'attributes', jsonb_build_object('agent_id', i.agent_id, 'error_class', i.error_class, 'runbook', c.runbook)))))[1]
  into v_id
  from public.incidents i
  join public.error_classes c on c.key = i.error_class
  where i.id = p_incident;
  return coalesce(v_id, (select a.id from public.alerts a where a.dedupe_key = v_key));
end
$$;

-- Opens the incident for (agent, class) or counts another occurrence of the open one. Returns the
-- alert message id when it opened (null otherwise). A crash loop may request an automatic restart.
create or replace function public.open_incident(p_agent uuid, p_class text, p_code text, p_at timestamptz, p_queue text, p_auto_restarts_per_hour integer)
returns uuid
language plpgsql set search_path = '' as $$
declare
  incident uuid;
  created boolean;
  alert uuid;
begin
  -- The flapping guard: while an agent is marked unstable, no other incidents are opened for it.
  if p_class <> 'unstable' and exists (select 1 from public.incidents
      where agent_id = p_agent and error_class = 'unstable' and status <> 'resolved') then
    return null;
  end if;

  insert into public.incidents as i (agent_id, error_class, severity, opened_at, last_seen_at, last_error_code)
  select p_agent, c.key, c.severity, p_at, p_at, p_code from public.error_classes c where c.key = p_class
  on conflict (agent_id, error_class) where status <> 'resolved'
  do update set last_seen_at = p_at, occurrences = i.occurrences + 1, last_error_code = coalesce(p_code, i.last_error_code)
  returning i.id, (i.xmax = 0) into incident, created;

  if not created then
    return null;
  end if;
  insert into public.incident_events (incident_id, at, kind, detail) values (incident, p_at, 'opened', p_code);
  alert := public.enqueue_incident_alert(p_queue, incident, 'incident_opened', p_at,
    (select format('Incident geöffnet: %s (%s). Runbook: %s', c.title, coalesce(p_code, p_class), c.runbook)
     from public.error_classes c where c.key = p_class));

  if (select auto_restart from public.error_classes where key = p_class)
     and (select count(*) from public.agent_commands
          where agent_id = p_agent and automatic and requested_at > p_at - interval '1 hour') < p_auto_restarts_per_hour then
    insert into public.agent_commands (agent_id, incident_id, kind, automatic, requested_at, requested_by, reason)
    values (p_agent, incident, 'restart', true, p_at, 'leitstand', 'Automatischer Neustart: ' || p_class)
    on conflict do nothing;
    if found then
      insert into public.incident_events (incident_id, at, kind, detail) values (incident, p_at, 'restart_requested', 'automatisch');
    end if;
  end if;
  return alert;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Row level security: team members and the functions read the catalogues; changing them is a migration.
-- anon gets nothing.
alter table public.lead_stages enable row level security;
alter table public.alert_kinds enable row level security;
revoke all on public.lead_stages, public.alert_kinds from anon;
revoke truncate, references, trigger on public.lead_stages, public.alert_kinds from authenticated, service_role;
revoke insert, update, delete on public.lead_stages, public.alert_kinds from authenticated;

create policy lead_stages_team on public.lead_stages for select to authenticated using ((select public.is_team_member()));
create policy alert_kinds_team on public.alert_kinds for select to authenticated using ((select public.is_team_member()));

grant select on public.lead_stages, public.alert_kinds to leitstand_functions;
create policy lead_stages_functions on public.lead_stages for select to leitstand_functions using (true);
create policy alert_kinds_functions on public.alert_kinds for select to leitstand_functions using (true);
