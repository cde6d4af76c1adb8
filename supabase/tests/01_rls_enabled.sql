-- Row level security is enabled on every table in schema public, including tables added later.
-- The checks query the catalog, so a future migration that creates a table (or a view that would
-- bypass RLS) without protection makes this file fail.
begin;
create extension if not exists pgtap;
select plan(28);

-- Sanity: the catalog query really sees the CRM tables (otherwise the next test would pass vacuously).
select cmp_ok(
  (select count(*)::int from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')),
  '>=', 21,
  'the catalog query finds the tables of schema public');

select is_empty(
  $$ select c.relname::text
       from pg_class c
      where c.relnamespace = 'public'::regnamespace
        and c.relkind in ('r', 'p')          -- ordinary and partitioned tables
        and not c.relrowsecurity
        and not exists (select 1 from pg_depend d       -- skip tables owned by extensions
                         where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e') $$,
  'every table in schema public has row level security enabled');

-- Views run with their owner's rights unless security_invoker is set, and materialized views cannot
-- have RLS at all, so either would expose the tables behind them to the API roles.
select is_empty(
  $$ select c.relname::text
       from pg_class c
      where c.relnamespace = 'public'::regnamespace
        and ((c.relkind = 'v'
              and not exists (select 1 from unnest(c.reloptions) o
                               where lower(o) in ('security_invoker=true', 'security_invoker=on',
                                                  'security_invoker=1', 'security_invoker=yes')))
             or c.relkind = 'm')
        and not exists (select 1 from pg_depend d
                         where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e') $$,
  'schema public has no view without security_invoker and no materialized view');

-- The known tables, one by one, for readable failure messages.
select ok((select relrowsecurity from pg_class where oid = 'public.team_members'::regclass),       'RLS enabled on public.team_members');
select ok((select relrowsecurity from pg_class where oid = 'public.leads'::regclass),              'RLS enabled on public.leads');
select ok((select relrowsecurity from pg_class where oid = 'public.lead_touchpoints'::regclass),   'RLS enabled on public.lead_touchpoints');
select ok((select relrowsecurity from pg_class where oid = 'public.lead_stage_history'::regclass), 'RLS enabled on public.lead_stage_history');
select ok((select relrowsecurity from pg_class where oid = 'public.deals'::regclass),              'RLS enabled on public.deals');
select ok((select relrowsecurity from pg_class where oid = 'public.deal_history'::regclass),       'RLS enabled on public.deal_history');
select ok((select relrowsecurity from pg_class where oid = 'public.tasks'::regclass),              'RLS enabled on public.tasks');
select ok((select relrowsecurity from pg_class where oid = 'public.outbox_messages'::regclass),    'RLS enabled on public.outbox_messages');
select ok((select relrowsecurity from pg_class where oid = 'public.rate_limit_hits'::regclass),    'RLS enabled on public.rate_limit_hits');
select ok((select relrowsecurity from pg_class where oid = 'public.lead_stage_transitions'::regclass), 'RLS enabled on public.lead_stage_transitions');
select ok((select relrowsecurity from pg_class where oid = 'public.pipeline_events'::regclass),    'RLS enabled on public.pipeline_events');
select ok((select relrowsecurity from pg_class where oid = 'public.playbooks'::regclass),          'RLS enabled on public.playbooks');
select ok((select relrowsecurity from pg_class where oid = 'public.playbook_steps'::regclass),     'RLS enabled on public.playbook_steps');
select ok((select relrowsecurity from pg_class where oid = 'public.agents'::regclass),             'RLS enabled on public.agents');
select ok((select relrowsecurity from pg_class where oid = 'public.agent_key_handovers'::regclass), 'RLS enabled on public.agent_key_handovers');
select ok((select relrowsecurity from pg_class where oid = 'public.error_classes'::regclass),      'RLS enabled on public.error_classes');
select ok((select relrowsecurity from pg_class where oid = 'public.agent_heartbeats'::regclass),   'RLS enabled on public.agent_heartbeats');
select ok((select relrowsecurity from pg_class where oid = 'public.agent_status_flips'::regclass), 'RLS enabled on public.agent_status_flips');
select ok((select relrowsecurity from pg_class where oid = 'public.agent_maintenance_windows'::regclass), 'RLS enabled on public.agent_maintenance_windows');
select ok((select relrowsecurity from pg_class where oid = 'public.incidents'::regclass),          'RLS enabled on public.incidents');
select ok((select relrowsecurity from pg_class where oid = 'public.incident_events'::regclass),    'RLS enabled on public.incident_events');
select ok((select relrowsecurity from pg_class where oid = 'public.agent_commands'::regclass),     'RLS enabled on public.agent_commands');
select ok((select relrowsecurity from pg_class where oid = 'public.lead_stages'::regclass),        'RLS enabled on public.lead_stages');
select ok((select relrowsecurity from pg_class where oid = 'public.alert_kinds'::regclass),        'RLS enabled on public.alert_kinds');

-- None of the roles the API or the functions use may bypass RLS (service_role does so by design).
select is_empty(
  $$ select rolname::text from pg_roles
      where rolname in ('anon', 'authenticated', 'authenticator', 'leitstand_functions')
        and (rolbypassrls or rolsuper) $$,
  'anon, authenticated, authenticator and leitstand_functions neither bypass RLS nor are superusers');

select * from finish();
rollback;
