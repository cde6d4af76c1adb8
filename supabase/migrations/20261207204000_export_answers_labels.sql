-- The Auskunft shows the onboarding answers as the questionnaire asks them (lead_export: onboarding_answers[].answers_label)
-- and the tables an erasure counted by German names (erasures[].counts_label, code_labels set 'table').
insert into public.code_labels (code_set, code, label) values
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

-- The onboarding answers as the questionnaire of their template version asks them, for the Auskunft (lead_export's
-- onboarding_answers[].answers_label): {section title: {question: answer}}, a table or repeated section
-- {section title: {row label or "Workflow n": {question: answer}}}; a choice by its option label, the fixed approval
-- rules by their labels, a schedule or interval in words. A key the template does not know stands under its key, never
-- dropped. json (not jsonb): the questionnaire's order stays.
-- jit = off: the planner guesses 100 rows per jsonb_array_elements, so the nested guesses reach a cost of 10^8 and
-- PostgreSQL compiles the plan with JIT (about 650 ms) for a questionnaire of a few dozen values (0.3 ms to run).
create function public.onboarding_answers_label(p_answers jsonb, p_template_version integer) returns json
language sql stable security invoker set search_path = '' set jit = off as $$
  with cell as (
    select ts.pos, s.key as section_key, coalesce(ts.sec ->> 'title', s.key) as section_label, x.n,
           case when x.n is not null then coalesce(
             (select r ->> 'label' from jsonb_array_elements(ts.sec -> 'rows') r where r ->> 'key' = x.item ->> (ts.sec ->> 'row_key')),
             x.item ->> (ts.sec ->> 'row_key'),
             coalesce((select cl.label from public.code_labels cl where cl.code_set = 'onboarding_item' and cl.code = s.key), 'Eintrag') || ' ' || x.n) end as item_label,
           fp.fpos,
           coalesce(fp.fld ->> 'label', case when ts.sec ? 'fixed' and jsonb_typeof(x.v) = 'array' then rtrim(ts.sec ->> 'intro', ': ') end, x.key) as field_label,
           case
             when jsonb_typeof(x.v) = 'string' then coalesce(
               (select op ->> 'label' from jsonb_array_elements(fp.fld -> 'options') op where op ->> 'value' = x.v #>> '{}' limit 1), x.v #>> '{}')
             when jsonb_typeof(x.v) = 'array' then (select string_agg(coalesce(
                 (select c ->> 'label' from jsonb_array_elements(coalesce(fp.fld -> 'options', ts.sec -> 'fixed')) c
                  where coalesce(c ->> 'value', c ->> 'key') = a.v #>> '{}' limit 1), a.v #>> '{}'), ', ' order by a.i)
               from jsonb_array_elements(x.v) with ordinality a(v, i))
             when jsonb_typeof(x.v) = 'object' and x.v ? 'schedule' then 'nach Zeitplan „' || (x.v ->> 'schedule') || '“'
               || case when coalesce(x.v ->> 'timezone', 'Europe/Berlin') = 'Europe/Berlin' then ' (Berliner Zeit)' else ' (' || (x.v ->> 'timezone') || ')' end
             when jsonb_typeof(x.v) = 'object' and (x.v ->> 'interval') ~ '^PT?[1-9][0-9]*[MHD]$' then
               case when substring(x.v ->> 'interval' from '[0-9]+') = '1'
                    then case right(x.v ->> 'interval', 1) when 'M' then 'jede Minute' when 'H' then 'jede Stunde' else 'jeden Tag' end
                    else 'alle ' || substring(x.v ->> 'interval' from '[0-9]+') || ' '
                         || case right(x.v ->> 'interval', 1) when 'M' then 'Minuten' when 'H' then 'Stunden' else 'Tage' end end
             else x.v #>> '{}'
           end as value
    from jsonb_each(p_answers) s
    left join lateral (select e.sec, e.pos from public.onboarding_templates t cross join lateral jsonb_array_elements(t.sections) with ordinality e(sec, pos)
                       where t.version = p_template_version and e.sec ->> 'key' = s.key limit 1) ts on true
    cross join lateral (
      select null::bigint as n, null::jsonb as item, f.key, f.value as v
      from jsonb_each(case when jsonb_typeof(s.value) = 'object' then s.value else '{}' end) f
      union all
      select e.n, e.item, f.key, f.value
      from jsonb_array_elements(case when jsonb_typeof(s.value) = 'array' then s.value else '[]' end) with ordinality e(item, n)
      cross join lateral jsonb_each(case when jsonb_typeof(e.item) = 'object' then e.item else '{}' end) f
      where f.key is distinct from ts.sec ->> 'row_key'
      union all
      select e.n, null, s.key, e.item
      from jsonb_array_elements(case when jsonb_typeof(s.value) = 'array' then s.value else '[]' end) with ordinality e(item, n)
      where jsonb_typeof(e.item) <> 'object'
      union all
      select null, null, s.key, s.value where jsonb_typeof(s.value) not in ('object', 'array')
    ) x
    left join lateral (select g.fld, g.fpos from jsonb_array_elements(ts.sec -> 'fields') with ordinality g(fld, fpos)
                       where g.fld ->> 'key' = x.key limit 1) fp on true
  ), item as (
    select c.pos, c.section_key, c.section_label, c.n, c.item_label,
           json_object_agg(c.field_label, c.value order by c.fpos nulls last, c.field_label) as fields
    from cell c group by c.pos, c.section_key, c.section_label, c.n, c.item_label
  ), section as (
    select i.pos, i.section_key, i.section_label,
           case when max(i.n) is null then (array_agg(i.fields))[1] else json_object_agg(coalesce(i.item_label, i.section_key), i.fields order by i.n) end as body
    from item i group by i.pos, i.section_key, i.section_label
  )
  select json_object_agg(sc.section_label, sc.body order by sc.pos nulls last, sc.section_key) from section sc
$$;
revoke all on function public.onboarding_answers_label(jsonb, integer) from public, anon;
grant execute on function public.onboarding_answers_label(jsonb, integer) to authenticated;

create or replace function public.lead_export(p_lead uuid) returns json
language sql stable security invoker set search_path = '' set "TimeZone" = 'UTC' as $$
  with lead as (
    select l.* from public.leads l where l.id = p_lead
  ), agent_ids as (
    select a.id from public.agents a where a.lead_id = p_lead
  ), incident_ids as (
    select i.id from public.incidents i where i.agent_id in (select id from agent_ids)
  ), deal_ids as (
    select d.id from public.deals d where d.lead_id = p_lead
  ), concerning_alerts as (
    select al.* from public.alerts al
    where (al.subject_type = 'lead' and al.subject_id = p_lead)
       or (al.subject_type = 'agent' and al.subject_id in (select id from agent_ids))
       or (al.subject_type = 'incident' and al.subject_id in (select id from incident_ids))
       or (al.subject_type = 'deal' and al.subject_id in (select id from deal_ids))
  )
  -- every code keeps its field; its German label stands beside it as <field>_label (null for an unknown code), read from
  -- the catalogues by scalar subqueries in this one plan (a call of a SQL function with FROM per row is not inlined)
  select json_build_object(
    'export_version', 1,
    'generated_at', now(),
    'lead_id', l.id,
    'lead', to_jsonb(l) - 'search_document' || jsonb_build_object(
              'stage_label', (select s.label from public.lead_stages s where s.code = l.stage),
              'contact_basis_label', (select cl.label from public.code_labels cl where cl.code_set = 'contact_basis' and cl.code = l.contact_basis::text),
              'handle_channel_label', (select cl.label from public.code_labels cl where cl.code_set = 'handle_channel' and cl.code = l.handle_channel),
              'lost_reason_code_label', (select r.label from public.lost_reasons r where r.code = l.lost_reason_code)),
    'consent', json_build_object(
      'contact_basis', l.contact_basis, 'contact_basis_label', (select cl.label from public.code_labels cl where cl.code_set = 'contact_basis' and cl.code = l.contact_basis::text),
      'consent_at', l.consent_at, 'consent_text_version', l.consent_text_version,
      'consent_source', l.consent_source, 'consent_withdrawn_at', l.consent_withdrawn_at,
      'consent_text', (select c.text from public.consent_texts c where c.version = l.consent_text_version),
      'touchpoint_consent_versions', (select coalesce(json_agg(distinct tp.consent_text_version), '[]')
                                      from public.lead_touchpoints tp where tp.lead_id = p_lead and tp.consent_text_version is not null)),
    'touchpoints', (select coalesce(json_agg(to_jsonb(tp) || jsonb_build_object('note_label', c.label,
                      'direction_label', (select cl.label from public.code_labels cl where cl.code_set = 'touchpoint_direction' and cl.code = tp.direction::text),
                      'channel_label', (select cl.label from public.code_labels cl where cl.code_set = 'touchpoint_channel' and cl.code = tp.channel),
                      'kind_label', (select cl.label from public.code_labels cl where cl.code_set = 'touchpoint_kind' and cl.code = tp.kind)) order by tp.occurred_at, tp.id), '[]')
                    from public.lead_touchpoints tp left join public.touchpoint_note_codes c on c.code = tp.note_code
                    where tp.lead_id = p_lead),
    'stage_history', (select coalesce(json_agg(to_jsonb(h) || jsonb_build_object(
                        'from_stage_label', (select s.label from public.lead_stages s where s.code = h.from_stage), 'to_stage_label', (select s.label from public.lead_stages s where s.code = h.to_stage),
                        'lost_reason_code_label', r.label) order by h.changed_at, h.id), '[]')
                      from public.lead_stage_history h left join public.lost_reasons r on r.code = h.lost_reason_code
                      where h.lead_id = p_lead),
    'pipeline_events', (select coalesce(json_agg(json_build_object('id', e.id, 'from_stage', e.from_stage,
                                                'from_stage_label', (select s.label from public.lead_stages s where s.code = e.from_stage), 'to_stage', e.to_stage,
                                                'to_stage_label', (select s.label from public.lead_stages s where s.code = e.to_stage),
                                                'occurred_at', e.occurred_at, 'changed_by', e.changed_by, 'processed_at', e.processed_at)
                                      order by e.id), '[]')
                        from public.pipeline_events e where e.lead_id = p_lead),
    -- title and details as the team sees them (stored with placeholders, filled from the lead at read time)
    'tasks', (select coalesce(json_agg(to_jsonb(t) || jsonb_build_object(
                'title', public.task_text(t.title, l.name, l.company, l.handle),
                'details', public.task_text(t.details, l.name, l.company, l.handle),
                'kind_label', (select cl.label from public.code_labels cl where cl.code_set = 'task_kind' and cl.code = t.kind), 'status_label', (select cl.label from public.code_labels cl where cl.code_set = 'task_status' and cl.code = t.status::text),
                'rule_label', (select cl.label from public.code_labels cl where cl.code_set = 'task_kind' and cl.code = t.rule), 'priority_label', (select cl.label from public.code_labels cl where cl.code_set = 'task_priority' and cl.code = t.priority),
                'outcome_label', (select cl.label from public.code_labels cl where cl.code_set = 'task_outcome' and cl.code = t.outcome),
                'outcome_channel_label', (select cl.label from public.code_labels cl where cl.code_set = 'task_outcome_channel' and cl.code = t.outcome_channel),
                'outcome_note_code_label', (select c.label from public.touchpoint_note_codes c where c.code = t.outcome_note_code),
                'playbook_key_label', (select p.title from public.playbooks p where p.key = t.playbook_key)) order by t.created_at, t.id), '[]')
              from public.tasks t where t.lead_id = p_lead or t.deal_id in (select id from deal_ids)),
    'deals', (select coalesce(json_agg(to_jsonb(d) || jsonb_build_object(
                'package_label', (select p.name from public.packages p where p.key = d.package),
                'status_label', (select cl.label from public.code_labels cl where cl.code_set = 'deal_status' and cl.code = d.status::text),
                'history', (select coalesce(jsonb_agg(to_jsonb(dh) || jsonb_build_object(
                              'change_label', (select cl.label from public.code_labels cl where cl.code_set = 'deal_change' and cl.code = dh.change),
                              'old_values', dh.old_values || jsonb_strip_nulls(jsonb_build_object(
                                'package_label', (select p.name from public.packages p where p.key::text = dh.old_values ->> 'package'),
                                'status_label', (select cl.label from public.code_labels cl where cl.code_set = 'deal_status' and cl.code = dh.old_values ->> 'status'))),
                              'new_values', dh.new_values || jsonb_strip_nulls(jsonb_build_object(
                                'package_label', (select p.name from public.packages p where p.key::text = dh.new_values ->> 'package'),
                                'status_label', (select cl.label from public.code_labels cl where cl.code_set = 'deal_status' and cl.code = dh.new_values ->> 'status'))))
                            order by dh.id), '[]') from public.deal_history dh where dh.deal_id = d.id))
              order by d.created_at, d.id), '[]')
              from public.deals d where d.lead_id = p_lead),
    -- answers_label: the answers as the questionnaire asks them (public.onboarding_answers_label, one call per answers row)
    -- (answers_label joins as json, not jsonb, which would sort the keys: the questionnaire's order stays)
    'onboarding_answers', (select coalesce(json_agg((select json_object_agg(e.key, e.value order by e.ord, e.key) from (
      select 1 as ord, j.key, j.value::json as value
      from jsonb_each(to_jsonb(o) || jsonb_build_object('state_label', (select cl.label from public.code_labels cl where cl.code_set = 'onboarding_state' and cl.code = o.state))) j
      union all
      select 2, 'answers_label', public.onboarding_answers_label(o.answers, o.template_version)) e)
                                           order by o.template_version), '[]')
                           from public.onboarding_answers o where o.lead_id = p_lead),
    'onboarding_links', (select coalesce(json_agg(to_jsonb(k)), '[]') from public.onboarding_links k where k.lead_id = p_lead),
    'install_runs', (select coalesce(json_agg(to_jsonb(r) || jsonb_build_object(
                       'state_label', (select cl.label from public.code_labels cl where cl.code_set = 'install_run_state' and cl.code = r.state),
                       'items', (select coalesce(jsonb_agg(to_jsonb(i) || jsonb_build_object(
                                   'state_label', (select cl.label from public.code_labels cl where cl.code_set = 'install_item_state' and cl.code = i.state),
                                   'kind_label', (select cl.label from public.code_labels cl where cl.code_set = 'install_item_kind' and cl.code = i.kind)) order by i.position), '[]')
                                 from public.install_run_items i where i.run_id = r.id))
                     order by r.starts_at, r.id), '[]')
                     from public.install_runs r where r.lead_id = p_lead),
    'agents', (select coalesce(json_agg(json_build_object(
                 'id', a.id, 'deal_id', a.deal_id, 'name', a.name, 'key_prefix', a.key_prefix, 'created_at', a.created_at,
                 'status', a.status, 'status_label', (select cl.label from public.code_labels cl where cl.code_set = 'agent_status' and cl.code = a.status::text),
                 'status_changed_at', a.status_changed_at, 'paused', a.paused, 'last_heartbeat_at', a.last_heartbeat_at,
                 'last_status', a.last_status, 'last_status_label', (select cl.label from public.code_labels cl where cl.code_set = 'heartbeat_status' and cl.code = a.last_status::text),
                 'last_error_class', a.last_error_class,
                 'last_error_class_label', (select ec.title from public.error_classes ec where ec.key = a.last_error_class),
                 'agent_version', a.agent_version,
                 'expected_interval', a.expected_interval, 'grace_period', a.grace_period, 'snoozed_until', a.snoozed_until,
                 'revoked_at', a.revoked_at,
                 'heartbeats', (select json_build_object('count', count(*), 'first_at', min(hb.received_at), 'last_at', max(hb.received_at))
                                from public.agent_heartbeats hb where hb.agent_id = a.id),
                 'maintenance_windows', (select coalesce(json_agg(to_jsonb(m) order by m.starts_at), '[]')
                                         from public.agent_maintenance_windows m where m.agent_id = a.id),
                 'commands', (select coalesce(json_agg(to_jsonb(cmd) || jsonb_build_object(
                                'kind_label', (select cl.label from public.code_labels cl where cl.code_set = 'command_kind' and cl.code = cmd.kind),
                                'status_label', (select cl.label from public.code_labels cl where cl.code_set = 'command_status' and cl.code = cmd.status::text)) order by cmd.requested_at), '[]')
                              from public.agent_commands cmd where cmd.agent_id = a.id))
               order by a.created_at, a.id), '[]')
               from public.agents a where a.lead_id = p_lead),
    'incidents', (select coalesce(json_agg(to_jsonb(i) || jsonb_build_object(
                    'status_label', (select cl.label from public.code_labels cl where cl.code_set = 'incident_status' and cl.code = i.status::text),
                    'severity_label', (select cl.label from public.code_labels cl where cl.code_set = 'severity' and cl.code = i.severity),
                    'error_class_label', (select ec.title from public.error_classes ec where ec.key = i.error_class),
                    'events', (select coalesce(jsonb_agg(to_jsonb(ev) || jsonb_build_object('kind_label', (select cl.label from public.code_labels cl where cl.code_set = 'incident_event' and cl.code = ev.kind))
                                                         order by ev.at, ev.id), '[]')
                               from public.incident_events ev where ev.incident_id = i.id))
                  order by i.opened_at, i.id), '[]')
                  from public.incidents i where i.id in (select id from incident_ids)),
    'workflows', (select coalesce(json_agg(to_jsonb(w) || jsonb_build_object(
                    'origin_label', (select cl.label from public.code_labels cl where cl.code_set = 'workflow_origin' and cl.code = w.origin),
                    'last_state_label', (select cl.label from public.code_labels cl where cl.code_set = 'workflow_run_state' and cl.code = w.last_state)) order by w.created_at, w.id), '[]')
                  from public.agent_workflows w where w.agent_id in (select id from agent_ids)),
    'alerts', (select coalesce(json_agg(to_jsonb(al) || jsonb_build_object(
                 'kind_label', (select k.label from public.alert_kinds k where k.kind = al.kind),
                 'severity_label', (select cl.label from public.code_labels cl where cl.code_set = 'severity' and cl.code = al.severity::text),
                 'subject_type_label', (select cl.label from public.code_labels cl where cl.code_set = 'alert_subject_type' and cl.code = al.subject_type),
                 'deliveries', (select coalesce(jsonb_agg(to_jsonb(ad) || jsonb_build_object(
                                  'channel_label', (select cl.label from public.code_labels cl where cl.code_set = 'alert_channel' and cl.code = ad.channel),
                                  'state_label', (select cl.label from public.code_labels cl where cl.code_set = 'alert_delivery_state' and cl.code = ad.state::text)) order by ad.id), '[]')
                                from public.alert_deliveries ad where ad.alert_id = al.id))
               order by al.occurred_at, al.id), '[]')
               from concerning_alerts al),
    -- erasures recorded for the lead (no personal data). Objections are keyed hashes without a lead: not exportable
    -- per lead (docs/datenschutz.md).
    'erasures', (select coalesce(json_agg(to_jsonb(er) || jsonb_build_object('reason_label', (select cl.label from public.code_labels cl where cl.code_set = 'erasure_reason' and cl.code = er.reason),
                                            'counts_label', (select json_object_agg(coalesce(cl.label, c.key), c.value order by c.key)
                                                             from jsonb_each(er.counts) c left join public.code_labels cl on cl.code_set = 'table' and cl.code = c.key))
                                          order by er.erased_at), '[]')
                 from public.erasures er where er.lead_id = p_lead)
  )
  from lead l
$$;
