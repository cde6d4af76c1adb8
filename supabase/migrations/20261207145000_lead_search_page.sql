-- The lead search reads a page, not every match (issue 18, "Speed"; bench/leads.sh). search_lead_ids gave the ids
-- of every lead a search finds, and the page sorted them and cut 50: a one-letter search read some 100,000 leads
-- (0.5 s on the benchmark's 260,000). Now:
--   leads.search_document   the lead's search words, generated and stored (public.lead_search_document), so a
--                           search that walks the newest leads tests each row without computing its words again
--   leads_search_idx        the GIN index, now on that column (same words as before)
--   search_lead_page        one page: filters, order (newest first) and keyset inside the search; walks the newest
--                           leads in growing windows until the page is full, a rare word reads leads_search_idx
--   search_lead_ids         reads the column (same result)
drop index public.leads_search_idx;
alter table public.leads add column search_document tsvector not null generated always as
  (public.lead_search_document(name, company, email, phone, handle)) stored;
create index leads_search_idx on public.leads using gin (search_document) with (fastupdate = off);

create or replace function public.search_lead_ids(p_search text) returns setof uuid
language sql stable security definer set search_path = '' rows 100 as $$
  select l.id from public.leads l
  where (select public.is_team_member())
    and l.search_document @@ public.lead_search_query(p_search)
$$;

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
