-- Every alert link opens what it names (issue 18): the catalogue's routes, "Deal gewonnen" about the deal, and the
-- "Agent verbunden" alert at an agent's first heartbeat (trigger agents_connected_alert), once, without the name.
begin;
create extension if not exists pgtap;
select plan(9);

insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source) values
  ('b0000000-0000-4000-8000-000000000231', 'Erika Verbunden', 'erika23@example.com', now(), 'v1', 'test');
insert into public.agents (id, lead_id, name, key_hash, key_prefix) values
  ('ae000000-0000-4000-8000-000000000231', 'b0000000-0000-4000-8000-000000000231', 'Agent Erika Verbunden',
   encode(sha256('lsa_links_one'::bytea), 'hex'), 'lsa_lnk1');

select is(public.alert_link('deal_won', 'd0000000-0000-4000-8000-000000000231'), '#/deals/d0000000-0000-4000-8000-000000000231',
  'deal_won opens the deal');
select is(public.alert_link('agent_connected', 'ae000000-0000-4000-8000-000000000231'), '#/agents/ae000000-0000-4000-8000-000000000231',
  'agent_connected opens the agent');
select set_eq($$ select distinct split_part(route, '/', 2) from public.alert_kinds where route like '%{id}%' $$,
  array['leads', 'deals', 'agents', 'incidents', 'alerts'], 'the links with an id name a lead, deal, agent, incident or alert');

-- A change that is not the first heartbeat makes nothing.
update public.agents set agent_version = '1.0.0' where id = 'ae000000-0000-4000-8000-000000000231';
select is((select count(*)::int from public.alerts where kind = 'agent_connected'), 0, 'no alert before the first heartbeat');

select set_config('leitstand.alerts_queue', 'alerts-pgtap', true);
update public.agents set last_heartbeat_at = '2026-12-07 14:10:00+00' where id = 'ae000000-0000-4000-8000-000000000231';
update public.agents set last_heartbeat_at = '2026-12-07 14:15:00+00' where id = 'ae000000-0000-4000-8000-000000000231';
select results_eq(
  $$ select a.kind, a.severity::text, a.subject_type, a.link, a.occurred_at from public.alerts a where a.kind = 'agent_connected' $$,
  $$ values ('agent_connected'::text, 'info'::text, 'agent'::text, '#/agents/ae000000-0000-4000-8000-000000000231'::text,
            '2026-12-07 14:10:00+00'::timestamptz) $$,
  'the first heartbeat makes one agent_connected alert (the second none)');
select is((select o.queue from public.outbox_messages o join public.alerts a on a.id = o.id where a.kind = 'agent_connected'), 'alerts-pgtap',
  'its queue message goes to the queue the heartbeat writer set');
select ok((select a.title || a.body || a.attributes::text from public.alerts a where a.kind = 'agent_connected') not like '%Erika%',
  'the alert does not carry the agent''s name');

-- Without the setting: the default queue.
update public.agents set last_heartbeat_at = null where id = 'ae000000-0000-4000-8000-000000000231';
delete from public.alerts where kind = 'agent_connected';
select set_config('leitstand.alerts_queue', '', true);
update public.agents set last_heartbeat_at = now() where id = 'ae000000-0000-4000-8000-000000000231';
select is((select o.queue from public.outbox_messages o join public.alerts a on a.id = o.id where a.kind = 'agent_connected'), 'alerts',
  'without it, the default queue');

select ok(not has_function_privilege('authenticated', 'public.agents_connected_alert()', 'execute'),
  'the trigger function is not callable by signed-in users');

select * from finish();
rollback;
