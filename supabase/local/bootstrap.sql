-- Local/test bootstrap: creates on plain PostgreSQL (15 or 17) the roles, schemas and grants Supabase provides out
-- of the box, laid out as on a Supabase project (supabase/postgres, migrations/db: init-scripts, demote-postgres,
-- alter_api_roles_for_inherit, grant_with_admin_to_postgres_16_and_above, update-auth-permissions,
-- revoke_admin_roles_from_postgres). Applied only by the local stack and the tests, never on Supabase.
-- Runs as the cluster's superuser supabase_admin (initdb -U supabase_admin), in the database it prepares; the
-- migrations then run as the role postgres, which is not a superuser, like `supabase db push`. Idempotent, and it
-- converts a cluster from before this layout (superuser postgres, API roles NOINHERIT, auth owned by postgres).

do $$
begin
  -- postgres: the role `supabase db push` and the team's psql use. On Supabase it is not a superuser.
  if not exists (select 1 from pg_roles where rolname = 'postgres') then
    create role postgres login createrole createdb replication bypassrls;
  end if;
  -- The API roles. On Supabase they are INHERIT (alter_api_roles_for_inherit); service_role bypasses RLS by design.
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin inherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin inherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin inherit bypassrls;
  end if;
  -- PostgREST's login role: switches to the API roles, gains nothing by itself.
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
  -- GoTrue's role: owns the auth schema's tables and helpers.
  if not exists (select 1 from pg_roles where rolname = 'supabase_auth_admin') then
    create role supabase_auth_admin login noinherit noreplication;
  end if;
end
$$;

alter role postgres nosuperuser login createrole createdb replication bypassrls;
alter role postgres set search_path to "$user", public, extensions;
alter role anon nologin inherit nobypassrls;
alter role authenticated nologin inherit nobypassrls;
alter role service_role nologin inherit bypassrls;
alter role authenticator login noinherit;

grant anon, authenticated, service_role to authenticator;
-- postgres may switch to the API roles (set local role authenticated) and grant them on (PostgreSQL 16+ asks for
-- ADMIN OPTION where CREATEROLE sufficed before).
grant anon, authenticated, service_role to postgres with admin option;

-- The database belongs to postgres, so it creates schemas and, through pg_database_owner, owns schema public.
do $$
begin
  execute format('alter database %I owner to postgres', current_database());
end
$$;
grant usage on schema public to postgres, anon, authenticated, service_role;

-- postgres sees other roles' sessions and statements in pg_stat_activity (Supabase's documented
-- `grant pg_read_all_stats to postgres`; the tests watch the functions' sessions with it).
grant pg_read_all_stats to postgres;

-- Supabase lets postgres set session_replication_role (supautils), e.g. for data-only restores and seeds.
grant set on parameter session_replication_role to postgres;

-- Schema extensions: Supabase's, postgres has all privileges on it.
create schema if not exists extensions authorization supabase_admin;
alter schema extensions owner to supabase_admin;
grant all on schema extensions to postgres;
grant usage on schema extensions to anon, authenticated, service_role;

-- A trusted extension's script runs as the cluster's bootstrap user. In a developer's cluster converted from the old
-- layout that user is postgres, which is no superuser any more, so postgres could not create even a trusted
-- extension there: install the ones the migrations create (only in such a cluster; elsewhere the migrations do it).
do $$
begin
  if not (select rolsuper from pg_catalog.pg_roles where oid = 10) then
    create extension if not exists unaccent with schema extensions;
  end if;
end
$$;

-- Schema auth: Supabase's (GoTrue's tables); postgres may use it, read and write its tables, but not create in it.
create schema if not exists auth authorization supabase_admin;
alter schema auth owner to supabase_admin;
revoke create on schema auth from postgres;
grant usage on schema auth to postgres, anon, authenticated, service_role;
grant all on schema auth to supabase_auth_admin;

-- A few columns of GoTrue's auth.users: what the migrations reference and the local sign-in writes.
create table if not exists auth.users (
  id uuid primary key default gen_random_uuid(),
  email text,
  raw_app_meta_data jsonb not null default '{}'::jsonb,
  raw_user_meta_data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
alter table auth.users owner to supabase_auth_admin;
grant all on auth.users to postgres;

-- The three helpers exactly as Supabase defines them: they read the claims PostgREST sets.
create or replace function auth.uid() returns uuid
language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.jwt() returns jsonb
language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;
grant execute on function auth.uid(), auth.role(), auth.jwt() to postgres, anon, authenticated, service_role;

-- Supabase grants table privileges in public to its API roles by default; RLS is what protects the data.
-- For the objects postgres creates, i.e. those of the migrations.
alter default privileges for role postgres in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to anon, authenticated, service_role;

-- Locally the functions' role may log in without a password (pg_hba trusts 127.0.0.1 for the throwaway cluster).
-- The role itself is created by the migrations; after-migrations.sql lets it log in (see LocalDatabase).
