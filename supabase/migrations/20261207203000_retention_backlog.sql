-- The first retention run over a five-year backlog (bench/retention.sh: 198,424 leads due at once) took 103 s, goal
-- under 10 s. Most of it was the search words: anonymising a lead recomputed leads.search_document (unaccent and
-- regular expressions, in two security-definer functions, per row) and entered the result into leads_search_idx.
-- * leads.search_document: empty once the lead is erased (erased_at set), computed only for the others. PostgreSQL 15
--   cannot change a generated column's expression, so the column is dropped and added again (now the last column; its
--   index goes with it). Adding it computes every row once, erased leads as empty.
-- * leads_search_idx: only leads not erased (erased ones have no words to find); the searches name that condition.
-- * apply_retention: jit off (its triggers' statements over transition tables were compiled on each run, longer than
--   they ran); retention_due_leads without "set search_path", so it is inlined and the planner sees how many leads
--   are due (a backlog is joined by hash, a daily handful by index).
-- What the retention does and when is unchanged; an erased lead is no longer found by searching "Gelöscht".

alter table public.leads drop column search_document;
alter table public.leads add column search_document tsvector not null generated always as
    (case when erased_at is null then public.lead_search_document(name, company, email, phone, handle)
          else ''::tsvector end) stored;

create index leads_search_idx on public.leads using gin (search_document) with (fastupdate = off) where erased_at is null;

create or replace function public.search_lead_ids(p_search text) returns setof uuid
language sql stable security definer set search_path = '' rows 100 as $$
  select l.id from public.leads l
  where (select public.is_team_member())
    and l.search_document @@ public.lead_search_query(p_search)
    and l.erased_at is null
$$;

create or replace function public.search_lead_page(p_search text, p_stage text, p_source text, p_after_at timestamptz,
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

alter function public.apply_retention(timestamptz, integer, integer, integer, integer, integer, integer, integer) set jit = off;

-- retention_due_leads without settings, so it is inlined into apply_retention (row estimates from the statistics)
alter function public.retention_due_leads(timestamptz, integer, integer, integer) reset search_path;
