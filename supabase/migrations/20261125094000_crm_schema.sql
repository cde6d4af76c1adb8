-- CRM schema v1: leads, lead_touchpoints, deals, tasks, stage history, team members,
-- plus the outbox for queue messages and the shared rate-limit counters of the lead form.
-- Runs unchanged on Supabase and on plain PostgreSQL 15 (with supabase/local/bootstrap.sql).

create type public.lead_stage as enum
  ('NEW', 'CONTACTED', 'REPLIED', 'QUALIFIED', 'CALL_BOOKED', 'WON', 'LOST');
create type public.deal_package as enum ('SETUP', 'RETAINER');
create type public.deal_status as enum ('OPEN', 'WON', 'LOST');
create type public.task_status as enum ('OPEN', 'DONE', 'CANCELLED');
create type public.touchpoint_direction as enum ('INBOUND', 'OUTBOUND');

-- The role the Azure Functions connect with. On Supabase give it a password once:
--   alter role leitstand_functions with login password '…';   (see README)
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'leitstand_functions') then
    create role leitstand_functions nologin noinherit;
  end if;
end
$$;
grant usage on schema public to leitstand_functions;

-- Who belongs to the team. A user is a team member if listed here or if the JWT's
-- app_metadata carries role "team" or "admin" (set server-side only, never by the user).
create table public.team_members (
  user_id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null check (char_length(display_name) between 1 and 120),
  role text not null default 'member' check (role in ('owner', 'member')),
  created_at timestamptz not null default now()
);

create function public.is_team_member() returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce((select auth.jwt()) -> 'app_metadata' ->> 'role', '') in ('team', 'admin')
      or exists (select 1 from public.team_members tm where tm.user_id = (select auth.uid()));
$$;
revoke all on function public.is_team_member() from public;
grant execute on function public.is_team_member() to authenticated, service_role, leitstand_functions;

create table public.leads (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(name) between 1 and 120),
  -- stored normalised (trimmed, lower case); unique across the pipeline
  email text not null check (email = lower(btrim(email)) and char_length(email) <= 254
                             and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  phone text check (char_length(phone) <= 40),
  company text check (char_length(company) <= 120),
  message text check (char_length(message) <= 1000),
  stage public.lead_stage not null default 'NEW',
  stage_changed_at timestamptz not null default now(),
  source text check (char_length(source) <= 100),
  utm_source text check (char_length(utm_source) <= 100),
  utm_medium text check (char_length(utm_medium) <= 100),
  utm_campaign text check (char_length(utm_campaign) <= 100),
  utm_term text check (char_length(utm_term) <= 100),
  utm_content text check (char_length(utm_content) <= 100),
  -- consent (DSGVO Art. 7: the controller must be able to prove it): when, which text, where
  consent_at timestamptz not null,
  consent_text_version text not null check (char_length(consent_text_version) between 1 and 40),
  consent_source text not null check (char_length(consent_source) between 1 and 300),
  lost_reason text check (char_length(lost_reason) <= 500),
  delete_after timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint leads_email_key unique (email)
);
create index leads_stage_idx on public.leads (stage, stage_changed_at);

create table public.lead_touchpoints (
  id uuid primary key default gen_random_uuid(),
  lead_id uuid not null references public.leads (id) on delete cascade,
  direction public.touchpoint_direction not null,
  channel text not null check (channel in ('landing_page', 'email', 'phone', 'instagram', 'x', 'linkedin', 'call', 'other')),
  kind text not null check (kind in ('form_submission', 'dm', 'email', 'call', 'note', 'follow_up')),
  note text check (char_length(note) <= 2000),
  source text check (char_length(source) <= 100),
  utm_campaign text check (char_length(utm_campaign) <= 100),
  consent_text_version text check (char_length(consent_text_version) <= 40),
  occurred_at timestamptz not null default now(),
  created_by text not null default current_user
);
create index lead_touchpoints_lead_idx on public.lead_touchpoints (lead_id, occurred_at);

create table public.lead_stage_history (
  id bigint generated always as identity primary key,
  lead_id uuid not null references public.leads (id) on delete cascade,
  from_stage public.lead_stage,
  to_stage public.lead_stage not null,
  changed_at timestamptz not null default now(),
  changed_by text not null
);
create index lead_stage_history_lead_idx on public.lead_stage_history (lead_id, changed_at);

create table public.deals (
  id uuid primary key default gen_random_uuid(),
  lead_id uuid not null references public.leads (id) on delete cascade,
  package public.deal_package not null,
  amount_cents integer not null check (amount_cents > 0 and amount_cents <= 100000000),
  currency text not null default 'EUR' check (currency = 'EUR'),
  status public.deal_status not null default 'OPEN',
  won_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint deals_won_at_matches_status check ((status = 'WON') = (won_at is not null))
);
create index deals_lead_idx on public.deals (lead_id);
create index deals_won_idx on public.deals (won_at) where status = 'WON';

create table public.tasks (
  id uuid primary key default gen_random_uuid(),
  lead_id uuid references public.leads (id) on delete cascade,
  deal_id uuid references public.deals (id) on delete cascade,
  kind text not null check (char_length(kind) between 1 and 60),
  title text not null check (char_length(title) between 1 and 200),
  details text check (char_length(details) <= 4000),
  status public.task_status not null default 'OPEN',
  due_at timestamptz not null,
  assignee uuid references public.team_members (user_id) on delete set null,
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  constraint tasks_completed_at_matches_status check ((status = 'OPEN') = (completed_at is null))
);
create index tasks_open_due_idx on public.tasks (due_at) where status = 'OPEN';
create index tasks_lead_idx on public.tasks (lead_id);

-- Messages for Azure Storage queues, written in the same transaction as the change they announce
-- and sent after the commit; a timer re-sends what could not be sent (queue down).
create table public.outbox_messages (
  id uuid primary key,
  queue text not null check (queue ~ '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$'),
  payload jsonb not null,
  created_at timestamptz not null default now(),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  sent_at timestamptz
);
create index outbox_messages_pending_idx on public.outbox_messages (next_attempt_at) where sent_at is null;

-- Fixed-window counters per hashed client (never a raw IP address), shared by all function instances.
create table public.rate_limit_hits (
  bucket text not null check (char_length(bucket) <= 100),
  window_start timestamptz not null,
  hits integer not null,
  primary key (bucket, window_start)
);

-- Stage history: every insert and every stage change writes a row, whoever the writer is.
create function public.record_lead_stage_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    insert into public.lead_stage_history (lead_id, from_stage, to_stage, changed_at, changed_by)
    values (new.id, null, new.stage, new.stage_changed_at, coalesce((select auth.uid())::text, session_user));
  elsif new.stage is distinct from old.stage then
    insert into public.lead_stage_history (lead_id, from_stage, to_stage, changed_at, changed_by)
    values (new.id, old.stage, new.stage, now(), coalesce((select auth.uid())::text, session_user));
  end if;
  return null;
end
$$;

create function public.touch_lead() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  if new.stage is distinct from old.stage then
    new.stage_changed_at := now();
  end if;
  return new;
end
$$;

create trigger leads_touch before update on public.leads
  for each row execute function public.touch_lead();
create trigger leads_stage_history after insert or update of stage on public.leads
  for each row execute function public.record_lead_stage_change();

-- Row level security on every table. anon: nothing. authenticated: team members only.
-- leitstand_functions: what the functions need. service_role bypasses RLS (Supabase's admin key).
alter table public.team_members enable row level security;
alter table public.leads enable row level security;
alter table public.lead_touchpoints enable row level security;
alter table public.lead_stage_history enable row level security;
alter table public.deals enable row level security;
alter table public.tasks enable row level security;
alter table public.outbox_messages enable row level security;
alter table public.rate_limit_hits enable row level security;

revoke all on public.team_members, public.leads, public.lead_touchpoints, public.lead_stage_history,
  public.deals, public.tasks, public.outbox_messages, public.rate_limit_hits from anon;
-- TRUNCATE ignores row level security: nobody but the owner may do it.
revoke truncate, references, trigger on public.team_members, public.leads, public.lead_touchpoints,
  public.lead_stage_history, public.deals, public.tasks, public.outbox_messages, public.rate_limit_hits
  from authenticated, service_role;

create policy team_members_read on public.team_members for select to authenticated
  using ((select public.is_team_member()));
create policy leads_team on public.leads for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy lead_touchpoints_team on public.lead_touchpoints for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy lead_stage_history_team on public.lead_stage_history for select to authenticated
  using ((select public.is_team_member()));
create policy deals_team on public.deals for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy tasks_team on public.tasks for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
-- outbox_messages and rate_limit_hits: no policy for authenticated, so team members see nothing there.

grant select, insert, update on public.leads, public.lead_touchpoints, public.deals, public.tasks,
  public.outbox_messages, public.rate_limit_hits to leitstand_functions;
grant delete on public.rate_limit_hits, public.outbox_messages to leitstand_functions;
grant select on public.lead_stage_history, public.team_members to leitstand_functions;

create policy leads_functions on public.leads for all to leitstand_functions using (true) with check (true);
create policy lead_touchpoints_functions on public.lead_touchpoints for all to leitstand_functions using (true) with check (true);
create policy lead_stage_history_functions on public.lead_stage_history for select to leitstand_functions using (true);
create policy team_members_functions on public.team_members for select to leitstand_functions using (true);
create policy deals_functions on public.deals for all to leitstand_functions using (true) with check (true);
create policy tasks_functions on public.tasks for all to leitstand_functions using (true) with check (true);
create policy outbox_messages_functions on public.outbox_messages for all to leitstand_functions using (true) with check (true);
create policy rate_limit_hits_functions on public.rate_limit_hits for all to leitstand_functions using (true) with check (true);
