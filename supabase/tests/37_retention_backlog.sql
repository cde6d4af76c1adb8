-- Retention over a backlog (20261207203000_retention_backlog.sql): an erased lead has no search words and is not in
-- leads_search_idx (partial, where erased_at is null), so anonymising computes and indexes nothing; the lead search
-- (search_lead_ids) and the page's fallback for rare words (search_lead_page) still read that index.
begin;
create extension if not exists pgtap;
select plan(10);

-- the plan of a statement as text (costs off)
create function pg_temp.plan_of(p_sql text) returns text language plpgsql as $$
declare
  v_line text;
  v_plan text := '';
begin
  for v_line in execute 'explain (costs off) ' || p_sql loop
    v_plan := v_plan || v_line || E'\n';
  end loop;
  return v_plan;
end
$$;

insert into public.leads (id, name, email, company, phone, consent_at, consent_text_version, consent_source, created_at, stage_changed_at)
values
  ('b0000000-0000-4000-8000-000000000371', 'Olga Altbestand', 'olga37@example.com', 'Altbestand GmbH', '+49 30 3737371',
   '2020-01-10', 'v1', 'https://example.com/kontakt', '2020-01-10', '2020-01-10'),
  ('b0000000-0000-4000-8000-000000000372', 'Nina Neukundin', 'nina37@example.com', 'Neu GmbH', '+49 30 3737372',
   now(), 'v1', 'https://example.com/kontakt', now(), now());
-- enough other leads that the planner prefers an index to reading them all
insert into public.leads (name, email, consent_at, consent_text_version, consent_source, created_at)
select 'Person ' || md5(i::text), 'p37-' || i || '@example.de', now(), 'v1', 'test', now() - make_interval(days => i % 300)
from generate_series(1, 3000) i;
analyze public.leads;

select ok((select search_document @@ public.lead_search_query('altbestand') from public.leads
           where id = 'b0000000-0000-4000-8000-000000000371'), 'a lead not erased has its search words');
select is((public.apply_retention(now(), 12, 3, 36, 12, 30, 90, 1) ->> 'open_leads')::int >= 1, true,
  'the retention anonymises the old open lead');
select is((select search_document from public.leads where id = 'b0000000-0000-4000-8000-000000000371'), ''::tsvector,
  'an erased lead has no search words (none of its old ones, not even "Gelöscht")');
select is((select search_document @@ public.lead_search_query('neukundin') from public.leads
           where id = 'b0000000-0000-4000-8000-000000000372'), true, 'the lead not due keeps its words');
select alike(pg_get_indexdef('public.leads_search_idx'::regclass), '%WHERE (erased_at IS NULL)',
  'the search index leaves erased leads out');

-- as a team member (the search functions answer members only)
insert into auth.users (id, email) values ('a0000000-0000-4000-8000-000000000371', 'member37@example.com');
insert into public.team_members (user_id, display_name) values ('a0000000-0000-4000-8000-000000000371', 'Member');
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-000000000371","role":"authenticated"}', true);
select is((select array_agg(i) from public.search_lead_ids('neukundin') i), array['b0000000-0000-4000-8000-000000000372'::uuid],
  'the search finds a lead by its name');
select is((select count(*)::int from public.search_lead_ids('altbestand')) + (select count(*)::int from public.search_lead_ids('gelöscht')),
  0, 'the search finds an erased lead neither by its old name nor as "Gelöscht"');
reset role;

-- The statements inside the search functions, as their owner runs them: still by leads_search_idx.
select ok(pg_temp.plan_of((select replace(prosrc, 'p_search', quote_literal('neukundin')) from pg_proc
                           where oid = 'public.search_lead_ids(text)'::regprocedure)) like '%Bitmap Index Scan on leads_search_idx%',
  'search_lead_ids reads leads_search_idx');
-- search_lead_page: after 5,000 leads with few matches, every older match comes from the index (this statement)
select ok((select prosrc from pg_proc where oid = 'public.search_lead_page(text, text, text, timestamptz, uuid, integer)'::regprocedure)
          ~ 'where l\.search_document @@ v_query\s+and l\.erased_at is null\s+and \(l\.created_at, l\.id\) < \(v_from_at, v_from_id\)',
  'search_lead_page''s fallback names the index''s condition');
select ok(pg_temp.plan_of($q$
  select m.id from (
    select l.id, l.created_at from public.leads l
    where l.search_document @@ public.lead_search_query('neukundin')
      and l.erased_at is null
      and (l.created_at, l.id) < ('infinity'::timestamptz, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)
    offset 0
  ) m
  order by m.created_at desc, m.id desc
  limit 51 $q$) like '%Bitmap Index Scan on leads_search_idx%',
  'search_lead_page''s fallback for rare words reads leads_search_idx');

select * from finish();
rollback;
