-- Privacy (issue 21, "Datenschutz by design"): the data-subject rights as data and SQL functions. One section per
-- part; the columns they add to existing tables are in those tables' files (leads.sql: leads.erased_at,
-- deals.restricted_until).

-- ===== dsgvo-erase: Art. 17 erasure =====
-- POST /api/leads/{id}/erase (shared/Privacy/EraseLead.cs) calls public.erase_lead: in one transaction every
-- personal field of the lead goes, everywhere, and the anonymous counts stay (the KPI board shows the same numbers
-- before and after). The lead row stays, anonymised (name "Gelöscht (Art. 17)", no contact data, erased_at), so
-- its stage history and created_at keep counting; a won deal stays as an accounting record without the person,
-- restricted until its retention ends. What happened is recorded in public.erasures (when, by whom, why, how many
-- rows per table; no personal data). A second call changes nothing and returns the first record.

-- The record of an erasure. No foreign key to leads: the record outlives the anonymised row (deleted later by the
-- retention) and holds no personal data: ids, times, a reason code and row counts per table.
create table public.erasures (
  id uuid primary key default gen_random_uuid(),
  lead_id uuid not null,
  erased_at timestamptz not null,
  -- the team member (auth.uid()) who erased
  erased_by uuid,
  -- request: the person asked (Art. 17 (1) a); objection: after an objection (Art. 21, 17 (1) c);
  -- consent_withdrawn: the consent was withdrawn (Art. 17 (1) b); other: any other ground
  reason text not null check (reason in ('request', 'objection', 'consent_withdrawn', 'other')),
  -- table → rows changed or deleted, e.g. {"leads": 1, "lead_touchpoints": 3, "tasks": 5, …}
  counts jsonb not null check (jsonb_typeof(counts) = 'object'),
  constraint erasures_lead_key unique (lead_id)
);
create index erasures_erased_at_idx on public.erasures (erased_at desc, id);

-- The text that takes the place of what was erased.
create function public.erased_text() returns text
language sql immutable parallel safe set search_path = '' as $$
  select 'Gelöscht (Art. 17)'::text
$$;

-- A case-insensitive regular expression that matches any of p_terms literally (the longest first) and any of
-- p_words as a whole word; terms shorter than 3 characters are left out (they would match everywhere). Null when
-- nothing is left.
create function public.erasure_pattern(p_terms text[], p_words text[] default '{}') returns text
language sql immutable parallel safe set search_path = '' as $$
  select '(' || string_agg(x.re, '|' order by x.len desc, x.re) || ')'
  from (
    select pg_catalog.regexp_replace(t, '([.^$*+?()\[\]{}|\\])', '\\\1', 'g') as re, char_length(t) as len
    from unnest(p_terms) t where char_length(pg_catalog.btrim(t)) >= 3
    union
    select '\m' || pg_catalog.regexp_replace(w, '([.^$*+?()\[\]{}|\\])', '\\\1', 'g') || '\M', char_length(w)
    from unnest(p_words) w where char_length(pg_catalog.btrim(w)) >= 3
  ) x
  having count(*) > 0
$$;

-- p_text with every match of p_pattern (public.erasure_pattern) replaced by public.erased_text().
create function public.erasure_scrub(p_text text, p_pattern text) returns text
language sql immutable parallel safe set search_path = '' as $$
  select case when p_text is null or p_pattern is null then p_text
              else pg_catalog.regexp_replace(p_text, p_pattern, public.erased_text(), 'gi') end
$$;

-- The same for JSON: the matches inside its strings (the terms hold no quote or backslash of their own that the
-- JSON text would escape, so a match never spans a string's end).
create function public.erasure_scrub(p_json jsonb, p_pattern text) returns jsonb
language sql immutable parallel safe set search_path = '' as $$
  select case when p_json is null or p_pattern is null then p_json
              else pg_catalog.regexp_replace(p_json::text, p_pattern, public.erased_text(), 'gi')::jsonb end
$$;

-- The operational part of public.erase_lead (its caller's transaction): the lead's agents (paused, named neutrally;
-- after an objection revoked), their workflows, incident events and commands, the onboarding (deleted), the install
-- reasons, the alerts about the lead and its agents and their delivery logs, and the outbox. p_terms: the person's
-- strings as they were before the erasure. Returns the rows per table.
create function public.erase_lead_operations(p_lead uuid, p_terms text[], p_reason text, p_at timestamptz, p_lead_created timestamptz)
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_agents uuid[] := array(select a.id from public.agents a where a.lead_id = p_lead);
  v_deals uuid[] := array(select d.id from public.deals d where d.lead_id = p_lead);
  v_alert_pattern text := public.erasure_pattern(p_terms || array(select a.name::text from public.agents a where a.lead_id = p_lead));
  v_alerts uuid[];
  v_since timestamptz;
  v_counts jsonb := '{}';
  v_rows integer;
  v_more integer;
begin
  -- agents: paused and named neutrally; after an objection the key stops working too
  update public.agents a set name = 'Agent (gelöscht, Art. 17)', paused = true,
    revoked_at = case when p_reason = 'objection' then coalesce(a.revoked_at, p_at) else a.revoked_at end
  where a.id = any(v_agents);
  get diagnostics v_rows = row_count;
  v_counts := v_counts || jsonb_build_object('agents', v_rows);
  update public.agent_workflows w set name = 'Workflow (gelöscht, Art. 17)' where w.agent_id = any(v_agents);
  get diagnostics v_rows = row_count;
  v_counts := v_counts || jsonb_build_object('agent_workflows', v_rows);
  update public.incident_events e set detail = public.erasure_scrub(e.detail, v_alert_pattern)
  from public.incidents i
  where i.id = e.incident_id and i.agent_id = any(v_agents) and e.detail ~* v_alert_pattern;
  get diagnostics v_rows = row_count;
  v_counts := v_counts || jsonb_build_object('incident_events', v_rows);
  update public.agent_commands c set reason = public.erasure_scrub(c.reason, v_alert_pattern)
  where c.agent_id = any(v_agents) and c.reason ~* v_alert_pattern;
  get diagnostics v_rows = row_count;
  v_counts := v_counts || jsonb_build_object('agent_commands', v_rows);

  delete from public.onboarding_answers a where a.lead_id = p_lead;
  get diagnostics v_rows = row_count;
  v_counts := v_counts || jsonb_build_object('onboarding_answers', v_rows);
  delete from public.onboarding_links k where k.lead_id = p_lead;
  get diagnostics v_rows = row_count;
  v_counts := v_counts || jsonb_build_object('onboarding_links', v_rows);
  update public.install_run_items i set reason = public.erased_text()
  from public.install_runs r
  where r.id = i.run_id and r.lead_id = p_lead and i.reason is not null;
  get diagnostics v_rows = row_count;
  v_counts := v_counts || jsonb_build_object('install_run_items', v_rows);

  -- alerts about the lead, its deals, agents and their incidents; and the team's digests (no subject id)
  v_alerts := array(
    select al.id from public.alerts al
    where al.subject_id = any(array[p_lead] || v_deals || v_agents
                              || array(select i.id from public.incidents i where i.agent_id = any(v_agents)))
    union
    select al.id from public.alerts al
    where al.subject_type in ('team', 'kpi', 'channel') and al.created_at >= p_lead_created
      and (al.title ~* v_alert_pattern or al.body ~* v_alert_pattern or al.attributes::text ~* v_alert_pattern));
  update public.alerts al set title = left(public.erasure_scrub(al.title, v_alert_pattern), 200),
    body = left(public.erasure_scrub(al.body, v_alert_pattern), 2000), attributes = public.erasure_scrub(al.attributes, v_alert_pattern)
  where al.id = any(v_alerts) and (al.title ~* v_alert_pattern or al.body ~* v_alert_pattern or al.attributes::text ~* v_alert_pattern);
  get diagnostics v_rows = row_count;
  v_counts := v_counts || jsonb_build_object('alerts', v_rows);
  update public.alert_deliveries d set last_error = left(public.erasure_scrub(d.last_error, v_alert_pattern), 500)
  where d.alert_id = any(v_alerts) and d.last_error ~* v_alert_pattern;
  get diagnostics v_rows = row_count;
  v_counts := v_counts || jsonb_build_object('alert_deliveries', v_rows);

  -- the outbox: the lead's own messages go; the messages of its alerts (or naming it) lose the person's strings
  v_since := least(p_lead_created, (select min(al.created_at) from public.alerts al where al.id = any(v_alerts)));
  delete from public.outbox_messages o where o.created_at >= v_since and o.payload ->> 'lead_id' = p_lead::text;
  get diagnostics v_rows = row_count;
  update public.outbox_messages o set payload = public.erasure_scrub(o.payload, v_alert_pattern)
  where o.created_at >= v_since and o.payload::text ~* v_alert_pattern;
  get diagnostics v_more = row_count;
  v_counts := v_counts || jsonb_build_object('outbox_messages', v_rows + v_more);

  return v_counts;
end
$$;

-- Erases lead p_lead for the signed-in team member (auth.uid()), at p_at, for reason p_reason. result:
--   erased       done now; erasure_id: the new record
--   already      erased before; erasure_id: that record, nothing changed
--   not_found    no such lead
--   forbidden    the caller is no team member
-- Set-based, one statement per table, in the caller's transaction: an error anywhere leaves nothing erased.
-- What goes (docs/datenschutz.md, README "Löschen (Art. 17)"):
--   leads               name → "Gelöscht (Art. 17)"; e-mail, phone, company, message, handle, consent source → null;
--                       lost reason without the person's strings; stage, times, UTM, consent time and version stay
--   lead_touchpoints    notes → null
--   tasks               the lead's tasks: neutral title, no details, open ones cancelled; tasks without a lead
--                       (overdue summaries) and other texts: the person's strings and the lead's old task titles
--                       replaced (names written before tasks named leads by reference)
--   lead_stage_history, kpi_period_figures, deals.price_reason, deal_history, pipeline_events.last_error,
--   incident_events.detail, agent_commands.reason, alerts (title, body, attributes), alert_deliveries.last_error,
--   outbox_messages (alerts' payloads)
--                       the person's strings (name, e-mail, phone, handle, company, agent names) replaced
--   outbox_messages     the lead's own messages (lead-captured, payload lead_id) deleted
--   deals               won ones: restricted_until = 31.12. of the 10th year after the year won (§257 HGB, §147 AO)
--   agents              name → "Agent (gelöscht, Art. 17)", paused; after an objection also revoked (the key stops
--                       working); workflows named neutrally
--   onboarding_answers, onboarding_links  deleted
--   install_run_items   reasons → "Gelöscht (Art. 17)"
-- Not here: rate_limit_hits hold a keyed hash of a client address, never a lead (nothing to find by the person), and
-- expire within the hour (PruneRateLimits).
create function public.erase_lead(p_lead uuid, p_reason text, p_at timestamptz)
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

-- An erased lead gets no new task (the daily list's rules and the playbooks see its stage as before).
create function public.skip_tasks_of_erased_leads() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if exists (select 1 from public.leads l where l.id = new.lead_id and l.erased_at is not null) then
    return null;
  end if;
  return new;
end
$$;
create trigger tasks_skip_erased_leads before insert on public.tasks
  for each row when (new.lead_id is not null) execute function public.skip_tasks_of_erased_leads();

revoke all on function public.erase_lead(uuid, text, timestamptz), public.skip_tasks_of_erased_leads() from public, anon;
revoke all on function public.erase_lead_operations(uuid, text[], text, timestamptz, timestamptz) from public, anon, authenticated;
revoke all on function public.erased_text(), public.erasure_pattern(text[], text[]), public.erasure_scrub(text, text),
  public.erasure_scrub(jsonb, text) from public, anon;
grant execute on function public.erase_lead(uuid, text, timestamptz) to authenticated;
grant execute on function public.erased_text(), public.erasure_pattern(text[], text[]), public.erasure_scrub(text, text),
  public.erasure_scrub(jsonb, text) to authenticated, leitstand_functions;

-- The team reads the records (GET /api/erasures); they are written only by public.erase_lead (its owner).
alter table public.erasures enable row level security;
revoke all on public.erasures from anon;
revoke insert, update, delete, truncate, references, trigger on public.erasures from authenticated, service_role;
grant select on public.erasures to authenticated;
create policy erasures_team on public.erasures for select to authenticated using ((select public.is_team_member()));

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
    set stage = 'LOST', lost_reason_code = p_lost_reason, lost_reason = null
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

-- ===== dsgvo-export: Auskunft (Art. 15) =====
-- Everything stored about one person (a lead), as one JSON document in one round trip: GET /api/leads/{id}/export
-- (functions/Privacy) serves it as JSON and as a German page. Runs as the caller (security invoker): under the team
-- member's claims the RLS policies decide, as for every team read; a non-member or an unknown id gets null.
-- Agents without key_hash/previous_key_hash (the columns authenticated may not read), onboarding links without token
-- (the token is signed, never stored). Timestamps in UTC (the function sets TimeZone).
-- A new table about the person joins in ONE place: a new key of the top-level json_build_object below
-- (see "later sections": consent_texts, objections, erasures of the other issue-21 branches).

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

-- The onboarding answers as the questionnaire of their template version asks them, for the Auskunft (lead_export's
-- onboarding_answers[].answers_label): {section title: {question: answer}}, a table or repeated section
-- {section title: {row label or "Workflow n": {question: answer}}}; a choice by its option label, the fixed approval
-- rules by their labels, a schedule or interval in words. A key the template does not know stands under its key, never
-- dropped. json (not jsonb): the questionnaire's order stays.
-- jit = off: the planner guesses 100 rows per jsonb_array_elements, so the nested guesses reach a cost of 10^8 and
-- PostgreSQL compiles the plan with JIT (about 650 ms) for a questionnaire of a few dozen values (0.3 ms to run).
create function public.onboarding_answers_label(p_answers jsonb, p_template_version integer) returns json
language sql stable security invoker set search_path = '' set jit = off as $$
  with cell as (
    select ts.pos, s.key as section_key, coalesce(ts.sec ->> 'title', s.key) as section_label, x.n,
           case when x.n is not null then coalesce(
             (select r ->> 'label' from jsonb_array_elements(ts.sec -> 'rows') r where r ->> 'key' = x.item ->> (ts.sec ->> 'row_key')),
             x.item ->> (ts.sec ->> 'row_key'),
             coalesce((select cl.label from public.code_labels cl where cl.code_set = 'onboarding_item' and cl.code = s.key), 'Eintrag') || ' ' || x.n) end as item_label,
           fp.fpos,
           coalesce(fp.fld ->> 'label', case when ts.sec ? 'fixed' and jsonb_typeof(x.v) = 'array' then rtrim(ts.sec ->> 'intro', ': ') end, x.key) as field_label,
           case
             when jsonb_typeof(x.v) = 'string' then coalesce(
               (select op ->> 'label' from jsonb_array_elements(fp.fld -> 'options') op where op ->> 'value' = x.v #>> '{}' limit 1), x.v #>> '{}')
             when jsonb_typeof(x.v) = 'array' then (select string_agg(coalesce(
                 (select c ->> 'label' from jsonb_array_elements(coalesce(fp.fld -> 'options', ts.sec -> 'fixed')) c
                  where coalesce(c ->> 'value', c ->> 'key') = a.v #>> '{}' limit 1), a.v #>> '{}'), ', ' order by a.i)
               from jsonb_array_elements(x.v) with ordinality a(v, i))
             when jsonb_typeof(x.v) = 'object' and x.v ? 'schedule' then 'nach Zeitplan „' || (x.v ->> 'schedule') || '“'
               || case when coalesce(x.v ->> 'timezone', 'Europe/Berlin') = 'Europe/Berlin' then ' (Berliner Zeit)' else ' (' || (x.v ->> 'timezone') || ')' end
             when jsonb_typeof(x.v) = 'object' and (x.v ->> 'interval') ~ '^PT?[1-9][0-9]*[MHD]$' then
               case when substring(x.v ->> 'interval' from '[0-9]+') = '1'
                    then case right(x.v ->> 'interval', 1) when 'M' then 'jede Minute' when 'H' then 'jede Stunde' else 'jeden Tag' end
                    else 'alle ' || substring(x.v ->> 'interval' from '[0-9]+') || ' '
                         || case right(x.v ->> 'interval', 1) when 'M' then 'Minuten' when 'H' then 'Stunden' else 'Tage' end end
             else x.v #>> '{}'
           end as value
    from jsonb_each(p_answers) s
    left join lateral (select e.sec, e.pos from public.onboarding_templates t cross join lateral jsonb_array_elements(t.sections) with ordinality e(sec, pos)
                       where t.version = p_template_version and e.sec ->> 'key' = s.key limit 1) ts on true
    cross join lateral (
      select null::bigint as n, null::jsonb as item, f.key, f.value as v
      from jsonb_each(case when jsonb_typeof(s.value) = 'object' then s.value else '{}' end) f
      union all
      select e.n, e.item, f.key, f.value
      from jsonb_array_elements(case when jsonb_typeof(s.value) = 'array' then s.value else '[]' end) with ordinality e(item, n)
      cross join lateral jsonb_each(case when jsonb_typeof(e.item) = 'object' then e.item else '{}' end) f
      where f.key is distinct from ts.sec ->> 'row_key'
      union all
      select e.n, null, s.key, e.item
      from jsonb_array_elements(case when jsonb_typeof(s.value) = 'array' then s.value else '[]' end) with ordinality e(item, n)
      where jsonb_typeof(e.item) <> 'object'
      union all
      select null, null, s.key, s.value where jsonb_typeof(s.value) not in ('object', 'array')
    ) x
    left join lateral (select g.fld, g.fpos from jsonb_array_elements(ts.sec -> 'fields') with ordinality g(fld, fpos)
                       where g.fld ->> 'key' = x.key limit 1) fp on true
  ), item as (
    select c.pos, c.section_key, c.section_label, c.n, c.item_label,
           json_object_agg(c.field_label, c.value order by c.fpos nulls last, c.field_label) as fields
    from cell c group by c.pos, c.section_key, c.section_label, c.n, c.item_label
  ), section as (
    select i.pos, i.section_key, i.section_label,
           case when max(i.n) is null then (array_agg(i.fields))[1] else json_object_agg(coalesce(i.item_label, i.section_key), i.fields order by i.n) end as body
    from item i group by i.pos, i.section_key, i.section_label
  )
  select json_object_agg(sc.section_label, sc.body order by sc.pos nulls last, sc.section_key) from section sc
$$;
revoke all on function public.onboarding_answers_label(jsonb, integer) from public, anon;
grant execute on function public.onboarding_answers_label(jsonb, integer) to authenticated;

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
    -- answers_label: the answers as the questionnaire asks them (public.onboarding_answers_label, one call per answers row)
    -- (answers_label joins as json, not jsonb, which would sort the keys: the questionnaire's order stays)
    'onboarding_answers', (select coalesce(json_agg((select json_object_agg(e.key, e.value order by e.ord, e.key) from (
      select 1 as ord, j.key, j.value::json as value
      from jsonb_each(to_jsonb(o) || jsonb_build_object('state_label', (select cl.label from public.code_labels cl where cl.code_set = 'onboarding_state' and cl.code = o.state))) j
      union all
      select 2, 'answers_label', public.onboarding_answers_label(o.answers, o.template_version)) e)
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
    'erasures', (select coalesce(json_agg(to_jsonb(er) || jsonb_build_object('reason_label', (select cl.label from public.code_labels cl where cl.code_set = 'erasure_reason' and cl.code = er.reason),
                                            'counts_label', (select json_object_agg(coalesce(cl.label, c.key), c.value order by c.key)
                                                             from jsonb_each(er.counts) c left join public.code_labels cl on cl.code_set = 'table' and cl.code = c.key))
                                          order by er.erased_at), '[]')
                 from public.erasures er where er.lead_id = p_lead)
  )
  from lead l
$$;
revoke all on function public.lead_export(uuid) from public, anon;
grant execute on function public.lead_export(uuid) to authenticated;
