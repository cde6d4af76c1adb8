-- Team sign-in: team endpoints run their reads and writes as the signed-in user. The functions verify the
-- Supabase access token and then, per transaction, do what PostgREST does:
--   select set_config('request.jwt.claims', '<token payload>', true); set local role authenticated;
-- so the RLS policies (public.is_team_member()) guard the API as they guard the status center.
-- For SET ROLE the functions' role must be a member of authenticated. It stays NOINHERIT, so without
-- SET ROLE it gains none of authenticated's privileges; and authenticated gains none of the functions'.
grant authenticated to leitstand_functions;
