-- Leads (CRM): leads and prospects, their touchpoints with the note codes that say what happened (never chat
-- contents), the stage history, packages and deals. The stage rules and the pipeline's events: pipeline.sql.

-- The lead search (public.search_text) folds accents with unaccent; on Supabase extensions live in schema extensions.
create extension if not exists unaccent with schema extensions;
-- public.search_text runs as its owner (security definer): the roles that write leads (the index) need no usage on
-- schema extensions, which belongs to supabase_admin on Supabase (the migration role cannot grant it).

create type public.lead_stage as enum
  ('NEW', 'CONTACTED', 'REPLIED', 'QUALIFIED', 'CALL_BOOKED', 'WON', 'LOST');
create type public.touchpoint_direction as enum ('INBOUND', 'OUTBOUND');
-- Prospects: the weekly 30 new leads mostly come from outreach (Instagram, LinkedIn, X, referrals), not the form.
create type public.contact_basis as enum ('form', 'existing_customer', 'referral', 'cold');
create type public.deal_package as enum ('SETUP', 'RETAINER');
create type public.deal_status as enum ('OPEN', 'WON', 'LOST');

-- ---------------------------------------------------------------------------------------------
-- The lead search (GET /api/leads): case and accents do not matter ("brandl" finds "Brändl"), every word of
-- the search is the start of a word of the lead's name, company, e-mail, phone or handle. Immutable, so the lead
-- keeps its words in a generated column (leads.search_document) with a GIN index (leads_search_idx); unaccent
-- with its dictionary named, so the result does not depend on the search_path. Before the table: its generated
-- column needs them.

-- Lower case, without accents, punctuation as a word break: "Brändl-Öz" → "brandl oz", "a.b@c.de" → "a b c de".
create function public.search_text(p_text text) returns text
language sql immutable parallel safe strict security definer set search_path = '' as $$
  select pg_catalog.btrim(pg_catalog.regexp_replace(
    pg_catalog.lower(extensions.unaccent('extensions.unaccent'::regdictionary, p_text)), '[[:punct:][:space:]]+', ' ', 'g'))
$$;

-- The words a lead is found by: name, company, e-mail, phone and handle, and the phone's digits in the
-- international and the national form (+49 30 1234567 → 49301234567 and 0301234567).
create function public.lead_search_document(p_name text, p_company text, p_email text, p_phone text, p_handle text)
returns tsvector
language sql immutable parallel safe set search_path = '' as $$
  select pg_catalog.to_tsvector('pg_catalog.simple'::regconfig, coalesce(public.search_text(
           concat_ws(' ', p_name, p_company, p_email, p_phone, p_handle, d.digits,
                     case when d.digits like '49%' then '0' || substr(d.digits, 3)
                          when d.digits like '0%' then '49' || substr(d.digits, 2) end)), ''))
  from (select nullif(regexp_replace(regexp_replace(coalesce(p_phone, ''), '[^0-9]', '', 'g'), '^00', ''), '') as digits) d
$$;

-- A search string as a query of lead_search_document: all its words, each as a word start; a string that looks
-- like a phone number (digits, spaces, + - / . and brackets, at least 3 digits) also as the start of the
-- digits ("0049 30 12", "+49 30 12" and "030 12" alike). Null when nothing is left to search for.
create function public.lead_search_query(p_search text) returns tsquery
language sql immutable parallel safe set search_path = '' as $$
  select nullif(concat_ws(' | ', '(' || w.words || ')', quote_literal(d.digits) || ':*'), '')::tsquery
  from (select string_agg(quote_literal(x.lexeme) || ':*', ' & ' order by x.lexeme) as words
        from unnest(tsvector_to_array(pg_catalog.to_tsvector('pg_catalog.simple'::regconfig,
                                                             coalesce(public.search_text(p_search), '')))) as x(lexeme)) w
  cross join (select case when p_search ~ '^[0-9 +()/.-]+$' and length(regexp_replace(p_search, '[^0-9]', '', 'g')) >= 3
                          then regexp_replace(regexp_replace(p_search, '[^0-9]', '', 'g'), '^00', '') end as digits) d
$$;

revoke all on function public.search_text(text), public.lead_search_document(text, text, text, text, text),
  public.lead_search_query(text) from public, anon;
grant execute on function public.search_text(text), public.lead_search_document(text, text, text, text, text),
  public.lead_search_query(text) to authenticated, leitstand_functions;

-- ---------------------------------------------------------------------------------------------
-- Why a lead was lost, as a fixed list of codes (issue 21): the stage history and the KPI figures keep only the
-- code, never free text; a free note stays on the lead (leads.lost_reason) and goes with it.
create table public.lost_reasons (
  code text primary key check (code ~ '^[a-z_]{1,40}$'),
  label text not null check (char_length(label) between 1 and 60),
  position smallint not null,
  -- offered in the status center's LOST form; false for the codes only the privacy functions set
  offered boolean not null default true
);
insert into public.lost_reasons (code, label, position, offered) values
  ('preis', 'Zu teuer', 1, true),
  ('kein_bedarf', 'Kein Bedarf', 2, true),
  ('keine_zeit', 'Keine Zeit / falscher Zeitpunkt', 3, true),
  ('kein_kontakt', 'Keine Antwort / kein Kontakt', 4, true),
  ('wettbewerber', 'Anderer Anbieter', 5, true),
  ('sonstiges', 'Sonstiges', 6, true),
  -- set by the privacy functions (public.stop_lead_contact), not offered in the LOST form
  ('widerspruch', 'Widerspruch (Art. 21)', 7, false),
  ('einwilligung_widerrufen', 'Einwilligung widerrufen', 8, false);

-- ---------------------------------------------------------------------------------------------
-- A lead needs an e-mail address or a channel handle (each unique) and a consent only where the contact basis
-- is the form (DSGVO Art. 7: the form's consent must be provable).
create table public.leads (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(name) between 1 and 120),
  -- stored normalised (trimmed, lower case); unique across the pipeline
  email text check (email = lower(btrim(email)) and char_length(email) <= 254
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
  consent_at timestamptz,
  consent_text_version text check (char_length(consent_text_version) between 1 and 40),
  consent_source text check (char_length(consent_source) between 1 and 300),
  -- LOST: a free note on why (optional beside lost_reason_code; kept on the lead only, never copied)
  lost_reason text check (char_length(lost_reason) <= 500),
  delete_after timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- the booked call (required for CALL_BOOKED, pipeline.sql)
  call_at timestamptz,
  contact_basis public.contact_basis not null default 'form',
  handle_channel text check (handle_channel in ('instagram', 'x', 'linkedin', 'other')),
  -- stored normalised: lower case, without a leading @ or the profile URL
  handle text check (handle ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
  -- the version of the contact data, for optimistic concurrency (PATCH /api/leads/{id}); bumped by touch_lead
  version integer not null default 1 check (version > 0),
  -- LOST: why, as a code of public.lost_reasons (required for LOST, pipeline.sql; what the KPI figures count)
  lost_reason_code text references public.lost_reasons (code) on update cascade,
  -- erased (DSGVO Art. 17, public.erase_lead): the row stays for the anonymous counts (KPI board, stage history)
  -- without any personal field; public.erasures has the record
  erased_at timestamptz,
  -- the consent withdrawn (POST /api/leads/{id}/consent/withdraw): when and by whom (the Supabase user id); contact
  -- stopped at once (public.stop_lead_contact). A new consent through the form clears both.
  consent_withdrawn_at timestamptz,
  consent_withdrawn_by text check (char_length(consent_withdrawn_by) <= 100),
  -- the words the search finds the lead by (public.lead_search_document), kept with the row: a search that walks
  -- the newest leads (a short prefix that many match) tests each row against the stored words instead of
  -- computing them again (unaccent and a regular expression, some 50 µs a row). An erased lead has none (empty):
  -- anonymising it (public.erase_lead, public.apply_retention) computes nothing, and leads_search_idx leaves it out.
  -- The last column since 20261207203000_retention_backlog.sql (PostgreSQL 15 cannot change a generated column's
  -- expression: it was dropped and added again).
  search_document tsvector not null generated always as
    (case when erased_at is null then public.lead_search_document(name, company, email, phone, handle)
          else ''::tsvector end) stored,
  constraint leads_email_key unique (email),
  constraint leads_handle_key unique (handle_channel, handle),
  constraint leads_handle_pair check ((handle is null) = (handle_channel is null)),
  constraint leads_reachable check (email is not null or handle is not null or erased_at is not null),
  constraint leads_form_consent check (contact_basis <> 'form' or erased_at is not null
    or (consent_at is not null and consent_text_version is not null and consent_source is not null))
);
create index leads_stage_idx on public.leads (stage, stage_changed_at);
create index leads_created_idx on public.leads (created_at);
comment on column public.leads.version is
  'Version of the contact data (name, company, email, phone, handle, handle_channel, message): +1 on every change of them (trigger leads_touch); an edit names the version it read (PATCH /api/leads/{id}), a stale one is refused.';

-- updated_at on every update, stage_changed_at when the stage changes, version when the contact data changes
-- (a writer cannot set the version itself).
create function public.touch_lead() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  if new.stage is distinct from old.stage then
    new.stage_changed_at := now();
  end if;
  new.version := old.version
    + case when (new.name, new.company, new.email, new.phone, new.handle, new.handle_channel, new.message)
                is distinct from (old.name, old.company, old.email, old.phone, old.handle, old.handle_channel, old.message)
           then 1 else 0 end;
  return new;
end
$$;

-- fastupdate off: a new lead goes into the index at once instead of a pending list that every search reads (and
-- the planner counts) until the next vacuum; leads are written a few hundred times a day, searched all day.
-- Partial: erased leads have no words to find (the first retention run over a backlog anonymises three quarters of
-- all leads at once; each would otherwise enter the index as an empty item). A search names the same condition
-- (l.erased_at is null), so the planner can use it.
create index leads_search_idx on public.leads using gin (search_document) with (fastupdate = off) where erased_at is null;

-- The leads a search finds, as ids, for a team member (anyone else: none). Under row level security PostgreSQL
-- may not use the GIN index for @@: the operator is not leakproof, so it must run after the policies, on every
-- row. These functions run as their owner (not subject to the policies), ask public.is_team_member() themselves,
-- as the policies do, and give only the ids; the caller reads the leads under its own rights.
-- search_lead_ids: every lead a search finds, in no order.
create function public.search_lead_ids(p_search text) returns setof uuid
language sql stable security definer set search_path = '' rows 100 as $$
  select l.id from public.leads l
  where (select public.is_team_member())
    and l.search_document @@ public.lead_search_query(p_search)
    and l.erased_at is null
$$;
revoke all on function public.search_lead_ids(text) from public, anon;
grant execute on function public.search_lead_ids(text) to authenticated;

-- search_lead_page: one page of the lead list (GET /api/leads?q=): filters (stage, source), order (newest first) and
-- keyset (after the cursor's created_at and id) inside the search, so it reads about a page's worth of leads, never
-- every match first (a one-letter search matches a third of all leads). It walks the newest leads by
-- leads_created_idx in windows of 1,000, 4,000, 16,000 … and tests their stored words (search_document) until the
-- page is full; once 5,000 leads are walked and fewer than one in 400 matched, the word is rare: the rest comes from
-- leads_search_idx (every older match, sorted). Not left to the planner's estimate: for a word start it guesses
-- from the most common words, and a rare name guessed common walked all 260,000 leads (bench/README.md). A few
-- set-based statements per page, not a loop over rows.
create function public.search_lead_page(p_search text, p_stage text, p_source text, p_after_at timestamptz,
                                        p_after_id uuid, p_limit integer) returns setof uuid
language plpgsql stable security definer set search_path = '' rows 51 as $$
declare
  v_query tsquery := public.lead_search_query(p_search);
  v_stage public.lead_stage := p_stage::public.lead_stage;
  v_from_at timestamptz := coalesce(p_after_at, 'infinity');
  v_from_id uuid := coalesce(p_after_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff');
  v_window integer := 1000;
  v_seen bigint := 0;
  v_found integer := 0;
  v_rows integer;
begin
  if v_query is null or p_limit is null or p_limit < 1 or not public.is_team_member() then
    return;
  end if;
  loop
    -- the next v_window leads, newest first, tested against their stored words until the page is full
    return query
      select n.id from (
        select l.id, l.created_at, l.stage, l.source, l.search_document from public.leads l
        where (l.created_at, l.id) < (v_from_at, v_from_id)
        order by l.created_at desc, l.id desc
        limit v_window
      ) n
      where n.search_document @@ v_query
        and (v_stage is null or n.stage = v_stage)
        and (p_source is null or lower(n.source) = lower(p_source))
      order by n.created_at desc, n.id desc
      limit p_limit - v_found;
    get diagnostics v_rows = row_count;
    v_found := v_found + v_rows;
    exit when v_found >= p_limit;
    -- where the window ended (none: the leads ended inside it)
    select w.created_at, w.id into v_from_at, v_from_id from (
      select l.created_at, l.id from public.leads l
      where (l.created_at, l.id) < (v_from_at, v_from_id)
      order by l.created_at desc, l.id desc
      limit v_window
    ) w
    order by w.created_at, w.id
    limit 1;
    exit when not found;
    v_seen := v_seen + v_window;
    -- after 5,000 leads, fewer than one in 400 matched: the rest from the index, every older match sorted
    if v_seen >= 5000 and v_found * 400 < v_seen then
      return query
        select m.id from (
          select l.id, l.created_at from public.leads l
          where l.search_document @@ v_query
            and l.erased_at is null
            and (l.created_at, l.id) < (v_from_at, v_from_id)
            and (v_stage is null or l.stage = v_stage)
            and (p_source is null or lower(l.source) = lower(p_source))
          offset 0
        ) m
        order by m.created_at desc, m.id desc
        limit p_limit - v_found;
      return;
    end if;
    v_window := v_window * 4;
  end loop;
end
$$;
revoke all on function public.search_lead_page(text, text, text, timestamptz, uuid, integer) from public, anon;
grant execute on function public.search_lead_page(text, text, text, timestamptz, uuid, integer) to authenticated;
create trigger leads_touch before update on public.leads
  for each row execute function public.touch_lead();

-- ---------------------------------------------------------------------------------------------
-- The stage catalogue: one row per value of public.lead_stage (a test keeps them equal), in pipeline order,
-- with the German label the status center and the texts show. closed: the lead's way through the pipeline
-- ended there (the board shows only the recent ones). SQL, C# and the status center read it here instead of
-- keeping a copy. The rows: reference_data.sql.
create table public.lead_stages (
  code public.lead_stage primary key,
  label text not null unique check (char_length(label) between 1 and 40),
  position smallint not null unique check (position between 1 and 100),
  closed boolean not null default false
);

-- The German label of a stage, from the catalogue. Stable, not immutable: it reads a table.
create function public.lead_stage_label(p_stage public.lead_stage)
returns text
language sql stable as $$
  select s.label from public.lead_stages s where s.code = p_stage
$$;

-- ---------------------------------------------------------------------------------------------
-- What a touchpoint says, as a code (never chat contents). The codes: reference_data.sql.
create table public.touchpoint_note_codes (
  code text primary key check (code ~ '^[a-z][a-z0-9_]{1,40}$'),
  label text not null check (char_length(label) between 1 and 80),
  direction public.touchpoint_direction not null,
  position smallint not null default 0
);

create table public.lead_touchpoints (
  id uuid primary key default gen_random_uuid(),
  lead_id uuid not null references public.leads (id) on delete cascade,
  direction public.touchpoint_direction not null,
  channel text not null check (channel in ('landing_page', 'email', 'phone', 'instagram', 'x', 'linkedin', 'call', 'other')),
  kind text not null check (kind in ('form_submission', 'dm', 'email', 'call', 'meeting', 'note', 'follow_up')),
  note text check (char_length(note) <= 2000),
  source text check (char_length(source) <= 100),
  utm_campaign text check (char_length(utm_campaign) <= 100),
  consent_text_version text check (char_length(consent_text_version) <= 40),
  occurred_at timestamptz not null default now(),
  created_by text not null default current_user,
  note_code text references public.touchpoint_note_codes (code) on update cascade
);
create index lead_touchpoints_lead_idx on public.lead_touchpoints (lead_id, occurred_at);
comment on column public.lead_touchpoints.note is
  'Free text about the contact: the form''s message, the team''s short note (at most 500 characters by the API: business notes, never chat contents or sensitive data). Personal data of the lead: exported and erased with it (DSGVO Art. 15, 17). What happened as a code: note_code.';

-- A touchpoint and what it implies for the lead, in the caller's transaction: an outbound contact of a NEW
-- lead is its first contact (→ CONTACTED, open first-contact task done); an inbound message of a CONTACTED
-- lead is a reply (→ REPLIED; the open follow-ups are cancelled at once, the stage event does the rest).
-- Any outbound contact also closes an open "Nachfassen". p_task: the task this touchpoint closes (skipped).
-- p_channel: dm, email, call, meeting. p_note: the team's short free-text note besides the code (a call's
-- result in key words; personal data, see lead_touchpoints.note). Returns null when the lead does not exist.
create function public.record_touchpoint(p_lead uuid, p_channel text, p_note_code text, p_at timestamptz,
                                         p_task uuid default null, p_direction public.touchpoint_direction default null,
                                         p_note text default null)
returns table (touchpoint_id uuid, direction public.touchpoint_direction, from_stage public.lead_stage, to_stage public.lead_stage)
language plpgsql set search_path = '' as $$
declare
  v_code public.touchpoint_note_codes;
  v_stage public.lead_stage;
  v_handle_channel text;
  v_to public.lead_stage;
  v_tp uuid;
begin
  select * into v_code from public.touchpoint_note_codes c where c.code = p_note_code;
  if not found then
    raise exception 'Unbekannter Notiz-Code „%“.', p_note_code using errcode = 'invalid_parameter_value';
  end if;
  if p_direction is not null and p_direction <> v_code.direction then
    raise exception 'Der Notiz-Code „%“ passt nicht zur Richtung %.', p_note_code, p_direction using errcode = 'invalid_parameter_value';
  end if;
  select l.stage, l.handle_channel into v_stage, v_handle_channel from public.leads l where l.id = p_lead for update;
  if not found then
    return;
  end if;

  insert into public.lead_touchpoints (lead_id, direction, channel, kind, note, note_code, occurred_at)
  values (p_lead, v_code.direction,
          case p_channel when 'dm' then coalesce(v_handle_channel, 'other') when 'email' then 'email'
                         when 'call' then 'phone' when 'meeting' then 'call' end,
          case p_channel when 'dm' then 'dm' when 'email' then 'email' when 'call' then 'call' when 'meeting' then 'meeting' end,
          p_note, v_code.code, p_at)
  returning id into v_tp;

  v_to := case when v_stage = 'NEW' and v_code.direction = 'OUTBOUND' then 'CONTACTED'::public.lead_stage
               when v_stage = 'CONTACTED' and v_code.direction = 'INBOUND' then 'REPLIED'::public.lead_stage end;
  if v_to is not null then
    update public.leads set stage = v_to where id = p_lead and stage = v_stage;
  end if;

  if v_code.direction = 'OUTBOUND' then
    update public.tasks set status = 'DONE', completed_at = p_at, outcome = 'done', outcome_channel = p_channel,
      outcome_note_code = v_code.code, touchpoint_id = v_tp
    where lead_id = p_lead and status = 'OPEN' and rule in ('first_contact', 'stale') and id is distinct from p_task;
  end if;
  if v_to = 'REPLIED' then
    update public.tasks set status = 'CANCELLED', completed_at = p_at, cancel_reason = 'Lead hat geantwortet'
    where lead_id = p_lead and status = 'OPEN' and playbook_key = 'followup_sequence' and id is distinct from p_task;
  end if;

  touchpoint_id := v_tp;
  direction := v_code.direction;
  from_stage := v_stage;
  to_stage := coalesce(v_to, v_stage);
  return next;
end
$$;
revoke all on function public.record_touchpoint(uuid, text, text, timestamptz, uuid, public.touchpoint_direction, text) from public, anon;
grant execute on function public.record_touchpoint(uuid, text, text, timestamptz, uuid, public.touchpoint_direction, text)
  to authenticated, leitstand_functions;

-- ---------------------------------------------------------------------------------------------
-- Stage history: every insert and every stage change writes a row, whoever the writer is (the trigger
-- leads_stage_history, pipeline.sql). The KPI board's columns are filled by the insert trigger
-- lead_stage_history_stay (kpi.sql), so the board reads only the period's rows:
--   lost_reason_code leads.lost_reason_code is cleared when a lead is reopened (LOST → NEW), but the week it was
--                    lost in should still show why (the code only: no free text in the history or the figures)
--   stay_started_at  when the lead entered from_stage for the stay this row ends
--   stage_total      the lead's whole time in from_stage up to this row, over all its stays there (a lead that
--                    went back or was reopened is counted in full)
--   next_exit_at     when the lead next left from_stage again (null: not yet), so "the lead's last move out of
--                    a stage in a period" is a condition on the row
create table public.lead_stage_history (
  id bigint generated always as identity primary key,
  lead_id uuid not null references public.leads (id) on delete cascade,
  from_stage public.lead_stage,
  to_stage public.lead_stage not null,
  changed_at timestamptz not null default now(),
  changed_by text not null,
  stay_started_at timestamptz,
  stage_total interval,
  next_exit_at timestamptz,
  lost_reason_code text references public.lost_reasons (code) on update cascade
);
create index lead_stage_history_lead_idx on public.lead_stage_history (lead_id, changed_at);
create index lead_stage_history_changed_idx on public.lead_stage_history (changed_at, to_stage);
-- the KPI board's reads as index-only scans: the period's stage moves (the funnel, with their stays and the
-- leads' last totals), the moves the weekly minimums count, the decisions
create index lead_stage_history_kpi_idx on public.lead_stage_history (changed_at)
  include (lead_id, from_stage, to_stage, id, stay_started_at, stage_total, next_exit_at);
create index lead_stage_history_metrics_idx on public.lead_stage_history (changed_at) include (lead_id, from_stage, to_stage)
  where to_stage in ('CONTACTED', 'REPLIED', 'CALL_BOOKED');
create index lead_stage_history_decisions_idx on public.lead_stage_history (changed_at) include (lead_id, to_stage, id, lost_reason_code)
  where to_stage in ('WON', 'LOST');

-- ---------------------------------------------------------------------------------------------
-- Packages (docs/vertrieb/angebot.md). The key is the deal_package enum, so deals.package references this
-- table; a deal's amount_cents stays its agreed price (a discount is possible). The rows: reference_data.sql.
create table public.packages (
  key public.deal_package primary key,
  name text not null check (char_length(name) between 1 and 80),
  kind text not null check (kind in ('one_time', 'monthly')),
  price_cents integer not null check (price_cents > 0 and price_cents <= 100000000),
  active boolean not null default true,
  position smallint not null default 0
);

-- A lead's deal: its status follows the lead's stage (WON/LOST, record_lead_stage_change in pipeline.sql).
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
  -- Retainers: the first and the last day of service (Berlin dates, inclusive). starts_on empty = the day the
  -- deal was won; ends_on empty = running. A month counts a retainer that ran on at least one of its days.
  starts_on date,
  ends_on date,
  -- why amount_cents differs from the package's price (public.create_deal, public.correct_deal require it then)
  price_reason text check (char_length(price_reason) between 1 and 300),
  -- a won deal of an erased lead (DSGVO Art. 17) is an accounting record (§257 HGB, §147 AO): kept without the
  -- person, restricted until the last day of its retention (10 years after the end of the year it was won in)
  restricted_until date,
  constraint deals_won_at_matches_status check ((status = 'WON') = (won_at is not null)),
  constraint deals_package_fkey foreign key (package) references public.packages (key) on update cascade,
  constraint deals_period check (ends_on is null or starts_on is null or ends_on >= starts_on)
);
create index deals_lead_idx on public.deals (lead_id);
create index deals_won_idx on public.deals (won_at) where status = 'WON';
create index deals_open_idx on public.deals (lead_id) where status = 'OPEN';
-- the KPI board's won deals by package, index-only
create index deals_won_package_idx on public.deals (package, won_at) include (amount_cents, starts_on, ends_on) where status = 'WON';
-- the oldest won deal, for the KPI keeper's first period (the same as deals_won_idx; both exist in deployed
-- databases, 20261202060000_kpi_period_figures.sql)
create index deals_won_at_idx on public.deals (won_at) where status = 'WON';

-- ---------------------------------------------------------------------------------------------
-- A deal's history: its creation and every correction (amount, package, start, status; also the status the stage
-- rules set), who (the Supabase user id, else the database role), when, the values before and after (only the
-- fields that changed) and why. Written by the triggers below for every writer, one statement per statement.
create table public.deal_history (
  id bigint generated always as identity primary key,
  deal_id uuid not null references public.deals (id) on delete cascade,
  changed_at timestamptz not null default now(),
  changed_by text not null,
  change text not null check (change in ('created', 'corrected')),
  old_values jsonb,
  new_values jsonb not null,
  reason text check (char_length(reason) <= 300)
);
create index deal_history_deal_idx on public.deal_history (deal_id, id);

-- The reason comes from public.correct_deal (setting leitstand.deal_change_reason, transaction-local); a new
-- amount without one names its price_reason.
create function public.record_deal_history() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_actor text := coalesce((select auth.uid())::text, session_user);
  v_reason text := nullif(current_setting('leitstand.deal_change_reason', true), '');
begin
  if tg_op = 'INSERT' then
    insert into public.deal_history (deal_id, changed_by, change, old_values, new_values, reason)
    select n.id, v_actor, 'created', null,
           to_jsonb(n) - 'id' - 'lead_id' - 'created_at' - 'updated_at' - 'currency', coalesce(v_reason, n.price_reason)
    from new_deals n;
  else
    insert into public.deal_history (deal_id, changed_by, change, old_values, new_values, reason)
    select n.id, v_actor, 'corrected', c.old_values, c.new_values,
           coalesce(v_reason, case when c.new_values ? 'amount_cents' then n.price_reason end)
    from new_deals n
    join old_deals o on o.id = n.id
    cross join lateral (
      select jsonb_object_agg(ov.key, ov.value) as old_values, jsonb_object_agg(ov.key, nv.value) as new_values
      from jsonb_each(to_jsonb(o)) ov
      join jsonb_each(to_jsonb(n)) nv on nv.key = ov.key
      where ov.key not in ('updated_at', 'created_at') and ov.value is distinct from nv.value
    ) c
    where c.new_values is not null;
  end if;
  return null;
end
$$;
revoke all on function public.record_deal_history() from public, anon, authenticated;
create trigger deals_history_insert after insert on public.deals
  referencing new table as new_deals
  for each statement execute function public.record_deal_history();
create trigger deals_history_update after update on public.deals
  referencing old table as old_deals new table as new_deals
  for each statement execute function public.record_deal_history();

-- A deal from a package, in the caller's transaction (POST /api/leads/{id}/deals, and "Gewonnen" with its deal in
-- POST /api/leads/{id}/stage). The price is the package's; another amount needs a price_reason. A start date
-- only for a monthly package (the retainer). p_won: recorded as won now. Refusals name their field in the error's
-- COLUMN (SQLSTATE 23514): stage (table leads: the lead is LOST), package, price_reason, starts_on (table deals).
-- Returns no row when the lead does not exist.
create function public.create_deal(p_lead uuid, p_package text, p_amount_cents integer, p_price_reason text,
                                   p_starts_on date, p_won boolean default false)
returns table (deal_id uuid)
language plpgsql set search_path = '' as $$
declare
  v_stage public.lead_stage;
  v_package public.packages;
  v_amount integer;
  v_reason text := nullif(btrim(p_price_reason), '');
begin
  select l.stage into v_stage from public.leads l where l.id = p_lead for update;
  if not found then
    return;
  end if;
  if v_stage = 'LOST' then
    raise exception 'Der Lead ist verloren: Für ihn kann kein Deal angelegt werden. Bitte ihn zuerst wiedereröffnen.'
      using errcode = 'check_violation', schema = 'public', table = 'leads', column = 'stage';
  end if;
  select * into v_package from public.packages p where p.key::text = upper(btrim(p_package)) and p.active;
  if not found then
    raise exception 'Unbekanntes Paket „%“. Erlaubt: %.', p_package,
      (select string_agg(p.key::text, ', ' order by p.position) from public.packages p where p.active)
      using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'package';
  end if;
  v_amount := coalesce(p_amount_cents, v_package.price_cents);
  if v_amount <> v_package.price_cents and v_reason is null then
    raise exception 'Der Betrag weicht vom Paketpreis (%) ab: Bitte den Grund angeben.', public.german_euros(v_package.price_cents)
      using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'price_reason';
  end if;
  if p_starts_on is not null and v_package.kind <> 'monthly' then
    raise exception 'Ein Startdatum gibt es nur für ein monatliches Paket (Retainer).'
      using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'starts_on';
  end if;

  return query
  insert into public.deals (lead_id, package, amount_cents, status, won_at, starts_on, price_reason)
  values (p_lead, v_package.key, v_amount, case when p_won then 'WON' else 'OPEN' end::public.deal_status,
          case when p_won then now() end, p_starts_on, case when v_amount <> v_package.price_cents then v_reason end)
  returning id;
end
$$;
revoke all on function public.create_deal(uuid, text, integer, text, date, boolean) from public, anon;
grant execute on function public.create_deal(uuid, text, integer, text, date, boolean) to authenticated, leitstand_functions;

-- A correction of a deal (PATCH /api/deals/{id}): p_changes holds the fields to change (package, amount_cents,
-- price_reason, starts_on, status; a field given as null clears starts_on), p_reason why (in the history). A new
-- package without an amount takes its price; an amount other than the package's price needs a price_reason in
-- the same correction (back to the price clears it). A lead in WON keeps a won deal, a LOST lead's deal stays
-- LOST. Compare-and-set on the status read under the row lock. Refusals as in public.create_deal (COLUMN:
-- package, price_reason, starts_on, status). Returns no row when the deal does not exist.
create function public.correct_deal(p_deal uuid, p_changes jsonb, p_reason text)
returns table (deal_id uuid)
language plpgsql set search_path = '' as $$
declare
  v_deal public.deals;
  v_stage public.lead_stage;
  v_package public.packages;
  v_amount integer;
  v_price_reason text := nullif(btrim(p_changes ->> 'price_reason'), '');
  v_starts_on date;
  v_status public.deal_status;
begin
  select d.* into v_deal from public.deals d where d.id = p_deal for update;
  if not found then
    return;
  end if;
  select l.stage into v_stage from public.leads l where l.id = v_deal.lead_id;

  select * into v_package from public.packages p
  where p.key::text = coalesce(upper(btrim(p_changes ->> 'package')), v_deal.package::text)
    and (p.active or p.key = v_deal.package);
  if not found then
    raise exception 'Unbekanntes Paket „%“. Erlaubt: %.', p_changes ->> 'package',
      (select string_agg(p.key::text, ', ' order by p.position) from public.packages p where p.active)
      using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'package';
  end if;

  v_amount := case when p_changes ? 'amount_cents' then (p_changes ->> 'amount_cents')::integer
                   when v_package.key <> v_deal.package then v_package.price_cents
                   else v_deal.amount_cents end;
  if v_amount = v_package.price_cents then
    v_price_reason := null;
  elsif v_amount <> v_deal.amount_cents or v_package.key <> v_deal.package then
    if v_price_reason is null then
      raise exception 'Der Betrag weicht vom Paketpreis (%) ab: Bitte den Grund angeben.', public.german_euros(v_package.price_cents)
        using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'price_reason';
    end if;
  else
    v_price_reason := coalesce(v_price_reason, v_deal.price_reason);
  end if;

  v_starts_on := case when p_changes ? 'starts_on' then (p_changes ->> 'starts_on')::date else v_deal.starts_on end;
  if v_package.kind <> 'monthly' then
    if p_changes ? 'starts_on' and v_starts_on is not null then
      raise exception 'Ein Startdatum gibt es nur für ein monatliches Paket (Retainer).'
        using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'starts_on';
    end if;
    v_starts_on := null;
  end if;
  if v_starts_on is not null and v_deal.ends_on is not null and v_starts_on > v_deal.ends_on then
    raise exception 'Der Start liegt nach dem Ende des Retainers (%).', to_char(v_deal.ends_on, 'DD.MM.YYYY')
      using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'starts_on';
  end if;

  v_status := coalesce((p_changes ->> 'status')::public.deal_status, v_deal.status);
  if v_status <> v_deal.status then
    if v_stage = 'LOST' then
      raise exception 'Der Lead ist verloren: Sein Deal bleibt „verloren“. Bitte den Lead zuerst wiedereröffnen.'
        using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'status';
    end if;
    if v_stage = 'WON' and v_deal.status = 'WON' and not exists (
         select 1 from public.deals d where d.lead_id = v_deal.lead_id and d.status = 'WON' and d.id <> v_deal.id) then
      raise exception 'Der Lead ist gewonnen und braucht einen gewonnenen Deal: Dies ist sein einziger.'
        using errcode = 'check_violation', schema = 'public', table = 'deals', column = 'status';
    end if;
  end if;

  perform set_config('leitstand.deal_change_reason', coalesce(nullif(btrim(p_reason), ''), ''), true);
  return query
  update public.deals d
  set package = v_package.key, amount_cents = v_amount, price_reason = v_price_reason, starts_on = v_starts_on,
      status = v_status,
      won_at = case when v_status = 'WON' then coalesce(d.won_at, now()) end,
      updated_at = now()
  where d.id = p_deal and d.status = v_deal.status
  returning d.id;
  perform set_config('leitstand.deal_change_reason', '', true);
end
$$;
revoke all on function public.correct_deal(uuid, jsonb, text) from public, anon;
grant execute on function public.correct_deal(uuid, jsonb, text) to authenticated, leitstand_functions;

alter table public.deal_history enable row level security;
revoke all on public.deal_history from anon;
revoke truncate, references, trigger on public.deal_history from authenticated, service_role;
-- written by the triggers only: the history is not edited
revoke insert, update, delete on public.deal_history from authenticated;
create policy deal_history_team on public.deal_history for select to authenticated using ((select public.is_team_member()));
grant select on public.deal_history to leitstand_functions;
create policy deal_history_functions on public.deal_history for select to leitstand_functions using (true);

-- ---------------------------------------------------------------------------------------------
-- Row level security. anon: nothing. authenticated: team members only. leitstand_functions: what the
-- functions need. TRUNCATE ignores row level security: nobody but the owner may do it.
alter table public.leads enable row level security;
alter table public.touchpoint_note_codes enable row level security;
alter table public.lead_touchpoints enable row level security;
alter table public.lead_stage_history enable row level security;
alter table public.packages enable row level security;
alter table public.deals enable row level security;
alter table public.lead_stages enable row level security;

revoke all on public.leads, public.touchpoint_note_codes, public.lead_touchpoints, public.lead_stage_history,
  public.packages, public.deals, public.lead_stages from anon;
revoke truncate, references, trigger on public.leads, public.touchpoint_note_codes, public.lead_touchpoints,
  public.lead_stage_history, public.packages, public.deals, public.lead_stages from authenticated, service_role;
-- the stage catalogue changes by migration only
revoke insert, update, delete on public.lead_stages from authenticated;

create policy leads_team on public.leads for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy touchpoint_note_codes_team on public.touchpoint_note_codes for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy lead_touchpoints_team on public.lead_touchpoints for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy lead_stage_history_team on public.lead_stage_history for select to authenticated
  using ((select public.is_team_member()));
create policy packages_team on public.packages for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy deals_team on public.deals for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy lead_stages_team on public.lead_stages for select to authenticated using ((select public.is_team_member()));

grant select, insert, update, delete on public.leads to leitstand_functions;
grant select, insert, update on public.lead_touchpoints, public.deals to leitstand_functions;
grant select on public.touchpoint_note_codes, public.lead_stage_history, public.packages, public.lead_stages to leitstand_functions;
create policy leads_functions on public.leads for all to leitstand_functions using (true) with check (true);
create policy touchpoint_note_codes_functions on public.touchpoint_note_codes for select to leitstand_functions using (true);
create policy lead_touchpoints_functions on public.lead_touchpoints for all to leitstand_functions using (true) with check (true);
create policy lead_stage_history_functions on public.lead_stage_history for select to leitstand_functions using (true);
create policy packages_functions on public.packages for select to leitstand_functions using (true);
create policy deals_functions on public.deals for all to leitstand_functions using (true) with check (true);
create policy lead_stages_functions on public.lead_stages for select to leitstand_functions using (true);

-- The lost reasons: a fixed list, changed by migration only (like the stage catalogue).
alter table public.lost_reasons enable row level security;
revoke all on public.lost_reasons from anon;
revoke truncate, references, trigger on public.lost_reasons from authenticated, service_role;
revoke insert, update, delete on public.lost_reasons from authenticated;
create policy lost_reasons_team on public.lost_reasons for select to authenticated using ((select public.is_team_member()));
grant select on public.lost_reasons to leitstand_functions;
create policy lost_reasons_functions on public.lost_reasons for select to leitstand_functions using (true);
