-- KPI board, the running period (issue #10): the funnel's "total time in stage" takes each lead's last move out of
-- a stage in the period. It grouped the period's moves by lead and stage to find it (a month: 10,500 pairs, the
-- largest part of a live board). Now every move out of a stage knows when the lead next left that stage again
-- (next_exit_at), so "last in the period" is a condition on the row: next_exit_at is null or not before the
-- period's end. Exact for any end, also a point in the middle of a period.
alter table public.lead_stage_history add column next_exit_at timestamptz;

-- Filled by the insert trigger (the lead's previous move out of the same stage learns of this one) and by
-- recompute_stage_stays.
create or replace function public.fill_stage_stay() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.from_stage is not null then
    select h.changed_at into new.stay_started_at from public.lead_stage_history h
    where h.lead_id = new.lead_id order by h.changed_at desc, h.id desc limit 1;
    new.stage_total := coalesce((select h.stage_total from public.lead_stage_history h
                                 where h.lead_id = new.lead_id and h.from_stage = new.from_stage
                                 order by h.changed_at desc, h.id desc limit 1), interval '0')
                       + coalesce(new.changed_at - new.stay_started_at, interval '0');
    update public.lead_stage_history h set next_exit_at = new.changed_at
    where h.id = (select x.id from public.lead_stage_history x
                  where x.lead_id = new.lead_id and x.from_stage = new.from_stage
                  order by x.changed_at desc, x.id desc limit 1);
  end if;
  if new.to_stage = 'LOST' and new.lost_reason is null then
    -- written by the leads trigger after the update, so the row has the new reason
    select l.lost_reason into new.lost_reason from public.leads l where l.id = new.lead_id;
  end if;
  return new;
end
$$;

create or replace function public.recompute_stage_stays(p_leads uuid[] default null)
returns integer
language sql set search_path = '' as $$
  with ordered as (
    select h.id, h.lead_id, h.from_stage, h.changed_at, lag(h.changed_at) over w as started
    from public.lead_stage_history h
    where p_leads is null or h.lead_id = any(p_leads)
    window w as (partition by h.lead_id order by h.changed_at, h.id)
  ), totals as (
    select o.id, case when o.from_stage is not null then o.started end as started,
           case when o.from_stage is not null
                then sum(coalesce(o.changed_at - o.started, interval '0')) over s end as total,
           case when o.from_stage is not null then lead(o.changed_at) over s end as next_exit
    from ordered o
    window s as (partition by o.lead_id, o.from_stage order by o.changed_at, o.id)
  ), updated as (
    update public.lead_stage_history h set stay_started_at = t.started, stage_total = t.total, next_exit_at = t.next_exit
    from totals t
    where t.id = h.id and (h.stay_started_at is distinct from t.started or h.stage_total is distinct from t.total
                           or h.next_exit_at is distinct from t.next_exit)
    returning 1
  )
  select count(*)::int from updated
$$;
revoke all on function public.recompute_stage_stays(uuid[]) from public, anon, authenticated;

select public.recompute_stage_stays();

-- the funnel's index-only range, now with next_exit_at
drop index public.lead_stage_history_kpi_idx;
create index lead_stage_history_kpi_idx on public.lead_stage_history (changed_at)
  include (lead_id, from_stage, to_stage, id, stay_started_at, stage_total, next_exit_at);

-- The funnel reads one index range for the moves out of a stage, their stays and the leads' last totals
-- (measured on the bench data: a live month 21–33 ms instead of 38–52 ms).
create or replace function public.kpi_figures_live(p_from timestamptz, p_until timestamptz, p_detail boolean)
returns jsonb
language plpgsql stable set search_path = '' set jit = off as $$
declare
  v_counts jsonb;
  v_funnel json;
  v_win json;
  v_reasons json;
  v_sources json;
begin
  select jsonb_build_object('new_leads', c.new_leads, 'first_contacts', mv.first_contacts, 'replies', mv.replies,
                            'calls', mv.calls, 'setups_sold', s.setups_sold)
  into v_counts
  from (select count(distinct h.lead_id) filter (where h.from_stage = 'NEW' and h.to_stage in ('CONTACTED', 'CALL_BOOKED')) as first_contacts,
               count(distinct h.lead_id) filter (where h.to_stage = 'REPLIED') as replies,
               count(distinct h.lead_id) filter (where h.to_stage = 'CALL_BOOKED') as calls
        from public.lead_stage_history h
        where h.changed_at >= p_from and h.changed_at < p_until and h.to_stage in ('CONTACTED', 'REPLIED', 'CALL_BOOKED')) mv
  cross join (select count(*) as new_leads from public.leads l where l.created_at >= p_from and l.created_at < p_until) c
  cross join (select count(*) as setups_sold from public.deals d
              where d.status = 'WON' and d.package = 'SETUP' and d.won_at >= p_from and d.won_at < p_until) s;
  if not p_detail then
    return jsonb_build_object('counts', v_counts);
  end if;

  -- Funnel and time in stage: the moves out of a stage in the period, each with its stay and the lead's total
  -- time in that stage (stay_started_at, stage_total); a lead with several moves out of a stage counts once, with
  -- its last total: the move after which it did not leave that stage again in the period (next_exit_at).
  with exits as (
    select h.from_stage as stage,
           count(*) filter (where h.to_stage <> 'LOST' and h.to_stage > h.from_stage)::int as advanced,
           count(*) filter (where h.to_stage = 'LOST')::int as lost,
           count(*) filter (where h.to_stage < h.from_stage)::int as back,
           -- date_part: double precision, much cheaper per row than extract's numeric
           percentile_cont(0.5) within group (order by date_part('epoch', h.changed_at - h.stay_started_at) / 3600) as median_hours,
           percentile_cont(0.5) within group (order by date_part('epoch', h.stage_total) / 3600)
             filter (where h.next_exit_at is null or h.next_exit_at >= p_until) as median_total_hours
    from public.lead_stage_history h
    where h.changed_at >= p_from and h.changed_at < p_until and h.from_stage is not null
    group by h.from_stage
  ), entered as (
    select h.to_stage as stage, count(*)::int as moves
    from public.lead_stage_history h
    where h.changed_at >= p_from and h.changed_at < p_until
    group by h.to_stage
  )
  select json_agg(json_build_object(
           'stage', st.stage, 'label', public.lead_stage_label(st.stage),
           'entered', coalesce(en.moves, 0), 'advanced', coalesce(ex.advanced, 0), 'lost', coalesce(ex.lost, 0),
           'back', coalesce(ex.back, 0),
           'conversion', round(ex.advanced::numeric / nullif(ex.advanced + ex.lost, 0), 3),
           'median_hours', round(ex.median_hours::numeric, 1),
           'median_total_hours', round(ex.median_total_hours::numeric, 1))
         order by st.stage)
  into v_funnel
  from unnest('{NEW,CONTACTED,REPLIED,QUALIFIED,CALL_BOOKED}'::public.lead_stage[]) st(stage)
  left join entered en on en.stage = st.stage
  left join exits ex on ex.stage = st.stage;

  -- Decisions: each lead once, with its last decision in the period.
  with decided as (
    select distinct on (h.lead_id) h.lead_id, h.to_stage, h.lost_reason
    from public.lead_stage_history h
    where h.changed_at >= p_from and h.changed_at < p_until and h.to_stage in ('WON', 'LOST')
    order by h.lead_id, h.changed_at desc, h.id desc
  ), counts as (
    select count(*) filter (where d.to_stage = 'WON')::int as won, count(*) filter (where d.to_stage = 'LOST')::int as lost
    from decided d
  ), reasons as (
    select coalesce(nullif(btrim(d.lost_reason), ''), 'Ohne Angabe') as reason, count(*)::int as leads
    from decided d where d.to_stage = 'LOST'
    group by 1
  )
  select json_build_object('won', c.won, 'lost', c.lost, 'rate', round(c.won::numeric / nullif(c.won + c.lost, 0), 3)),
         coalesce((select json_agg(json_build_object('reason', r.reason, 'leads', r.leads) order by r.leads desc, r.reason) from reasons r), '[]'::json)
  into v_win, v_reasons
  from counts c;

  select coalesce(json_agg(json_build_object('utm_source', x.utm_source, 'label', coalesce(x.utm_source, 'Ohne UTM-Quelle'),
                                               'deals', x.deals, 'leads', x.leads, 'amount_cents', x.cents)
                            order by x.deals desc, x.cents desc, x.utm_source nulls last), '[]'::json)
  into v_sources
  from (select l.utm_source, count(*)::int as deals, count(distinct l.id)::int as leads, sum(d.amount_cents)::bigint as cents
        from public.deals d join public.leads l on l.id = d.lead_id
        where d.status = 'WON' and d.won_at >= p_from and d.won_at < p_until
        group by l.utm_source) x;


  return jsonb_build_object('counts', v_counts, 'funnel', v_funnel, 'win_rate', v_win, 'lost_reasons', v_reasons,
                            'won_sources', v_sources);
end
$$;
revoke all on function public.kpi_figures_live(timestamptz, timestamptz, boolean) from public, anon;
grant execute on function public.kpi_figures_live(timestamptz, timestamptz, boolean) to authenticated, leitstand_functions;
