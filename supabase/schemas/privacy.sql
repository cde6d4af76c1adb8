-- Privacy (issue 21, "Datenschutz by design"): Auskunft, Löschung, Widerspruch. One section per branch.

-- ===== dsgvo-export: Auskunft (Art. 15) =====
-- Everything stored about one person (a lead), as one JSON document in one round trip: GET /api/leads/{id}/export
-- (functions/Privacy) serves it as JSON and as a German page. Runs as the caller (security invoker): under the team
-- member's claims the RLS policies decide, as for every team read; a non-member or an unknown id gets null.
-- Agents without key_hash/previous_key_hash (the columns authenticated may not read), onboarding links without token
-- (the token is signed, never stored). Timestamps in UTC (the function sets TimeZone).
-- A new table about the person joins in ONE place: a new key of the top-level json_build_object below
-- (see "later sections": consent_texts, objections, erasures of the other issue-21 branches).
create function public.lead_export(p_lead uuid) returns json
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
  select json_build_object(
    'export_version', 1,
    'generated_at', now(),
    'lead_id', l.id,
    'lead', to_jsonb(l) - 'search_document',
    'consent', json_build_object(
      'contact_basis', l.contact_basis, 'consent_at', l.consent_at, 'consent_text_version', l.consent_text_version,
      'consent_source', l.consent_source,
      'touchpoint_consent_versions', (select coalesce(json_agg(distinct tp.consent_text_version), '[]')
                                      from public.lead_touchpoints tp where tp.lead_id = p_lead and tp.consent_text_version is not null)),
    'touchpoints', (select coalesce(json_agg(to_jsonb(tp) || jsonb_build_object('note_label', c.label) order by tp.occurred_at, tp.id), '[]')
                    from public.lead_touchpoints tp left join public.touchpoint_note_codes c on c.code = tp.note_code
                    where tp.lead_id = p_lead),
    'stage_history', (select coalesce(json_agg(to_jsonb(h) order by h.changed_at, h.id), '[]')
                      from public.lead_stage_history h where h.lead_id = p_lead),
    'pipeline_events', (select coalesce(json_agg(json_build_object('id', e.id, 'from_stage', e.from_stage, 'to_stage', e.to_stage,
                                                'occurred_at', e.occurred_at, 'changed_by', e.changed_by, 'processed_at', e.processed_at)
                                      order by e.id), '[]')
                        from public.pipeline_events e where e.lead_id = p_lead),
    'tasks', (select coalesce(json_agg(to_jsonb(t) order by t.created_at, t.id), '[]')
              from public.tasks t where t.lead_id = p_lead or t.deal_id in (select id from deal_ids)),
    'deals', (select coalesce(json_agg(to_jsonb(d) || jsonb_build_object('history',
                (select coalesce(jsonb_agg(to_jsonb(dh) order by dh.id), '[]') from public.deal_history dh where dh.deal_id = d.id))
              order by d.created_at, d.id), '[]')
              from public.deals d where d.lead_id = p_lead),
    'onboarding_answers', (select coalesce(json_agg(to_jsonb(o) order by o.template_version), '[]')
                           from public.onboarding_answers o where o.lead_id = p_lead),
    'onboarding_links', (select coalesce(json_agg(to_jsonb(k)), '[]') from public.onboarding_links k where k.lead_id = p_lead),
    'install_runs', (select coalesce(json_agg(to_jsonb(r) || jsonb_build_object('items',
                       (select coalesce(jsonb_agg(to_jsonb(i) order by i.position), '[]') from public.install_run_items i where i.run_id = r.id))
                     order by r.starts_at, r.id), '[]')
                     from public.install_runs r where r.lead_id = p_lead),
    'agents', (select coalesce(json_agg(json_build_object(
                 'id', a.id, 'deal_id', a.deal_id, 'name', a.name, 'key_prefix', a.key_prefix, 'created_at', a.created_at,
                 'status', a.status, 'status_changed_at', a.status_changed_at, 'paused', a.paused, 'last_heartbeat_at', a.last_heartbeat_at,
                 'last_status', a.last_status, 'last_error_class', a.last_error_class, 'agent_version', a.agent_version,
                 'expected_interval', a.expected_interval, 'grace_period', a.grace_period, 'snoozed_until', a.snoozed_until,
                 'revoked_at', a.revoked_at,
                 'heartbeats', (select json_build_object('count', count(*), 'first_at', min(hb.received_at), 'last_at', max(hb.received_at))
                                from public.agent_heartbeats hb where hb.agent_id = a.id),
                 'maintenance_windows', (select coalesce(json_agg(to_jsonb(m) order by m.starts_at), '[]')
                                         from public.agent_maintenance_windows m where m.agent_id = a.id),
                 'commands', (select coalesce(json_agg(to_jsonb(cmd) order by cmd.requested_at), '[]')
                              from public.agent_commands cmd where cmd.agent_id = a.id))
               order by a.created_at, a.id), '[]')
               from public.agents a where a.lead_id = p_lead),
    'incidents', (select coalesce(json_agg(to_jsonb(i) || jsonb_build_object('events',
                    (select coalesce(jsonb_agg(to_jsonb(ev) order by ev.at, ev.id), '[]') from public.incident_events ev where ev.incident_id = i.id))
                  order by i.opened_at, i.id), '[]')
                  from public.incidents i where i.id in (select id from incident_ids)),
    'workflows', (select coalesce(json_agg(to_jsonb(w) order by w.created_at, w.id), '[]')
                  from public.agent_workflows w where w.agent_id in (select id from agent_ids)),
    'alerts', (select coalesce(json_agg(to_jsonb(al) || jsonb_build_object('deliveries',
                 (select coalesce(jsonb_agg(to_jsonb(ad) order by ad.id), '[]') from public.alert_deliveries ad where ad.alert_id = al.id))
               order by al.occurred_at, al.id), '[]')
               from concerning_alerts al)
    -- later sections (issue 21): one key each, e.g.
    --   'consent_texts', …  (dsgvo-objections: the exact text of l.consent_text_version)
    --   'objections', …     (dsgvo-objections)   'erasures', … (dsgvo-erase)
  )
  from lead l
$$;
revoke all on function public.lead_export(uuid) from public, anon;
grant execute on function public.lead_export(uuid) to authenticated;
