-- Privacy (issue 21, "Datenschutz by design"): the data-subject rights. Each branch of issue 21 has its own section.

-- ===== dsgvo-objections: objections (Art. 21), consent texts and withdrawal =====
-- The exact consent text of every version (DSGVO Art. 7: the consent must be provable); the rows:
-- reference_data.sql. The landing form's text equals the current version's (a test). leads.consent_text_version
-- names a row here; the form refuses a version that is not here (CaptureLead). Not a foreign key: direct writers
-- (tests, benches, imports by hand) store their own labels, and no row of a deployed database may be refused.
create table public.consent_texts (
  version text primary key check (char_length(version) between 1 and 40),
  text text not null check (char_length(text) between 1 and 4000),
  valid_from timestamptz not null
);

-- Objections (Art. 21 DSGVO) as keyed hashes only: HMAC-SHA256 of the normalised e-mail ("email:<address>") or
-- channel and handle ("handle:<channel>:<handle>") with the key Privacy__ObjectionHashKey (Key Vault). The key
-- never reaches the database; the functions compute the hashes and pass them in. No lead id and no plain value:
-- the objection outlives the lead's erasure and retention. One active objection per hash; a new opt-in through the
-- form (fresh consent) lifts it (lifted_reason 'opt_in', alert "Widerspruch aufgehoben").
create table public.objections (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('email', 'handle')),
  hash bytea not null check (octet_length(hash) = 32),
  created_at timestamptz not null default now(),
  created_by text not null,
  lifted_at timestamptz,
  lifted_by text,
  lifted_reason text check (lifted_reason in ('opt_in')),
  constraint objections_lifted check ((lifted_at is null) = (lifted_reason is null) and (lifted_at is null) = (lifted_by is null))
);
create unique index objections_active_key on public.objections (kind, hash) where lifted_at is null;
create index objections_created_idx on public.objections (created_at);

-- Stops every contact with the leads at once, set-based (an objection, a withdrawn consent): their open tasks are
-- cancelled with p_cancel_reason (a won customer's fulfilment tasks stay: the contract, Art. 6(1)(b)), and a lead
-- in an open sales stage moves to LOST with the reason code p_lost_reason, so no rule of the daily list and no
-- playbook makes a task for it again (the stage event cancels the rest and sets the retention, ApplyRetention).
-- Runs as the caller (a team member: RLS).
create function public.stop_lead_contact(p_leads uuid[], p_lost_reason text, p_cancel_reason text)
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
    set stage = 'LOST', lost_reason = p_lost_reason
    where l.id = any(p_leads) and l.stage not in ('WON', 'LOST')
    returning l.id
  )
  select (select count(*)::int from public.leads l where l.id = any(p_leads)), (select count(*)::int from cancelled)
  from (select count(*) from lost) x
$$;
revoke all on function public.stop_lead_contact(uuid[], text, text) from public, anon;
grant execute on function public.stop_lead_contact(uuid[], text, text) to authenticated;

alter table public.consent_texts enable row level security;
alter table public.objections enable row level security;
revoke all on public.consent_texts, public.objections from anon;
revoke truncate, references, trigger on public.consent_texts, public.objections from authenticated, service_role;
-- the consent texts change by migration only; objections are recorded and listed by team members, never edited
-- or deleted by them (lifted only by a new opt-in through the form)
revoke insert, update, delete on public.consent_texts from authenticated;
revoke update, delete on public.objections from authenticated;
create policy consent_texts_team on public.consent_texts for select to authenticated using ((select public.is_team_member()));
create policy objections_team_select on public.objections for select to authenticated using ((select public.is_team_member()));
create policy objections_team_insert on public.objections for insert to authenticated with check ((select public.is_team_member()));
grant select on public.consent_texts to leitstand_functions;
grant select, update on public.objections to leitstand_functions;
create policy consent_texts_functions on public.consent_texts for select to leitstand_functions using (true);
create policy objections_functions on public.objections for all to leitstand_functions using (true) with check (true);
