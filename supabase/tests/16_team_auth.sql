-- Team sign-in: the functions' role may SET ROLE authenticated (team endpoints run as the signed-in user),
-- inherits nothing from it, and under a member's claims sees what the team sees and no more.
begin;
create extension if not exists pgtap;
select plan(7);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000014', 'member14@example.com');
insert into public.team_members (user_id, display_name) values
  ('a0000000-0000-4000-8000-000000000014', 'Member');
insert into public.outbox_messages (id, queue, payload)
  values ('f0000000-0000-4000-8000-000000000014', 'team-auth-test', '{}');

select ok(pg_has_role('leitstand_functions', 'authenticated', 'member'),
  'leitstand_functions is a member of authenticated (may SET ROLE)');
select ok(not pg_has_role('leitstand_functions', 'authenticated', 'usage'),
  'leitstand_functions does not inherit the privileges of authenticated');
select ok(not pg_has_role('authenticated', 'leitstand_functions', 'member'),
  'authenticated gains nothing of the functions'' role');

set local role leitstand_functions;
select is((select count(*)::int from public.outbox_messages where id = 'f0000000-0000-4000-8000-000000000014'), 1,
  'the functions'' role reads the outbox');

select set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-000000000014","role":"authenticated"}', true);
set local role authenticated;
select is(current_user::text, 'authenticated', 'from the functions'' role, SET ROLE authenticated works');
select ok(public.is_team_member(), 'under a member''s claims is_team_member() is true');
select is((select count(*)::int from public.outbox_messages), 0, 'as the member, RLS hides the outbox');

select * from finish();
rollback;
