-- Pipeline automation: stage rules enforced in the database, stage events in an outbox
-- (pipeline_events) written in the same transaction as the change, playbooks (task templates) as data,
-- agents with hashed keys for monitoring, and the Supabase webhook where pg_net exists.

alter table public.leads add column call_at timestamptz;

-- ---------------------------------------------------------------------------------------------
-- Allowed stage moves. Everything not listed here is rejected by the trigger below.
create table public.lead_stage_transitions (
  from_stage public.lead_stage not null,
  to_stage public.lead_stage not null,
  meaning text not null,
  primary key (from_stage, to_stage),
  check (from_stage <> to_stage)
);

insert into public.lead_stage_transitions (from_stage, to_stage, meaning) values
  ('NEW', 'CONTACTED', 'Erstkontakt gesendet'),
  ('CONTACTED', 'REPLIED', 'Lead hat geantwortet'),
  ('REPLIED', 'QUALIFIED', 'Qualifiziert (15-Minuten-Gespräch)'),
  ('QUALIFIED', 'CALL_BOOKED', 'Call gebucht'),
  ('CALL_BOOKED', 'WON', 'Abschluss nach dem Call'),
  -- forward skips a real team needs: a lead books a call straight from the landing page or the first DM
  ('NEW', 'CALL_BOOKED', 'Lead hat direkt einen Termin gebucht'),
  ('CONTACTED', 'CALL_BOOKED', 'Termin direkt auf die Erstnachricht gebucht'),
  ('REPLIED', 'CALL_BOOKED', 'Termin gebucht, Qualifizierung im Call'),
  -- one step back: the call was cancelled or the lead did not show up; book again
  ('CALL_BOOKED', 'QUALIFIED', 'Call abgesagt oder nicht erschienen, neu buchen'),
  ('NEW', 'LOST', 'Verloren'),
  ('CONTACTED', 'LOST', 'Verloren'),
  ('REPLIED', 'LOST', 'Verloren'),
  ('QUALIFIED', 'LOST', 'Verloren'),
  ('CALL_BOOKED', 'LOST', 'Verloren'),
  ('LOST', 'NEW', 'Wiedereröffnet');

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

-- ---------------------------------------------------------------------------------------------
-- Playbooks: the templates behind the tasks (follow-up sequence with its DM texts, qualification
-- script, call booking and preparation, onboarding, 5-hour install checklist). Data, editable by the
-- team without code; docs/vorlagen/ is rendered from these rows (a test keeps both equal).
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
  primary key (playbook_key, step)
);

alter table public.tasks
  add column playbook_key text references public.playbooks (key) on update cascade on delete set null,
  add column playbook_step integer,
  add column source_event_id bigint references public.pipeline_events (id) on delete set null,
  add column cancel_reason text check (char_length(cancel_reason) <= 200);
-- One task per event and playbook step, however often an event is delivered.
create unique index tasks_event_step_key on public.tasks (source_event_id, playbook_key, playbook_step)
  where source_event_id is not null;

-- ---------------------------------------------------------------------------------------------
-- Agents installed at customers. The key is shown once and stored only as a SHA-256 hash.
create table public.agents (
  id uuid primary key default gen_random_uuid(),
  lead_id uuid not null references public.leads (id) on delete cascade,
  deal_id uuid references public.deals (id) on delete set null,
  name text not null check (char_length(name) between 1 and 120),
  key_hash text not null check (key_hash ~ '^[0-9a-f]{64}$'),
  key_prefix text not null check (char_length(key_prefix) between 4 and 16),
  expected_interval interval not null default interval '5 minutes',
  grace_period interval not null default interval '10 minutes',
  paused boolean not null default false,
  created_at timestamptz not null default now(),
  constraint agents_key_hash_key unique (key_hash),
  constraint agents_deal_key unique (deal_id)
);

-- The plaintext key, encrypted by the functions (AES-GCM, key from configuration), until the team has
-- looked at it once; then deleted. Expired handovers are deleted by the retention timer.
create table public.agent_key_handovers (
  agent_id uuid primary key references public.agents (id) on delete cascade,
  key_ciphertext bytea not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '14 days'
);

-- ---------------------------------------------------------------------------------------------
-- The rules, enforced for every writer (table editor, status center, SQL, functions).
create function public.enforce_lead_stage_rules() returns trigger
language plpgsql set search_path = '' as $$
declare
  allowed text;
begin
  if tg_op = 'INSERT' then
    if new.stage <> 'NEW' then
      raise exception 'Neue Leads beginnen in der Stufe NEW (nicht %). Die Stufe danach per Update ändern.', new.stage
        using errcode = 'check_violation';
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
            hint = 'Die Regeln stehen in public.lead_stage_transitions und in docs/pipeline.md.';
  end if;

  if new.stage = 'WON' and not exists (
       select 1 from public.deals d where d.lead_id = new.id and d.status in ('OPEN', 'WON')) then
    raise exception 'Für WON braucht der Lead einen Deal mit Paket (SETUP oder RETAINER) und Betrag in Cent (Tabelle deals).'
      using errcode = 'check_violation';
  end if;
  if new.stage = 'LOST' and coalesce(btrim(new.lost_reason), '') = '' then
    raise exception 'Für LOST bitte einen Grund in lost_reason angeben.' using errcode = 'check_violation';
  end if;
  if new.stage = 'CALL_BOOKED' and new.call_at is null then
    raise exception 'Für CALL_BOOKED bitte call_at (Datum und Uhrzeit des Calls) setzen.' using errcode = 'check_violation';
  end if;

  if old.stage = 'LOST' then
    new.lost_reason := null;
    new.delete_after := null;
  end if;
  return new;
end
$$;

create trigger leads_stage_rules before insert or update of stage on public.leads
  for each row execute function public.enforce_lead_stage_rules();

-- History, event and deal status in the same transaction as the stage change.
create or replace function public.record_lead_stage_change() returns trigger
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

select public.install_pipeline_webhook();

-- ---------------------------------------------------------------------------------------------
-- Row level security
alter table public.lead_stage_transitions enable row level security;
alter table public.pipeline_events enable row level security;
alter table public.playbooks enable row level security;
alter table public.playbook_steps enable row level security;
alter table public.agents enable row level security;
alter table public.agent_key_handovers enable row level security;

revoke all on public.lead_stage_transitions, public.pipeline_events, public.playbooks, public.playbook_steps,
  public.agents, public.agent_key_handovers from anon;
revoke truncate, references, trigger on public.lead_stage_transitions, public.pipeline_events, public.playbooks,
  public.playbook_steps, public.agents, public.agent_key_handovers from authenticated, service_role;
-- The key hash is not for people's eyes, and handovers only leave through the functions.
revoke all on public.agent_key_handovers from authenticated;
revoke all on public.agents from authenticated;
grant select (id, lead_id, deal_id, name, key_prefix, expected_interval, grace_period, paused, created_at),
  update (name, expected_interval, grace_period, paused) on public.agents to authenticated;
revoke insert, update, delete on public.pipeline_events, public.lead_stage_transitions from authenticated;

create policy lead_stage_transitions_team on public.lead_stage_transitions for select to authenticated
  using ((select public.is_team_member()));
create policy pipeline_events_team on public.pipeline_events for select to authenticated
  using ((select public.is_team_member()));
create policy playbooks_team on public.playbooks for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy playbook_steps_team on public.playbook_steps for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy agents_team on public.agents for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));

grant select on public.lead_stage_transitions, public.playbooks, public.playbook_steps to leitstand_functions;
grant select, update on public.pipeline_events to leitstand_functions;
grant select, insert, update on public.agents to leitstand_functions;
grant select, insert, delete on public.agent_key_handovers to leitstand_functions;
grant delete on public.leads, public.tasks to leitstand_functions;

create policy lead_stage_transitions_functions on public.lead_stage_transitions for select to leitstand_functions using (true);
create policy pipeline_events_functions on public.pipeline_events for all to leitstand_functions using (true) with check (true);
create policy playbooks_functions on public.playbooks for select to leitstand_functions using (true);
create policy playbook_steps_functions on public.playbook_steps for select to leitstand_functions using (true);
create policy agents_functions on public.agents for all to leitstand_functions using (true) with check (true);
create policy agent_key_handovers_functions on public.agent_key_handovers for all to leitstand_functions using (true) with check (true);
