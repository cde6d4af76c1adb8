-- Issue 21, after merging its parts: the privacy functions fitted to each other.
-- * lost_reasons: the codes the privacy functions set (widerspruch, einwilligung_widerrufen), not offered in the LOST
--   form (column offered); stop_lead_contact sets the code, not a note.
-- * erase_lead: the stage history holds only codes (no free text to scrub); the lead's own lost-reason note goes.
-- * lead_export: tasks as the team sees them (placeholders filled), the exact consent text and its withdrawal, the
--   erasure records.
-- * apply_retention: a customer's won deals are restricted (restricted_until) as erase_lead does; the KPI figures
--   are kept when a deal update changes only what no figure reads (kpi_deals_changed).

alter table public.lost_reasons add column offered boolean not null default true;
insert into public.lost_reasons (code, label, position, offered) values
  ('widerspruch', 'Widerspruch (Art. 21)', 7, false),
  ('einwilligung_widerrufen', 'Einwilligung widerrufen', 8, false);

create or replace function public.stop_lead_contact(p_leads uuid[], p_lost_reason text, p_cancel_reason text)
returns table (leads_stopped integer, tasks_cancelled integer)
language sql set search_path = '' as $$
  with cancelled as (
    update public.tasks t
    set status = 'CANCELLED', completed_at = now(), cancel_reason = p_cancel_reason
    from public.leads l
    where l.id = any(p_leads) and t.lead_id = l.id and t.status = 'OPEN'
      and not (l.stage = 'WON' and t.deal_id is not null)
    returning t.id
  ), lost as (
    update public.leads l
    set stage = 'LOST', lost_reason_code = p_lost_reason, lost_reason = null
    where l.id = any(p_leads) and l.stage not in ('WON', 'LOST')
    returning l.id
  )
  select (select count(*)::int from public.leads l where l.id = any(p_leads)), (select count(*)::int from cancelled)
  from (select count(*) from lost) x
$$;

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
  select json_build_object(
    'export_version', 1,
    'generated_at', now(),
    'lead_id', l.id,
    'lead', to_jsonb(l) - 'search_document',
    'consent', json_build_object(
      'contact_basis', l.contact_basis, 'consent_at', l.consent_at, 'consent_text_version', l.consent_text_version,
      'consent_source', l.consent_source, 'consent_withdrawn_at', l.consent_withdrawn_at,
      'consent_text', (select c.text from public.consent_texts c where c.version = l.consent_text_version),
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
    -- title and details as the team sees them (stored with placeholders, filled from the lead at read time)
    'tasks', (select coalesce(json_agg(to_jsonb(t) || jsonb_build_object(
                'title', public.task_text(t.title, l.name, l.company, l.handle),
                'details', public.task_text(t.details, l.name, l.company, l.handle)) order by t.created_at, t.id), '[]')
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
               from concerning_alerts al),
    -- erasures recorded for the lead (no personal data). Objections are keyed hashes without a lead: not exportable
    -- per lead (docs/datenschutz.md).
    'erasures', (select coalesce(json_agg(to_jsonb(er) order by er.erased_at), '[]') from public.erasures er where er.lead_id = p_lead)
  )
  from lead l
$$;

create or replace function public.erase_lead(p_lead uuid, p_reason text, p_at timestamptz)
returns table (result text, erasure_id uuid)
language plpgsql security definer set search_path = '' as $$
declare
  v_lead public.leads;
  v_by uuid := (select auth.uid());
  v_terms text[];
  v_pattern text;
  v_task_pattern text;
  v_task_titles text[];
  v_deals uuid[];
  v_counts jsonb := '{}';
  v_rows integer;
  v_more integer;
  v_id uuid;
begin
  if not public.is_team_member() then
    result := 'forbidden';
    return next;
    return;
  end if;
  select * into v_lead from public.leads l where l.id = p_lead for update;
  if not found then
    result := 'not_found';
    return next;
    return;
  end if;
  select e.id into v_id from public.erasures e where e.lead_id = p_lead;
  if found then
    result := 'already';
    erasure_id := v_id;
    return next;
    return;
  end if;

  -- what is erased everywhere: the person's strings as they are stored now, and what was derived from them
  v_deals := array(select d.id from public.deals d where d.lead_id = p_lead);
  v_task_titles := array(select distinct t.title from public.tasks t where t.lead_id = p_lead);
  v_terms := array[v_lead.name, v_lead.email, v_lead.phone, v_lead.handle, v_lead.company];
  v_pattern := public.erasure_pattern(v_terms);
  v_task_pattern := public.erasure_pattern(v_terms || v_task_titles, array[split_part(btrim(v_lead.name), ' ', 1)]);
  perform set_config('leitstand.deal_change_reason', public.erased_text(), true);

  update public.lead_touchpoints tp set note = null where tp.lead_id = p_lead and tp.note is not null;
  get diagnostics v_rows = row_count;
  v_counts := v_counts || jsonb_build_object('lead_touchpoints', v_rows);

  -- the lead's tasks (its deals' tasks carry its id too): neutral, the open ones cancelled; then the texts of other
  -- tasks that named it
  update public.tasks t set title = 'Aufgabe zu einem gelöschten Lead (Art. 17)', details = null,
    attributes = public.erasure_scrub(t.attributes, v_task_pattern),
    cancel_reason = case when t.status = 'OPEN' then 'Lead gelöscht (Art. 17)' else public.erasure_scrub(t.cancel_reason, v_task_pattern) end,
    status = case when t.status = 'OPEN' then 'CANCELLED'::public.task_status else t.status end,
    completed_at = case when t.status = 'OPEN' then p_at else t.completed_at end
  where t.lead_id = p_lead;
  get diagnostics v_rows = row_count;
  update public.tasks t set title = left(public.erasure_scrub(t.title, v_task_pattern), 200),
    details = left(public.erasure_scrub(t.details, v_task_pattern), 4000)
  where t.lead_id is null and t.deal_id is null and (t.title ~* v_task_pattern or t.details ~* v_task_pattern);
  get diagnostics v_more = row_count;
  v_counts := v_counts || jsonb_build_object('tasks', v_rows + v_more);

  -- the stage history keeps only the lost reason's code (lost_reasons), no free text: nothing to erase there

  update public.kpi_period_figures f set figures = public.erasure_scrub(f.figures, v_pattern)
  where f.figures::text ~* v_pattern;
  get diagnostics v_rows = row_count;
  v_counts := v_counts || jsonb_build_object('kpi_period_figures', v_rows);

  update public.pipeline_events e set last_error = public.erasure_scrub(e.last_error, v_pattern)
  where e.lead_id = p_lead and e.last_error ~* v_pattern;
  get diagnostics v_rows = row_count;
  v_counts := v_counts || jsonb_build_object('pipeline_events', v_rows);

  -- deals: the person's strings out of the reasons; won ones restricted until their retention ends
  update public.deals d set price_reason = public.erasure_scrub(d.price_reason, v_pattern),
    restricted_until = case when d.status = 'WON'
      then make_date(extract(year from d.won_at at time zone 'Europe/Berlin')::integer + 10, 12, 31) end
  where d.id = any(v_deals);
  get diagnostics v_rows = row_count;
  v_counts := v_counts || jsonb_build_object('deals', v_rows);
  update public.deal_history h set reason = public.erasure_scrub(h.reason, v_pattern),
    old_values = public.erasure_scrub(h.old_values, v_pattern), new_values = public.erasure_scrub(h.new_values, v_pattern)
  where h.deal_id = any(v_deals) and (h.reason ~* v_pattern or h.old_values::text ~* v_pattern or h.new_values::text ~* v_pattern);
  get diagnostics v_rows = row_count;
  v_counts := v_counts || jsonb_build_object('deal_history', v_rows);

  v_counts := v_counts || public.erase_lead_operations(p_lead, v_terms, p_reason, p_at, v_lead.created_at);

  -- last the lead itself (the strings above were read from it)
  update public.leads l set name = public.erased_text(), email = null, phone = null, company = null, message = null,
    handle = null, handle_channel = null, consent_source = null,
    lost_reason = null, erased_at = p_at
  where l.id = p_lead;
  get diagnostics v_rows = row_count;
  v_counts := jsonb_build_object('leads', v_rows) || v_counts;

  insert into public.erasures (lead_id, erased_at, erased_by, reason, counts)
  values (p_lead, p_at, v_by, p_reason, v_counts)
  returning id into v_id;
  result := 'erased';
  erasure_id := v_id;
  return next;
end
$$;

create or replace function public.apply_retention(p_at timestamptz, p_open_lead_months integer, p_uncontacted_months integer,
                                       p_customer_months integer, p_incident_months integer, p_outbox_days integer,
                                       p_alert_days integer, p_rate_limit_days integer)
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_started timestamptz := clock_timestamp();
  v_counts jsonb;
begin
  if p_at is null or least(p_open_lead_months, p_uncontacted_months, p_customer_months, p_incident_months,
                           p_outbox_days, p_alert_days, p_rate_limit_days) is null
     or least(p_open_lead_months, p_uncontacted_months, p_customer_months, p_incident_months,
              p_outbox_days, p_alert_days, p_rate_limit_days) < 1 then
    raise exception 'apply_retention: every period must be at least 1' using errcode = 'invalid_parameter_value';
  end if;

  with due as materialized (
    select d.lead_id, d.rule from public.retention_due_leads(p_at, p_open_lead_months, p_uncontacted_months, p_customer_months) d
  ), leads as (
    update public.leads l set name = 'Gelöscht', email = null, phone = null, company = null, message = null,
      handle = null, handle_channel = null, lost_reason = null, delete_after = null, erased_at = p_at
    from due where l.id = due.lead_id
    returning 1
  ), restricted_deals as (
    -- a customer's won deals are accounting records (§257 HGB, §147 AO): kept without the person, restricted until
    -- the end of the 10th year after the year won (as public.erase_lead does)
    update public.deals d set restricted_until = make_date(extract(year from d.won_at at time zone 'Europe/Berlin')::integer + 10, 12, 31)
    from due where d.lead_id = due.lead_id and d.status = 'WON' and d.restricted_until is null
    returning 1
  ), touchpoints as (
    update public.lead_touchpoints t set note = null
    from due where t.lead_id = due.lead_id and t.note is not null
    returning 1
  ), tasks as (
    update public.tasks t set title = 'Aufgabe zu einem gelöschten Lead', details = null,
      status = case when t.status = 'OPEN' then 'CANCELLED'::public.task_status else t.status end,
      completed_at = case when t.status = 'OPEN' then p_at else t.completed_at end,
      cancel_reason = case when t.status = 'OPEN' then 'Aufbewahrungsfrist abgelaufen' else t.cancel_reason end
    from due where t.lead_id = due.lead_id
    returning 1
  ), answers as (
    delete from public.onboarding_answers a using due where a.lead_id = due.lead_id returning 1
  ), links as (
    delete from public.onboarding_links k using due where k.lead_id = due.lead_id returning 1
  ), install_items as (
    update public.install_run_items i set reason = 'Gelöscht'
    from public.install_runs r, due
    where r.lead_id = due.lead_id and i.run_id = r.id and i.reason is not null and i.reason <> 'Gelöscht'
    returning 1
  ), agents as (
    update public.agents a set name = 'Agent ' || a.key_prefix
    from due where a.lead_id = due.lead_id and a.name is distinct from 'Agent ' || a.key_prefix
    returning 1
  ), incidents as (
    delete from public.incidents i
    where i.status = 'resolved' and i.resolved_at < p_at - make_interval(months => p_incident_months)
    returning 1
  ), outbox as (
    delete from public.outbox_messages o where o.sent_at < p_at - make_interval(days => p_outbox_days) returning 1
  ), alerts as (
    delete from public.alerts a
    where a.created_at < p_at - make_interval(days => p_alert_days)
      and not exists (select 1 from public.alert_deliveries d where d.alert_id = a.id and d.state in ('pending', 'sending'))
      -- an open incident's alerts stay: its reminders read the opening alert, its escalation is deduplicated by key
      and not (a.subject_type = 'incident'
               and exists (select 1 from public.incidents i where i.id = a.subject_id and i.status <> 'resolved'))
    returning 1
  ), rate_limits as (
    delete from public.rate_limit_hits h where h.window_start < p_at - make_interval(days => p_rate_limit_days) returning 1
  ), handovers as (
    delete from public.agent_key_handovers k where k.expires_at <= p_at returning 1
  )
  select jsonb_build_object(
    'open_leads', (select count(*) from due where due.rule = 'open_leads'),
    'uncontacted_prospects', (select count(*) from due where due.rule = 'uncontacted_prospects'),
    'lost_leads', (select count(*) from due where due.rule = 'lost_leads'),
    'customers', (select count(*) from due where due.rule = 'customers'),
    'restricted_deals', (select count(*) from restricted_deals),
    'touchpoint_notes', (select count(*) from touchpoints),
    'tasks', (select count(*) from tasks),
    'onboarding', (select count(*) from answers) + (select count(*) from links),
    'install_reasons', (select count(*) from install_items),
    'agent_names', (select count(*) from agents),
    'incidents', (select count(*) from incidents),
    'outbox', (select count(*) from outbox),
    'alerts', (select count(*) from alerts),
    'rate_limits', (select count(*) from rate_limits),
    'key_handovers', (select count(*) from handovers),
    'leads_anonymised', (select count(*) from leads))
  into v_counts;

  insert into public.retention_runs (run_at, counts, periods, took_ms)
  values (p_at, v_counts,
          jsonb_build_object('open_lead_months', p_open_lead_months, 'uncontacted_prospect_months', p_uncontacted_months,
                             'customer_months', p_customer_months, 'incident_months', p_incident_months,
                             'outbox_days', p_outbox_days, 'alert_days', p_alert_days, 'rate_limit_days', p_rate_limit_days),
          greatest(0, (extract(epoch from clock_timestamp() - v_started) * 1000)::integer));
  return v_counts;
end
$$;

create or replace function public.kpi_deals_changed() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    perform public.forget_kpi_figures(array(select n.won_at from new_rows n where n.won_at is not null));
  elsif tg_op = 'DELETE' then
    perform public.forget_kpi_figures(array(select o.won_at from old_rows o where o.won_at is not null));
  else
    perform public.forget_kpi_figures(array(
      select t.won_at
      from new_rows n join old_rows o on o.id = n.id
      cross join lateral (select n.won_at union all select o.won_at) t(won_at)
      where t.won_at is not null
        and (to_jsonb(n) - 'restricted_until' - 'price_reason') is distinct from (to_jsonb(o) - 'restricted_until' - 'price_reason')));
  end if;
  return null;
end
$$;
