-- Fulfilment (issue 19): the 5-hour install as a tracked run. The checklist is versioned data
-- (install_checklist_versions, _blocks, _items; the rows: reference_data.sql, from
-- docs/vorlagen/installations-checkliste.md); booking a run (public.book_install) copies the current version's
-- blocks and items into the run (install_run_items), so a later template change never changes a run. Items are
-- marked done, skipped (with a reason) or, for the safety baseline, "nicht anwendbar" (with a reason; a baseline
-- item is never skipped) by public.mark_install_item; the run finishes when no item is open. "Monitoring
-- verbunden" ticks itself at the first heartbeat of the lead's agent (trigger on public.agents, below).
-- install_runs and install_run_items are the lead's data (export and erasure go by lead_id; deleting the lead
-- deletes them).

-- ---------------------------------------------------------------------------------------------
-- The checklist template, one row per version; the highest version is the one a new run copies. stop_restart and
-- contact: the handover summary's texts for the customer (how to stop and restart the agent; whom to call,
-- {installer} = the installer's name).
create table public.install_checklist_versions (
  version integer primary key check (version >= 1),
  title text not null check (char_length(title) between 1 and 200),
  stop_restart text not null check (char_length(stop_restart) between 1 and 2000),
  contact text not null check (char_length(contact) between 1 and 2000)
);

-- The hour blocks of a version in their order, each with its time box in minutes.
create table public.install_checklist_blocks (
  version integer not null references public.install_checklist_versions (version) on delete cascade,
  block smallint not null check (block between 1 and 9),
  title text not null check (char_length(title) between 1 and 120),
  outcome text not null check (char_length(outcome) between 1 and 300),
  minutes smallint not null check (minutes between 5 and 240),
  primary key (version, block)
);

-- The items of a version. kind workflow: one of the three core workflows (workflow_no), named from the onboarding
-- (public.install_workflow_names); kind monitoring: ticks itself at the agent's first heartbeat.
create table public.install_checklist_items (
  version integer not null,
  position smallint not null check (position >= 1),
  block smallint not null,
  title text not null check (char_length(title) between 1 and 200),
  details text check (char_length(details) between 1 and 500),
  kind text not null default 'check' check (kind in ('check', 'workflow', 'monitoring')),
  workflow_no smallint check (workflow_no between 1 and 3),
  safety_baseline boolean not null default false,
  primary key (version, position),
  foreign key (version, block) references public.install_checklist_blocks (version, block) on delete cascade,
  constraint install_checklist_items_workflow_no check ((kind = 'workflow') = (workflow_no is not null))
);

-- ---------------------------------------------------------------------------------------------
-- A booked install: the lead, the installer (the team member who booked it, auth.uid()), the checklist version it
-- copied, the appointment (ends_at = starts_at + the version's minutes), booked → finished.
create table public.install_runs (
  id uuid primary key default gen_random_uuid(),
  lead_id uuid not null references public.leads (id) on delete cascade,
  installer uuid not null,
  checklist_version integer not null references public.install_checklist_versions (version),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  state text not null default 'booked' check (state in ('booked', 'finished')),
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  constraint install_runs_ends_after_start check (ends_at > starts_at),
  constraint install_runs_finished_at_matches_state check ((state = 'finished') = (finished_at is not null))
);
create index install_runs_lead_idx on public.install_runs (lead_id, starts_at);
create index install_runs_installer_idx on public.install_runs (installer, starts_at);
comment on table public.install_runs is 'Lead data (export and erasure by lead_id): the booked installs of a lead.';

-- The run's copy of its checklist: block, time box and item as they were at booking, and how each item ended.
-- marked_by: the team member's user id, or 'heartbeat' (Monitoring verbunden). reason: why skipped or not applicable.
create table public.install_run_items (
  id uuid primary key default gen_random_uuid(),
  run_id uuid not null references public.install_runs (id) on delete cascade,
  position smallint not null,
  block smallint not null,
  block_title text not null,
  block_outcome text not null,
  box_starts_at timestamptz not null,
  box_ends_at timestamptz not null,
  title text not null,
  details text,
  kind text not null check (kind in ('check', 'workflow', 'monitoring')),
  workflow_no smallint,
  safety_baseline boolean not null,
  state text not null default 'open' check (state in ('open', 'done', 'skipped', 'not_applicable')),
  marked_at timestamptz,
  marked_by text check (char_length(marked_by) <= 80),
  reason text check (char_length(reason) between 1 and 500),
  constraint install_run_items_position unique (run_id, position),
  constraint install_run_items_marked check ((state = 'open') = (marked_at is null) and (state = 'open') = (marked_by is null)),
  constraint install_run_items_reason check ((state in ('skipped', 'not_applicable')) = (reason is not null)),
  constraint install_run_items_baseline_never_skipped check (not (safety_baseline and state = 'skipped')),
  constraint install_run_items_not_applicable_baseline check (state <> 'not_applicable' or safety_baseline)
);
comment on table public.install_run_items is 'Lead data (export and erasure through install_runs.lead_id): the checklist of a booked install.';

-- ---------------------------------------------------------------------------------------------
-- The names of the lead's three core workflows from the onboarding answers, in order: the submitted answers of the
-- newest template version the lead submitted ('{}' without submitted answers: the items then read
-- "Kern-Workflow 1/2/3"). Read whenever a run is read, never copied into it: a run booked before the customer
-- submitted shows "Kern-Workflow n" until then and the names from then on; answers reopened for changes count
-- again once resubmitted (until then the names of another submitted version, else "Kern-Workflow n").
create function public.install_workflow_names(p_lead_id uuid) returns text[]
language sql stable set search_path = '' as $$
  select coalesce((
    select array_agg(coalesce(btrim(w.item ->> 'name'), '') order by w.n)
    from (
      select a.answers from public.onboarding_answers a
      where a.lead_id = p_lead_id and a.state = 'submitted'
      order by a.template_version desc
      limit 1
    ) s
    cross join lateral jsonb_array_elements(case when jsonb_typeof(s.answers -> 'workflows') = 'array' then s.answers -> 'workflows' else '[]' end)
      with ordinality as w(item, n)
  ), '{}'::text[]);
$$;
revoke all on function public.install_workflow_names(uuid) from public, anon;
grant execute on function public.install_workflow_names(uuid) to authenticated, leitstand_functions;

-- Books the install of a WON lead for the signed-in team member (the installer): not in the past (p_at: now), not
-- overlapping another install of the same member (concurrent bookings of one member take turns on an advisory
-- lock). Copies the current checklist version into the run. result: booked (run_id), not_found, not_won, past,
-- overlap (run_id: the install in the way), no_user (no auth.uid()).
create function public.book_install(p_lead uuid, p_starts_at timestamptz, p_at timestamptz)
returns table (result text, run_id uuid)
language plpgsql set search_path = '' as $$
declare
  v_installer uuid := (select auth.uid());
  v_stage public.lead_stage;
  v_version integer;
  v_ends timestamptz;
  v_run uuid;
begin
  if v_installer is null then
    return query select 'no_user', null::uuid;
    return;
  end if;
  select l.stage into v_stage from public.leads l where l.id = p_lead;
  if not found then
    return query select 'not_found', null::uuid;
    return;
  end if;
  if v_stage <> 'WON' then
    return query select 'not_won', null::uuid;
    return;
  end if;
  if p_starts_at < p_at then
    return query select 'past', null::uuid;
    return;
  end if;
  select max(v.version) into v_version from public.install_checklist_versions v;
  select p_starts_at + make_interval(mins => sum(b.minutes)::integer) into v_ends
  from public.install_checklist_blocks b where b.version = v_version;

  perform pg_advisory_xact_lock(hashtextextended('install_runs:' || v_installer::text, 0));
  select r.id into v_run from public.install_runs r
  where r.installer = v_installer and r.starts_at < v_ends and r.ends_at > p_starts_at
  order by r.starts_at limit 1;
  if found then
    return query select 'overlap', v_run;
    return;
  end if;

  insert into public.install_runs (lead_id, installer, checklist_version, starts_at, ends_at)
  values (p_lead, v_installer, v_version, p_starts_at, v_ends)
  returning id into v_run;
  with boxes as (
    select b.block, b.title, b.outcome,
           p_starts_at + make_interval(mins => (sum(b.minutes) over w - b.minutes)::integer) as starts_at,
           p_starts_at + make_interval(mins => (sum(b.minutes) over w)::integer) as ends_at
    from public.install_checklist_blocks b
    where b.version = v_version
    window w as (order by b.block)
  )
  insert into public.install_run_items (run_id, position, block, block_title, block_outcome, box_starts_at, box_ends_at,
                                        title, details, kind, workflow_no, safety_baseline)
  select v_run, i.position, i.block, x.title, x.outcome, x.starts_at, x.ends_at, i.title, i.details, i.kind, i.workflow_no, i.safety_baseline
  from public.install_checklist_items i
  join boxes x on x.block = i.block
  where i.version = v_version;
  return query select 'booked', v_run;
end
$$;
revoke all on function public.book_install(uuid, timestamptz, timestamptz) from public, anon;
grant execute on function public.book_install(uuid, timestamptz, timestamptz) to authenticated;

-- Marks an open item of a booked run (p_state: done, skipped, not_applicable) as the signed-in member at p_at; the
-- run finishes when no item is left open. A baseline item is never skipped (only not_applicable), not_applicable
-- is for baseline items only, both need a reason. result: marked, finished (marked, and the run with it),
-- not_found, run_finished, not_open, baseline, not_baseline, reason_required.
create function public.mark_install_item(p_run uuid, p_item uuid, p_state text, p_reason text, p_at timestamptz)
returns text
language plpgsql set search_path = '' as $$
declare
  v_run_state text;
  v_baseline boolean;
  v_reason text := nullif(btrim(p_reason), '');
begin
  select r.state into v_run_state from public.install_runs r where r.id = p_run for update;
  if not found then
    return 'not_found';
  end if;
  select i.safety_baseline into v_baseline from public.install_run_items i where i.id = p_item and i.run_id = p_run;
  if not found then
    return 'not_found';
  end if;
  if v_run_state = 'finished' then
    return 'run_finished';
  end if;
  if p_state = 'skipped' and v_baseline then
    return 'baseline';
  end if;
  if p_state = 'not_applicable' and not v_baseline then
    return 'not_baseline';
  end if;
  if p_state in ('skipped', 'not_applicable') and v_reason is null then
    return 'reason_required';
  end if;

  update public.install_run_items i
  set state = p_state, marked_at = p_at, marked_by = coalesce((select auth.uid())::text, session_user::text),
      reason = case when p_state = 'done' then null else v_reason end
  where i.id = p_item and i.state = 'open';
  if not found then
    return 'not_open';
  end if;
  update public.install_runs r set state = 'finished', finished_at = p_at
  where r.id = p_run and r.state = 'booked'
    and not exists (select 1 from public.install_run_items i where i.run_id = r.id and i.state = 'open');
  return case when found then 'finished' else 'marked' end;
end
$$;
revoke all on function public.mark_install_item(uuid, uuid, text, text, timestamptz) from public, anon;
grant execute on function public.mark_install_item(uuid, uuid, text, text, timestamptz) to authenticated;

-- "Monitoring verbunden" at the first heartbeat of a lead's agent: ticks the item in the lead's booked runs and
-- finishes a run that has nothing left open. Fires only for that one update per agent (WHEN), never inside the
-- heartbeat's own code; as owner, since the heartbeat runs as the functions' role.
create function public.tick_install_monitoring() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_runs uuid[];
begin
  with ticked as (
    update public.install_run_items i
    set state = 'done', marked_at = new.last_heartbeat_at, marked_by = 'heartbeat'
    from public.install_runs r
    where r.id = i.run_id and r.lead_id = new.lead_id and r.state = 'booked' and i.kind = 'monitoring' and i.state = 'open'
    returning i.run_id
  )
  select array_agg(distinct t.run_id) into v_runs from ticked t;
  if v_runs is not null then
    update public.install_runs r set state = 'finished', finished_at = new.last_heartbeat_at
    where r.id = any (v_runs) and r.state = 'booked'
      and not exists (select 1 from public.install_run_items i where i.run_id = r.id and i.state = 'open');
  end if;
  return null;
end
$$;
revoke all on function public.tick_install_monitoring() from public, anon, authenticated;
create trigger agents_first_heartbeat_install after update of last_heartbeat_at on public.agents
  for each row when (old.last_heartbeat_at is null and new.last_heartbeat_at is not null)
  execute function public.tick_install_monitoring();

-- ---------------------------------------------------------------------------------------------
-- Row level security. anon: nothing. authenticated: team members (the template read-only; it changes by
-- migration). leitstand_functions: reads (the customer's page).
alter table public.install_checklist_versions enable row level security;
alter table public.install_checklist_blocks enable row level security;
alter table public.install_checklist_items enable row level security;
alter table public.install_runs enable row level security;
alter table public.install_run_items enable row level security;

revoke all on public.install_checklist_versions, public.install_checklist_blocks, public.install_checklist_items,
  public.install_runs, public.install_run_items from anon;
revoke truncate, references, trigger on public.install_checklist_versions, public.install_checklist_blocks,
  public.install_checklist_items, public.install_runs, public.install_run_items from authenticated, service_role;
revoke insert, update, delete on public.install_checklist_versions, public.install_checklist_blocks,
  public.install_checklist_items from authenticated;

create policy install_checklist_versions_team on public.install_checklist_versions for select to authenticated
  using ((select public.is_team_member()));
create policy install_checklist_blocks_team on public.install_checklist_blocks for select to authenticated
  using ((select public.is_team_member()));
create policy install_checklist_items_team on public.install_checklist_items for select to authenticated
  using ((select public.is_team_member()));
create policy install_runs_team on public.install_runs for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy install_run_items_team on public.install_run_items for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));

grant select on public.install_checklist_versions, public.install_checklist_blocks, public.install_checklist_items,
  public.install_runs, public.install_run_items to leitstand_functions;
create policy install_checklist_versions_functions on public.install_checklist_versions for select to leitstand_functions using (true);
create policy install_checklist_blocks_functions on public.install_checklist_blocks for select to leitstand_functions using (true);
create policy install_checklist_items_functions on public.install_checklist_items for select to leitstand_functions using (true);
create policy install_runs_functions on public.install_runs for select to leitstand_functions using (true);
create policy install_run_items_functions on public.install_run_items for select to leitstand_functions using (true);
