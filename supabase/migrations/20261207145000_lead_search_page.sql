-- The lead search reads a page, not every match (issue 18, "Speed"; bench/leads.sh). search_lead_ids gave the ids
-- of every lead a search finds, and the page sorted them and cut 50: a one-letter search read some 100,000 leads
-- (0.5 s on the benchmark's 260,000). Now:
--   leads.search_document   the lead's search words, generated and stored (public.lead_search_document), so a
--                           search that walks the newest leads tests each row without computing its words again
--   leads_search_idx        the GIN index, now on that column (same words as before)
--   search_lead_page        one page: filters, order (newest first) and keyset inside the search, planned for
--                           the search's own words (EXECUTE), so the planner picks the newest-first walk or the index
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
begin
  if not public.is_team_member() then
    return;
  end if;
  return query execute
    'select l.id from public.leads l
     where l.search_document @@ public.lead_search_query($1)
       and ($2::text is null or l.stage = $2::public.lead_stage)
       and ($3::text is null or lower(l.source) = lower($3))
       and ($4::timestamptz is null or (l.created_at, l.id) < ($4, $5))
     order by l.created_at desc, l.id desc
     limit $6'
    using p_search, p_stage, p_source, p_after_at, p_after_id, p_limit;
end
$$;
revoke all on function public.search_lead_page(text, text, text, timestamptz, uuid, integer) from public, anon;
grant execute on function public.search_lead_page(text, text, text, timestamptz, uuid, integer) to authenticated;
