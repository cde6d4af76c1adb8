-- The Auskunft (Art. 15) speaks German: public.code_labels (German labels of codes without a catalogue of their own)
-- and public.lead_export with a <field>_label beside every code (the codes stay: API stability).

-- German labels of codes that had no catalogue in SQL yet (many only as constants of the status center,
-- web/status/src): one row per (set, code). The Auskunft (public.lead_export) reads them, so the person reads
-- "Kontaktiert" and "offen" instead of CONTACTED and OPEN. The status center keeps its constants; CodeLabelsTests
-- keeps each set named there equal to its constant. Codes with their own catalogue (lead_stages, lost_reasons,
-- alert_kinds, error_classes, touchpoint_note_codes, packages, playbooks) are not repeated here. The rows:
-- reference_data.sql; changed by migration only.
create table public.code_labels (
  code_set text not null check (code_set ~ '^[a-z][a-z_]{2,40}$'),
  code text not null check (char_length(code) between 1 and 60),
  label text not null check (char_length(label) between 1 and 80),
  primary key (code_set, code)
);

alter table public.code_labels enable row level security;
revoke all on public.code_labels from anon;
revoke insert, update, delete, truncate, references, trigger on public.code_labels from authenticated, service_role;
grant select on public.code_labels to authenticated, leitstand_functions;
create policy code_labels_team on public.code_labels for select to authenticated using ((select public.is_team_member()));
create policy code_labels_functions on public.code_labels for select to leitstand_functions using (true);

insert into public.code_labels (code_set, code, label) values
  -- kept equal to the status center's constants by CodeLabelsTests (web/status/src: file and constant named there)
  ('contact_basis', 'cold', 'Kaltakquise (keine Einwilligung)'),
  ('contact_basis', 'referral', 'Empfehlung'),
  ('contact_basis', 'existing_customer', 'Bestandskunde'),
  ('contact_basis', 'form', 'Formular (mit Einwilligung)'),
  ('handle_channel', 'instagram', 'Instagram'),
  ('handle_channel', 'x', 'X'),
  ('handle_channel', 'linkedin', 'LinkedIn'),
  ('handle_channel', 'other', 'anderer Kanal'),
  ('task_outcome_channel', 'dm', 'Direktnachricht'),
  ('task_outcome_channel', 'email', 'E-Mail'),
  ('task_outcome_channel', 'call', 'Anruf'),
  ('task_outcome_channel', 'meeting', 'Termin'),
  ('deal_status', 'OPEN', 'offen'),
  ('deal_status', 'WON', 'gewonnen'),
  ('deal_status', 'LOST', 'verloren'),
  ('install_item_state', 'open', 'offen'),
  ('install_item_state', 'done', 'erledigt'),
  ('install_item_state', 'skipped', 'übersprungen'),
  ('install_item_state', 'not_applicable', 'nicht anwendbar'),
  ('agent_status', 'new', 'Neu (noch kein Heartbeat)'),
  ('agent_status', 'up', 'Läuft'),
  ('agent_status', 'late', 'Verspätet'),
  ('agent_status', 'down', 'Ausgefallen'),
  ('agent_status', 'paused', 'Pausiert'),
  ('severity', 'info', 'Info'),
  ('severity', 'warning', 'Warnung'),
  ('severity', 'critical', 'Kritisch'),
  ('incident_status', 'open', 'offen'),
  ('incident_status', 'acknowledged', 'übernommen'),
  ('incident_status', 'resolved', 'behoben'),
  ('incident_event', 'opened', 'Geöffnet'),
  ('incident_event', 'acknowledged', 'Übernommen'),
  ('incident_event', 'restart_requested', 'Neustart angefordert'),
  ('incident_event', 'restart_delivered', 'Neustart ausgeliefert'),
  ('incident_event', 'restart_acknowledged', 'Neustart vom Agenten bestätigt'),
  ('incident_event', 'healthy_again', 'Wieder gesund'),
  ('incident_event', 'escalated', 'Eskaliert'),
  ('incident_event', 'resolved', 'Behoben'),
  ('incident_event', 'alert_delivered', 'Alarm zugestellt'),
  ('incident_event', 'alert_failed', 'Alarm nicht zugestellt'),
  ('command_status', 'pending', 'wartet'),
  ('command_status', 'delivered', 'ausgeliefert'),
  ('command_status', 'acknowledged', 'bestätigt'),
  ('command_status', 'expired', 'abgelaufen'),
  ('workflow_run_state', 'in_progress', 'läuft'),
  ('workflow_run_state', 'ok', 'erfolgreich'),
  ('workflow_run_state', 'error', 'fehlgeschlagen'),
  ('alert_channel', 'slack', 'Slack'),
  ('alert_channel', 'teams', 'Teams'),
  ('alert_channel', 'telegram', 'Telegram'),
  ('alert_channel', 'email', 'E-Mail'),
  ('alert_channel', 'webhook', 'Webhook'),
  ('alert_delivery_state', 'pending', 'wartet'),
  ('alert_delivery_state', 'sending', 'wird gesendet'),
  ('alert_delivery_state', 'delivered', 'zugestellt'),
  ('alert_delivery_state', 'failed', 'fehlgeschlagen'),
  ('alert_delivery_state', 'suppressed', 'unterdrückt'),
  ('erasure_reason', 'request', 'Antrag der Person (Art. 17 Abs. 1 lit. a)'),
  ('erasure_reason', 'objection', 'Widerspruch (Art. 21, Art. 17 Abs. 1 lit. c)'),
  ('erasure_reason', 'consent_withdrawn', 'Einwilligung widerrufen (Art. 17 Abs. 1 lit. b)'),
  ('erasure_reason', 'other', 'Anderer Grund'),
  -- only here (the status center shows these codes nowhere, or writes the word inline)
  ('touchpoint_direction', 'INBOUND', 'eingehend'),
  ('touchpoint_direction', 'OUTBOUND', 'ausgehend'),
  ('touchpoint_channel', 'landing_page', 'Landingpage'),
  ('touchpoint_channel', 'email', 'E-Mail'),
  ('touchpoint_channel', 'phone', 'Telefon'),
  ('touchpoint_channel', 'instagram', 'Instagram'),
  ('touchpoint_channel', 'x', 'X'),
  ('touchpoint_channel', 'linkedin', 'LinkedIn'),
  ('touchpoint_channel', 'call', 'Anruf'),
  ('touchpoint_channel', 'other', 'anderer Kanal'),
  ('touchpoint_kind', 'form_submission', 'Formular abgeschickt'),
  ('touchpoint_kind', 'dm', 'Direktnachricht'),
  ('touchpoint_kind', 'email', 'E-Mail'),
  ('touchpoint_kind', 'call', 'Anruf'),
  ('touchpoint_kind', 'meeting', 'Termin'),
  ('touchpoint_kind', 'note', 'Notiz'),
  ('touchpoint_kind', 'follow_up', 'Follow-up'),
  ('task_kind', 'manual', 'Aufgabe'),
  ('task_kind', 'first_contact', 'Erstkontakt'),
  ('task_kind', 'follow_up', 'Follow-up'),
  ('task_kind', 'stale', 'Lange keine Bewegung'),
  ('task_kind', 'call_prep', 'Call vorbereiten'),
  ('task_kind', 'overdue_summary', 'Überfällige Aufgaben'),
  ('task_kind', 'kpi_shortfall', 'Wochenziel in Gefahr'),
  ('task_kind', 'qualify', 'Qualifizieren'),
  ('task_kind', 'book_call', 'Call buchen'),
  ('task_kind', 'call_follow_up', 'Nachfassen nach dem Call'),
  ('task_kind', 'mark_lost', 'Als verloren abschließen'),
  ('task_kind', 'onboarding', 'Onboarding'),
  ('task_kind', 'install', 'Installation'),
  ('task_status', 'OPEN', 'offen'),
  ('task_status', 'DONE', 'erledigt'),
  ('task_status', 'CANCELLED', 'abgebrochen'),
  ('task_priority', 'normal', 'normal'),
  ('task_priority', 'high', 'hoch'),
  ('task_outcome', 'done', 'erledigt'),
  ('task_outcome', 'skipped', 'übersprungen'),
  ('deal_change', 'created', 'angelegt'),
  ('deal_change', 'corrected', 'korrigiert'),
  ('onboarding_state', 'draft', 'Entwurf'),
  ('onboarding_state', 'submitted', 'Abgeschickt'),
  ('install_run_state', 'booked', 'gebucht'),
  ('install_run_state', 'finished', 'abgeschlossen'),
  ('install_item_kind', 'check', 'Prüfpunkt'),
  ('install_item_kind', 'workflow', 'Workflow'),
  ('install_item_kind', 'monitoring', 'Monitoring'),
  ('heartbeat_status', 'ok', 'in Ordnung'),
  ('heartbeat_status', 'degraded', 'eingeschränkt'),
  ('heartbeat_status', 'error', 'Fehler'),
  ('command_kind', 'restart', 'Neustart'),
  ('workflow_origin', 'onboarding', 'aus dem Onboarding'),
  ('workflow_origin', 'client', 'vom Agenten angemeldet'),
  ('alert_subject_type', 'incident', 'Störung'),
  ('alert_subject_type', 'agent', 'Agent'),
  ('alert_subject_type', 'lead', 'Kontakt'),
  ('alert_subject_type', 'deal', 'Auftrag'),
  ('alert_subject_type', 'alert', 'Benachrichtigung'),
  ('alert_subject_type', 'channel', 'Kanal'),
  ('alert_subject_type', 'team', 'Team'),
  ('alert_subject_type', 'kpi', 'Kennzahlen');

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
    'onboarding_answers', (select coalesce(json_agg(to_jsonb(o) || jsonb_build_object('state_label', (select cl.label from public.code_labels cl where cl.code_set = 'onboarding_state' and cl.code = o.state))
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
    'erasures', (select coalesce(json_agg(to_jsonb(er) || jsonb_build_object('reason_label', (select cl.label from public.code_labels cl where cl.code_set = 'erasure_reason' and cl.code = er.reason))
                                          order by er.erased_at), '[]')
                 from public.erasures er where er.lead_id = p_lead)
  )
  from lead l
$$;
