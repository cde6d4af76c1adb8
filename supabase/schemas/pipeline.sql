-- Pipeline: the stage rules, enforced in the database for every writer (table editor, status center, SQL,
-- functions), the stage events in an outbox (pipeline_events) written in the same transaction as the change,
-- playbooks (task templates) as data, and the Supabase webhook where pg_net exists.
-- Stages: NEW → CONTACTED → REPLIED → QUALIFIED → CALL_BOOKED → WON/LOST (docs/pipeline.md).

-- ---------------------------------------------------------------------------------------------
-- Allowed stage moves. Everything not listed here is rejected by the trigger below. The moves:
-- reference_data.sql.
create table public.lead_stage_transitions (
  from_stage public.lead_stage not null,
  to_stage public.lead_stage not null,
  meaning text not null,
  primary key (from_stage, to_stage),
  check (from_stage <> to_stage)
);

-- ---------------------------------------------------------------------------------------------
-- Stage events: the outbox of the pipeline. Written by the trigger in the same transaction as the
-- stage change; processed exactly once by the functions (webhook fast path, timer catch-up).
create table public.pipeline_events (
  id bigint generated always as identity primary key,
  lead_id uuid not null references public.leads (id) on delete cascade,
  from_stage public.lead_stage,
  to_stage public.lead_stage not null,
  occurred_at timestamptz not null default now(),
  changed_by text not null,
  processed_at timestamptz,
  attempts integer not null default 0,
  last_error text
);
create index pipeline_events_pending_idx on public.pipeline_events (lead_id, id) where processed_at is null;
-- the daily list looks up a lead's latest stage event, and the events of a stage since a time
create index pipeline_events_lead_idx on public.pipeline_events (lead_id, to_stage, id);
create index pipeline_events_stage_idx on public.pipeline_events (to_stage, occurred_at);

-- ---------------------------------------------------------------------------------------------
-- The rules, enforced for every writer. Each refusal says which field it is about in the error's COLUMN
-- (and TABLE) fields (SQLSTATE 23514), so the status center's move endpoint (POST /api/leads/{id}/stage) shows
-- the reason at that field without reading the message text:
--   column stage        the move is not in public.lead_stage_transitions (or a new lead not in NEW)
--   column lost_reason  LOST without a reason (neither a code, lost_reason_code, nor a note; a note alone is
--                       counted as 'sonstiges')
--   column call_at      CALL_BOOKED without the call's date and time
--   table deals         WON without an open (or won) deal
create function public.enforce_lead_stage_rules() returns trigger
language plpgsql set search_path = '' as $$
declare
  allowed text;
begin
  if tg_op = 'INSERT' then
    if new.stage <> 'NEW' then
      raise exception 'Neue Leads beginnen in der Stufe NEW (nicht %). Die Stufe danach per Update ändern.', new.stage
        using errcode = 'check_violation', schema = 'public', table = 'leads', column = 'stage';
    end if;
    return new;
  end if;

  if new.stage is not distinct from old.stage then
    return new;
  end if;

  if not exists (select 1 from public.lead_stage_transitions t where t.from_stage = old.stage and t.to_stage = new.stage) then
    select string_agg(t.to_stage::text, ', ' order by t.to_stage) into allowed
    from public.lead_stage_transitions t where t.from_stage = old.stage;
    raise exception 'Stufenwechsel von % nach % ist nicht erlaubt.', old.stage, new.stage
      using errcode = 'check_violation',
            detail = format('Erlaubt ab %s: %s.', old.stage, coalesce(allowed, 'keine (Endstufe)')),
            hint = 'Die Regeln stehen in public.lead_stage_transitions und in docs/pipeline.md.',
            schema = 'public', table = 'leads', column = 'stage';
  end if;

  if new.stage = 'WON' and not exists (
       select 1 from public.deals d where d.lead_id = new.id and d.status in ('OPEN', 'WON')) then
    raise exception 'Für WON braucht der Lead einen Deal mit Paket (SETUP oder RETAINER) und Betrag in Cent (Tabelle deals).'
      using errcode = 'check_violation', schema = 'public', table = 'deals';
  end if;
  if new.stage = 'LOST' and new.lost_reason_code is null and coalesce(btrim(new.lost_reason), '') = '' then
    raise exception 'Für LOST bitte einen Grund in lost_reason angeben.'
      using errcode = 'check_violation', schema = 'public', table = 'leads', column = 'lost_reason';
  end if;
  if new.stage = 'LOST' then
    new.lost_reason_code := coalesce(new.lost_reason_code, 'sonstiges');
  end if;
  if new.stage = 'CALL_BOOKED' and new.call_at is null then
    raise exception 'Für CALL_BOOKED bitte call_at (Datum und Uhrzeit des Calls) setzen.'
      using errcode = 'check_violation', schema = 'public', table = 'leads', column = 'call_at';
  end if;

  if old.stage = 'LOST' then
    new.lost_reason := null;
    new.lost_reason_code := null;
    new.delete_after := null;
  end if;
  return new;
end
$$;
create trigger leads_stage_rules before insert or update of stage on public.leads
  for each row execute function public.enforce_lead_stage_rules();

-- History, event and deal status in the same transaction as the stage change: every insert and every stage
-- change writes a history row, whoever the writer is.
create function public.record_lead_stage_change() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  actor text := coalesce((select auth.uid())::text, session_user);
begin
  if tg_op = 'INSERT' then
    insert into public.lead_stage_history (lead_id, from_stage, to_stage, changed_at, changed_by)
    values (new.id, null, new.stage, new.stage_changed_at, actor);
    return null;
  end if;
  if new.stage is not distinct from old.stage then
    return null;
  end if;

  insert into public.lead_stage_history (lead_id, from_stage, to_stage, changed_at, changed_by)
  values (new.id, old.stage, new.stage, now(), actor);
  insert into public.pipeline_events (lead_id, from_stage, to_stage, occurred_at, changed_by)
  values (new.id, old.stage, new.stage, now(), actor);

  if new.stage = 'WON' then
    update public.deals set status = 'WON', won_at = now(), updated_at = now()
    where lead_id = new.id and status = 'OPEN';
  elsif new.stage = 'LOST' then
    update public.deals set status = 'LOST', updated_at = now()
    where lead_id = new.id and status = 'OPEN';
  end if;
  return null;
end
$$;
create trigger leads_stage_history after insert or update of stage on public.leads
  for each row execute function public.record_lead_stage_change();

-- ---------------------------------------------------------------------------------------------
-- Playbooks: the templates behind the tasks (follow-up sequence with its DM texts, qualification
-- script, call booking and preparation, onboarding, 5-hour install checklist). Data, editable by the
-- team without code; docs/vorlagen/ is rendered from these rows (a test keeps both equal). The rows:
-- reference_data.sql.
create table public.playbooks (
  key text primary key check (key ~ '^[a-z][a-z0-9_]{2,40}$'),
  trigger_stage public.lead_stage not null,
  title text not null check (char_length(title) between 1 and 120),
  description text not null check (char_length(description) <= 8000),
  document text not null check (document ~ '^[a-z0-9/_-]+\.md$'),
  position integer not null default 0
);

create table public.playbook_steps (
  playbook_key text not null references public.playbooks (key) on update cascade on delete cascade,
  step integer not null check (step between 1 and 99),
  kind text not null check (char_length(kind) between 1 and 60),
  -- placeholders: {name}, {vorname}, {firma}
  title text not null check (char_length(title) between 1 and 200),
  body text not null check (char_length(body) <= 4000),
  due_anchor text not null default 'stage_changed' check (due_anchor in ('stage_changed', 'call_at')),
  due_after interval not null,
  -- false: the step's task cannot be skipped (public.complete_task), e.g. the safety baseline of the install
  skippable boolean not null default true,
  primary key (playbook_key, step)
);

-- {name}, {vorname}, {firma} in playbook texts, filled when a task is read (public.task_text, tasks.sql; SQL, no
-- SET clause, so the planner inlines it).
create function public.playbook_text(p_text text, p_name text, p_company text)
returns text
language sql immutable as $$
  select replace(replace(replace(p_text, '{name}', p_name), '{vorname}', split_part(p_name, ' ', 1)),
                 '{firma}', coalesce(p_company, p_name))
$$;

-- ---------------------------------------------------------------------------------------------
-- The latest won deal of a lead (none if it has none): the deal its fulfilment tasks and its agent belong
-- to. Inlined like the function above.
create function public.latest_won_deal(p_lead uuid)
returns table (deal_id uuid)
language sql stable as $$
  select d.id from public.deals d
  where d.lead_id = p_lead and d.status = 'WON'
  order by d.won_at desc, d.amount_cents desc
  limit 1
$$;

-- The name of an agent made at WON: its package and the start of its id, no company or person.
create function public.agent_default_name(p_agent uuid, p_package public.deal_package)
returns text
language sql immutable as $$
  select 'Agent ' || coalesce(initcap(p_package::text) || ' ', '') || '#' || left(p_agent::text, 8)
$$;

-- What a batch of stage events sets in motion, in the caller's transaction (ProcessPipelineEvents claims
-- the events FOR UPDATE SKIP LOCKED and marks them processed in the same transaction, so each acts once;
-- the unique keys below make a repeat harmless anyway). p_won_ids/p_key_hashes/p_key_prefixes/p_sealed_keys:
-- a new agent key per WON event, made by the caller (hash, display prefix, sealed for the one-time handover).
-- Returns the outbox message ids of the "Deal gewonnen" alerts (sent after the commit).
create function public.process_pipeline_events(p_ids bigint[], p_lost_retention_days integer, p_queue text,
                                               p_won_ids bigint[] default '{}', p_key_hashes text[] default '{}',
                                               p_key_prefixes text[] default '{}', p_sealed_keys bytea[] default '{}')
returns uuid[]
language plpgsql set search_path = '' as $$
declare
  v_messages uuid[] := '{}';
begin
  -- LOST cancels every open task of the lead. Any other change makes the open tasks of the other sales
  -- stages' playbooks obsolete (e.g. REPLIED stops the follow-ups; a cancelled call, back to QUALIFIED, drops
  -- the call preparation), and so are a daily list's first contact and "Nachfassen", which belong to the
  -- stage the lead left. Fulfilment tasks (playbooks of WON) stay.
  update public.tasks t
  set status = 'CANCELLED', completed_at = now(),
      cancel_reason = case when e.to_stage = 'LOST' then 'Lead verloren'
                           else 'Stufe ' || e.to_stage::text || ' erreicht' end
  from public.pipeline_events e
  where e.id = any(p_ids) and t.lead_id = e.lead_id and t.status = 'OPEN'
    and (e.to_stage = 'LOST' or t.rule in ('first_contact', 'stale')
         or exists (select 1 from public.playbooks p
                    where p.key = t.playbook_key and p.trigger_stage not in ('WON', 'LOST') and p.trigger_stage <> e.to_stage));

  -- One task per playbook step of the new stage (public.playbook_step_tasks; the daily list shares this
  -- statement's unique key). A lead that has already moved on (a later change is waiting) gets no tasks for
  -- the stage it left. Fulfilment tasks point at the won deal.
  insert into public.tasks (lead_id, deal_id, kind, title, details, due_at, playbook_key, playbook_step, source_event_id)
  select e.lead_id, d.deal_id, st.kind, st.title, st.details, st.due_at, st.playbook_key, st.step, e.id
  from public.pipeline_events e
  join public.leads l on l.id = e.lead_id
  join public.playbooks p on p.trigger_stage = e.to_stage
  cross join lateral public.playbook_step_tasks(p.key, e.occurred_at, l.call_at) st
  left join lateral public.latest_won_deal(e.lead_id) d on e.to_stage = 'WON'
  where e.id = any(p_ids) and l.stage = e.to_stage
  on conflict (source_event_id, playbook_key, playbook_step) where source_event_id is not null do nothing;

  if exists (select 1 from public.pipeline_events e where e.id = any(p_won_ids) and e.to_stage = 'WON') then
    -- One monitoring record per won deal, with its key sealed for a one-time handover. Its name carries no
    -- personal data ("Agent Setup #1a2b3c4d": package and the start of its id); the status center shows the
    -- customer by reference (the lead, read at read time).
    with input as materialized (
      select i.*, gen_random_uuid() as agent_id
      from unnest(p_won_ids, p_key_hashes, p_key_prefixes, p_sealed_keys) as i(event_id, key_hash, key_prefix, sealed)
    ), created as (
      insert into public.agents (id, lead_id, deal_id, name, key_hash, key_prefix)
      select i.agent_id, e.lead_id, d.deal_id, public.agent_default_name(i.agent_id, dp.package), i.key_hash, i.key_prefix
      from input i
      join public.pipeline_events e on e.id = i.event_id and e.to_stage = 'WON' and e.id = any(p_ids)
      left join lateral public.latest_won_deal(e.lead_id) d on true
      left join public.deals dp on dp.id = d.deal_id
      where not exists (select 1 from public.agents a where a.lead_id = e.lead_id and a.deal_id is not distinct from d.deal_id)
      on conflict do nothing
      returning id, key_hash
    )
    insert into public.agent_key_handovers (agent_id, key_ciphertext)
    select c.id, i.sealed from created c join input i on i.key_hash = c.key_hash;

    -- "Deal gewonnen" through the alert contract (public.enqueue_alerts: outbox, sent after the commit), once per event.
    -- Its link opens the won deal (#/deals/<id>; the deal corrected away from WON meanwhile: the lead's latest deal).
    select public.enqueue_alerts(p_queue, coalesce(jsonb_agg(jsonb_build_object(
             'kind', 'deal_won', 'severity', 'info', 'dedupe_key', 'deal_won:' || m.event_id,
             'subject_type', 'deal', 'subject_id', m.deal_id,
             'title', 'Deal gewonnen',
             'text', format('Deal gewonnen: %s, %s €. Onboarding und Installation sind als Aufgaben angelegt; der Agent-Schlüssel wartet auf die einmalige Anzeige.',
                            m.packages, replace(to_char(m.amount_cents / 100.0, 'FM9999990.00'), '.', ',')),
             'occurred_at', m.occurred_at,
             'attributes', jsonb_build_object('deal_ids', m.deal_ids, 'amount_cents', m.amount_cents, 'lead_id', m.lead_id,
                                              'agent_id', m.agent_id, 'source_event_id', m.event_id)))
             filter (where m.deal_id is not null), '[]'::jsonb))
    into v_messages
    from (
      select e.id as event_id, e.lead_id, e.occurred_at,
             coalesce((select w.deal_id from public.latest_won_deal(e.lead_id) w),
                      (select d2.id from public.deals d2 where d2.lead_id = e.lead_id order by d2.created_at desc, d2.id limit 1)) as deal_id,
             coalesce(sum(d.amount_cents), 0) as amount_cents,
             coalesce(string_agg(initcap(d.package::text), ' + ' order by d.package), 'ohne Paket') as packages,
             coalesce(jsonb_agg(d.id order by d.package) filter (where d.id is not null), '[]'::jsonb) as deal_ids,
             (select a.id from public.agents a where a.lead_id = e.lead_id order by a.created_at desc limit 1) as agent_id
      from public.pipeline_events e
      left join public.deals d on d.lead_id = e.lead_id and d.status = 'WON'
      where e.id = any(p_won_ids) and e.to_stage = 'WON' and e.id = any(p_ids)
      group by e.id
    ) m;
  end if;

  -- A lost lead is deleted after the retention period (ApplyRetention).
  update public.leads l set delete_after = e.occurred_at + make_interval(days => p_lost_retention_days)
  from public.pipeline_events e
  where e.id = any(p_ids) and e.to_stage = 'LOST' and l.id = e.lead_id and l.stage = 'LOST';

  return coalesce(v_messages, '{}');
end
$$;

revoke all on function public.process_pipeline_events(bigint[], integer, text, bigint[], text[], text[], bytea[])
  from public, anon, authenticated;
grant execute on function public.process_pipeline_events(bigint[], integer, text, bigint[], text[], text[], bytea[])
  to leitstand_functions;

-- ---------------------------------------------------------------------------------------------
-- Supabase Database Webhook (only where pg_net exists, i.e. on Supabase): every new pipeline event
-- nudges POST /api/webhooks/supabase. URL and secret come from Supabase Vault (see README), never
-- from this repository. pg_net is fire-and-forget; the functions' timer catches up on anything missed.
create function public.notify_pipeline_webhook() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  url text;
  secret text;
begin
  select decrypted_secret into url from vault.decrypted_secrets where name = 'leitstand_webhook_url';
  select decrypted_secret into secret from vault.decrypted_secrets where name = 'leitstand_webhook_secret';
  if url is null or secret is null then
    return null;  -- not configured yet: the timer processes the events
  end if;
  perform net.http_post(
    url := url,
    body := jsonb_build_object('type', tg_op, 'table', tg_table_name, 'schema', tg_table_schema,
                               'record', jsonb_build_object('id', new.id, 'to_stage', new.to_stage), 'old_record', null),
    headers := jsonb_build_object('Content-Type', 'application/json', 'X-Webhook-Secret', secret),
    timeout_milliseconds := 5000);
  return null;
end
$$;
revoke all on function public.notify_pipeline_webhook() from public, anon, authenticated;

create function public.install_pipeline_webhook() returns boolean
language plpgsql set search_path = '' as $$
begin
  if not exists (select 1 from pg_catalog.pg_extension where extname = 'pg_net')
     or to_regclass('vault.decrypted_secrets') is null then
    return false;
  end if;
  drop trigger if exists pipeline_events_webhook on public.pipeline_events;
  create trigger pipeline_events_webhook after insert on public.pipeline_events
    for each row execute function public.notify_pipeline_webhook();
  return true;
end
$$;
revoke all on function public.install_pipeline_webhook() from public, anon, authenticated;

-- Installs the trigger pipeline_events_webhook where pg_net and Vault exist (false elsewhere, e.g. locally).
select public.install_pipeline_webhook();

-- ---------------------------------------------------------------------------------------------
-- Row level security
alter table public.lead_stage_transitions enable row level security;
alter table public.pipeline_events enable row level security;
alter table public.playbooks enable row level security;
alter table public.playbook_steps enable row level security;

revoke all on public.lead_stage_transitions, public.pipeline_events, public.playbooks, public.playbook_steps from anon;
revoke truncate, references, trigger on public.lead_stage_transitions, public.pipeline_events, public.playbooks,
  public.playbook_steps from authenticated, service_role;
revoke insert, update, delete on public.pipeline_events, public.lead_stage_transitions from authenticated;

create policy lead_stage_transitions_team on public.lead_stage_transitions for select to authenticated
  using ((select public.is_team_member()));
create policy pipeline_events_team on public.pipeline_events for select to authenticated
  using ((select public.is_team_member()));
create policy playbooks_team on public.playbooks for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy playbook_steps_team on public.playbook_steps for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));

grant select on public.lead_stage_transitions, public.playbooks, public.playbook_steps to leitstand_functions;
grant select, update on public.pipeline_events to leitstand_functions;
create policy lead_stage_transitions_functions on public.lead_stage_transitions for select to leitstand_functions using (true);
create policy pipeline_events_functions on public.pipeline_events for all to leitstand_functions using (true) with check (true);
create policy playbooks_functions on public.playbooks for select to leitstand_functions using (true);
create policy playbook_steps_functions on public.playbook_steps for select to leitstand_functions using (true);
