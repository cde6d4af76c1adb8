-- Team and sign-in: who belongs to the team, and how the team endpoints act as the signed-in user.

-- Who belongs to the team. A user is a team member if listed here or if the JWT's
-- app_metadata carries role "team" or "admin" (set server-side only, never by the user).
create table public.team_members (
  user_id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null check (char_length(display_name) between 1 and 120),
  role text not null default 'member' check (role in ('owner', 'member')),
  created_at timestamptz not null default now()
);

-- Every policy for authenticated asks this (as (select public.is_team_member()), evaluated once per statement).
create function public.is_team_member() returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce((select auth.jwt()) -> 'app_metadata' ->> 'role', '') in ('team', 'admin')
      or exists (select 1 from public.team_members tm where tm.user_id = (select auth.uid()));
$$;
revoke all on function public.is_team_member() from public;
grant execute on function public.is_team_member() to authenticated, service_role, leitstand_functions;

-- Row level security on every table (here and in every feature). anon: nothing. authenticated: team members only.
-- leitstand_functions: what the functions need. service_role bypasses RLS (Supabase's admin key).
alter table public.team_members enable row level security;
revoke all on public.team_members from anon;
revoke truncate, references, trigger on public.team_members from authenticated, service_role;
create policy team_members_read on public.team_members for select to authenticated
  using ((select public.is_team_member()));
grant select on public.team_members to leitstand_functions;
create policy team_members_functions on public.team_members for select to leitstand_functions using (true);

-- Team sign-in: team endpoints run their reads and writes as the signed-in user. The functions verify the
-- Supabase access token and then, per transaction, do what PostgREST does:
--   select set_config('request.jwt.claims', '<token payload>', true); set local role authenticated;
-- so the RLS policies (public.is_team_member()) guard the API as they guard the status center.
-- For SET ROLE the functions' role must be a member of authenticated. It stays NOINHERIT, so without
-- SET ROLE it gains none of authenticated's privileges; and authenticated gains none of the functions'.
grant authenticated to leitstand_functions;
