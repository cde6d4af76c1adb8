-- Retention (docs/datenschutz.md, "Speicherdauer"): what may no longer be kept is anonymised or deleted once a day
-- by public.apply_retention (timer ApplyRetention, shared/Retention/ApplyRetention.cs), one set-based statement per
-- run, and each run is kept with its counts per rule in public.retention_runs (the status center shows the latest).
--
-- Leads are anonymised in place, never deleted (leads.erased_at): their stage history, created_at, utm_source and
-- deals stay, so the KPI board counts them as before (its kept figures in kpi_period_figures are not even touched:
-- an update of the personal fields changes nothing the board counts). Personal fields: name ('Gelöscht'), e-mail,
-- phone, company, message, handle, lost reason; the touchpoints' notes; the tasks' titles and details (open tasks
-- are cancelled); onboarding answers and links (deleted); install items' free-text reasons; agent names.
-- Won deals stay as accounting records (§ 257 HGB, § 147 AO: amount, date, package; the person is gone from the
-- lead row).
--
-- The rules (periods from the settings Retention__*, Pipeline__LostRetentionDays; defaults in
-- web/landing/retention.json, which the privacy page and docs/datenschutz.md state):
--   open_leads             a lead in NEW … CALL_BOOKED whose last contact (its newest touchpoint, stage change or
--                          creation) is more than p_open_lead_months ago
--   uncontacted_prospects  a cold prospect (contact_basis 'cold') never contacted (no touchpoint at all), created
--                          more than p_uncontacted_months ago
--   lost_leads             a LOST lead past its delete_after (set when it was lost: Pipeline__LostRetentionDays)
--   customers              a WON lead whose contract ended more than p_customer_months ago: no running retainer
--                          (a won RETAINER deal without ends_on), no agent still monitored (revoked_at empty), and
--                          the contract's end = the latest of its won deals' end (retainer ends_on, else won_at),
--                          its agents' revocation, its last stage change and its last touchpoint
--   incidents              resolved incidents (with their events) resolved more than p_incident_months ago
--   outbox                 sent outbox messages sent more than p_outbox_days ago
--   alerts                 alerts (with their delivery log) created more than p_alert_days ago, none still
--                          pending or sending, not about an incident that is still open
--   rate_limits            rate-limit windows older than p_rate_limit_days
--   key_handovers          agent key handovers past their expiry
-- Heartbeats and status flips: public.agent_heartbeats / agent_status_flips, pruned by PruneMonitoringHistory
-- (Monitoring__HeartbeatRetentionDays, Monitoring__FlipRetentionDays), as before.

-- An erased lead gets no new task: trigger tasks_skip_erased_leads in privacy.sql (Art. 17), which anonymises the
-- same way (leads.erased_at).

create table public.retention_runs (
  id bigint generated always as identity primary key,
  run_at timestamptz not null,
  -- rows anonymised or deleted per rule (the keys above)
  counts jsonb not null check (jsonb_typeof(counts) = 'object'),
  -- the periods the run applied (months, days)
  periods jsonb not null check (jsonb_typeof(periods) = 'object'),
  took_ms integer check (took_ms >= 0)
);
create index retention_runs_run_at_idx on public.retention_runs (run_at desc);

-- The leads due by p_at, each with the one rule that makes it due (the first that applies, in this order).
-- Without "set search_path" (every name in it is qualified; it is not security definer, so it runs with the caller's
-- rights and search path): only a function without settings is inlined into its caller, and inlined the planner
-- estimates its rows from the leads' statistics instead of a fixed 1,000. apply_retention then joins a backlog of
-- 200,000 due leads by hash instead of 200,000 index lookups per table (lead_touchpoints: 2.7 s for no row), and a
-- daily handful still by index.
create function public.retention_due_leads(p_at timestamptz, p_open_lead_months integer, p_uncontacted_months integer,
                                           p_customer_months integer)
returns table (lead_id uuid, rule text)
language sql stable as $$
  with cutoffs as (
    select p_at - make_interval(months => p_open_lead_months) as open_before,
           p_at - make_interval(months => p_uncontacted_months) as uncontacted_before,
           p_at - make_interval(months => p_customer_months) as customer_before
  )
  select l.id,
         case when l.stage = 'LOST' then 'lost_leads'
              when l.stage = 'WON' then 'customers'
              when l.contact_basis = 'cold'
                   and not exists (select 1 from public.lead_touchpoints t where t.lead_id = l.id) then 'uncontacted_prospects'
              else 'open_leads' end
  from public.leads l, cutoffs c
  where l.erased_at is null
    and (
      (l.stage = 'LOST' and l.delete_after <= p_at)
      or (l.stage in ('NEW', 'CONTACTED', 'REPLIED', 'QUALIFIED', 'CALL_BOOKED')
          and greatest(l.created_at, l.stage_changed_at) < c.uncontacted_before
          and (
            -- never contacted cold prospect
            (l.contact_basis = 'cold' and not exists (select 1 from public.lead_touchpoints t where t.lead_id = l.id))
            -- any open lead: no contact since the cutoff
            or (greatest(l.created_at, l.stage_changed_at) < c.open_before
                and not exists (select 1 from public.lead_touchpoints t where t.lead_id = l.id and t.occurred_at >= c.open_before))))
      or (l.stage = 'WON'
          and l.stage_changed_at < c.customer_before
          and not exists (select 1 from public.deals d where d.lead_id = l.id and d.status = 'WON'
                            and (d.package = 'RETAINER' and d.ends_on is null
                                 or coalesce(((d.ends_on + 1)::timestamp at time zone 'Europe/Berlin'), d.won_at) >= c.customer_before))
          and not exists (select 1 from public.agents a where a.lead_id = l.id
                            and (a.revoked_at is null or a.revoked_at >= c.customer_before))
          and not exists (select 1 from public.lead_touchpoints t where t.lead_id = l.id and t.occurred_at >= c.customer_before)))
$$;
revoke all on function public.retention_due_leads(timestamptz, integer, integer, integer) from public, anon, authenticated;
grant execute on function public.retention_due_leads(timestamptz, integer, integer, integer) to leitstand_functions;

-- One run: every rule in one statement, the run kept in public.retention_runs; returns the counts per rule.
-- Security definer: it deletes from tables the functions' role otherwise only reads or writes.
-- jit off: the statements of the triggers it fires (deal history, KPI figures) are estimated expensive over transition
-- tables and were compiled each run, longer than they run (1.8 s of the first run over a backlog, bench/README.md).
-- Anonymising a lead computes no search words (leads.search_document is empty once erased_at is set).
create function public.apply_retention(p_at timestamptz, p_open_lead_months integer, p_uncontacted_months integer,
                                       p_customer_months integer, p_incident_months integer, p_outbox_days integer,
                                       p_alert_days integer, p_rate_limit_days integer)
returns jsonb
language plpgsql security definer set search_path = '' set jit = off as $$
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
revoke all on function public.apply_retention(timestamptz, integer, integer, integer, integer, integer, integer, integer)
  from public, anon, authenticated;
grant execute on function public.apply_retention(timestamptz, integer, integer, integer, integer, integer, integer, integer)
  to leitstand_functions;

alter table public.retention_runs enable row level security;
revoke all on public.retention_runs from anon;
revoke truncate, references, trigger on public.retention_runs from authenticated, service_role;
revoke insert, update, delete on public.retention_runs from authenticated;
create policy retention_runs_team on public.retention_runs for select to authenticated
  using ((select public.is_team_member()));
grant select, insert on public.retention_runs to leitstand_functions;
create policy retention_runs_functions on public.retention_runs for all to leitstand_functions using (true) with check (true);
