-- Platform: what every feature uses. The functions' role and its access to the schema, the outbox for queue
-- messages, the lead form's rate-limit counters, Europe/Berlin time helpers and German text helpers.
--
-- supabase/schemas/ holds the CURRENT definition of the database, one file per feature, applied in the order of
-- [db.migrations] schema_paths in supabase/config.toml (this file first, reference_data.sql last). Deployed
-- databases get there through supabase/migrations/ (the history); SchemaFilesTests builds one database from each
-- and compares their catalogues. How to change the schema: supabase/README.md.
-- Runs on Supabase and on plain PostgreSQL 15 (with supabase/local/bootstrap.sql, which creates anon,
-- authenticated, service_role and auth.* as Supabase has them).

-- ---------------------------------------------------------------------------------------------
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

-- ---------------------------------------------------------------------------------------------
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

-- Only the functions' role: no policy for authenticated, so team members see nothing here; anon gets nothing.
alter table public.outbox_messages enable row level security;
alter table public.rate_limit_hits enable row level security;
revoke all on public.outbox_messages, public.rate_limit_hits from anon;
-- TRUNCATE ignores row level security: nobody but the owner may do it.
revoke truncate, references, trigger on public.outbox_messages, public.rate_limit_hits from authenticated, service_role;
grant select, insert, update, delete on public.outbox_messages, public.rate_limit_hits to leitstand_functions;
create policy outbox_messages_functions on public.outbox_messages for all to leitstand_functions using (true) with check (true);
create policy rate_limit_hits_functions on public.rate_limit_hits for all to leitstand_functions using (true) with check (true);

-- ---------------------------------------------------------------------------------------------
-- Europe/Berlin time (SQL without a SET clause, so the planner inlines them into set-based statements).

-- The start of a Berlin date as an instant (00:00 local, correct on the daylight saving days).
create function public.berlin_day_start(p_date date)
returns timestamptz
language sql stable as $$
  select p_date::timestamp at time zone 'Europe/Berlin'
$$;

-- A time that falls on a Saturday or Sunday in Berlin moves to the Monday after, same local time.
create function public.weekend_to_monday(p_at timestamptz)
returns timestamptz
language sql stable as $$
  select case when extract(isodow from p_at at time zone 'Europe/Berlin') >= 6
              then ((p_at at time zone 'Europe/Berlin')
                    + make_interval(days => 8 - extract(isodow from p_at at time zone 'Europe/Berlin')::int)) at time zone 'Europe/Berlin'
              else p_at end
$$;

-- ---------------------------------------------------------------------------------------------
-- German texts.

-- "45 min", "2 h 5 min", "3 Tage 4 h" for German texts.
create function public.german_duration(p_interval interval)
returns text
language sql immutable set search_path = '' as $$
  select case
    when s < 3600 then greatest(1, s / 60)::text || ' min'
    when s < 86400 then (s / 3600)::text || ' h' || case when s % 3600 >= 60 then ' ' || (s % 3600 / 60)::text || ' min' else '' end
    else (s / 86400)::text || case when s / 86400 = 1 then ' Tag' else ' Tage' end
         || case when s % 86400 >= 3600 then ' ' || (s % 86400 / 3600)::text || ' h' else '' end
  end
  from (select greatest(0, floor(extract(epoch from p_interval)))::bigint as s) x
$$;

-- "heute", "1 Tag", "3 Tagen"
create function public.german_days(p_days integer)
returns text
language sql immutable as $$
  select case when p_days <= 0 then 'heute' when p_days = 1 then '1 Tag' else p_days || ' Tagen' end
$$;

-- 1.490 € (whole euros, German grouping)
create function public.german_euros(p_cents numeric)
returns text
language sql immutable as $$
  select replace(to_char(round(p_cents / 100.0), 'FM999,999,999,990'), ',', '.') || ' €'
$$;
