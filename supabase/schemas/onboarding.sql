-- Fulfilment (issue 19): the onboarding questionnaire as data. A versioned template (the questions, German),
-- the customer's answers per lead and template version (personal data), and the signed link through which the
-- customer fills them in (only its version is stored, never the link). The C# side (shared/Fulfilment/) renders
-- the template, checks every field and signs the link; the rules of which rows change are here.

-- The questionnaire, one row per version; the rows: reference_data.sql. A new version is a new row (a migration),
-- so answers always name the version they answer. sections: [{key, title, intro?, kind: 'fields' | 'table' |
-- 'repeat', fields: [{key, label, type, required, max?, hint?, options?}], rows? (table), count? (repeat),
-- fixed? (shown, always true)}]; field types text, textarea, email, phone, choice, date, frequency (a cron schedule
-- in Europe/Berlin or an interval).
create table public.onboarding_templates (
  version integer primary key check (version >= 1),
  title text not null check (char_length(title) between 1 and 120),
  intro text not null check (char_length(intro) between 1 and 2000),
  sections jsonb not null check (jsonb_typeof(sections) = 'array' and jsonb_array_length(sections) > 0)
);

-- The customer's answers, per lead and template version. state 'draft' while the customer (or, after
-- "Zur Bearbeitung öffnen", again) edits them; 'submitted' locks them (public.onboarding_answers_lock).
-- answers: {"goals": {…}, "channels": [{channel, tool, rights}], "workflows": [{name, trigger, steps, result,
-- schedule + timezone | interval, approval} ×3], "approval_rules": {always, own, approver, deputy}, "devices": {…},
-- "contact": {…}, "install": {…}} (keys: the template's section and field keys).
create table public.onboarding_answers (
  lead_id uuid not null references public.leads (id) on delete cascade,
  template_version integer not null references public.onboarding_templates (version),
  state text not null default 'draft' check (state in ('draft', 'submitted')),
  answers jsonb not null default '{}' check (jsonb_typeof(answers) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  submitted_at timestamptz,
  reopened_at timestamptz,
  reopened_by uuid,
  primary key (lead_id, template_version),
  check ((state = 'submitted') = (submitted_at is not null))
);
comment on table public.onboarding_answers is
  'Personal data of the lead (the customer''s answers to the onboarding questionnaire: contact person, tools, workflows): exported and erased with the lead (DSGVO Art. 15, 17; issue 21).';

-- The customer's link, one per lead: the token signs lead, link_version and expiry (Fulfilment__LinkSecret).
-- A new link bumps link_version, which revokes every older one; revoked_at revokes the current one.
create table public.onboarding_links (
  lead_id uuid primary key references public.leads (id) on delete cascade,
  link_version integer not null default 1 check (link_version >= 1),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  created_by uuid
);

-- Submitted answers are locked: they change only by reopening (state back to 'draft').
create function public.onboarding_answers_lock()
returns trigger
language plpgsql set search_path = '' as $$
begin
  if old.state = 'submitted' and new.state = 'submitted' and new.answers is distinct from old.answers then
    raise exception 'Die Antworten sind abgeschickt und gesperrt; erst „Zur Bearbeitung öffnen“.'
      using errcode = 'check_violation', schema = 'public', table = 'onboarding_answers', column = 'answers';
  end if;
  return new;
end
$$;
create trigger onboarding_answers_lock before update on public.onboarding_answers
  for each row execute function public.onboarding_answers_lock();

-- A new link for a lead (POST /api/leads/{id}/onboarding-link): only for a WON lead; bumps the link version
-- (the old link stops working) and starts the answers on the newest template when the lead has none yet.
-- Returns the lead's stage and the new link version (null when the lead is not WON; no row when there is no lead).
create function public.issue_onboarding_link(p_lead uuid, p_expires_at timestamptz, p_now timestamptz, p_by uuid)
returns table (stage text, link_version integer)
language sql set search_path = '' as $$
  with lead as (
    select l.id, l.stage from public.leads l where l.id = p_lead for update
  ), link as (
    insert into public.onboarding_links as k (lead_id, link_version, expires_at, revoked_at, created_at, created_by)
    select l.id, 1, p_expires_at, null, p_now, p_by from lead l where l.stage = 'WON'
    on conflict (lead_id) do update
      set link_version = k.link_version + 1, expires_at = excluded.expires_at, revoked_at = null,
          created_at = excluded.created_at, created_by = excluded.created_by
    returning k.link_version
  ), answers as (
    insert into public.onboarding_answers (lead_id, template_version, created_at, updated_at)
    select l.id, (select max(t.version) from public.onboarding_templates t), p_now, p_now
    from lead l
    where l.stage = 'WON' and not exists (select 1 from public.onboarding_answers a where a.lead_id = l.id)
    on conflict do nothing
  )
  select l.stage::text, (select k.link_version from link k) from lead l
$$;

alter table public.onboarding_templates enable row level security;
alter table public.onboarding_answers enable row level security;
alter table public.onboarding_links enable row level security;

revoke all on public.onboarding_templates, public.onboarding_answers, public.onboarding_links from anon;
revoke truncate, references, trigger on public.onboarding_templates, public.onboarding_answers, public.onboarding_links
  from authenticated, service_role;
-- the template changes by migration only
revoke insert, update, delete on public.onboarding_templates from authenticated;
revoke all on function public.issue_onboarding_link(uuid, timestamptz, timestamptz, uuid) from public, anon;
grant execute on function public.issue_onboarding_link(uuid, timestamptz, timestamptz, uuid) to authenticated, leitstand_functions;

create policy onboarding_templates_team on public.onboarding_templates for select to authenticated
  using ((select public.is_team_member()));
create policy onboarding_answers_team on public.onboarding_answers for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy onboarding_links_team on public.onboarding_links for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));

-- The functions' role serves the customer's page (no user): it reads the template and the link, and writes the answers.
grant select on public.onboarding_templates to leitstand_functions;
grant select, insert, update on public.onboarding_answers, public.onboarding_links to leitstand_functions;
create policy onboarding_templates_functions on public.onboarding_templates for select to leitstand_functions using (true);
create policy onboarding_answers_functions on public.onboarding_answers for all to leitstand_functions using (true) with check (true);
create policy onboarding_links_functions on public.onboarding_links for all to leitstand_functions using (true) with check (true);
