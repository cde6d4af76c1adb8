-- The KPI board gains the fulfilment figures (issue 19, docs/kpi.md "fulfilment"): days from WON to the onboarding
-- submitted and to the install done, and the install's duration against its booked 5 hours, for the chosen
-- period. Live (public.kpi_fulfilment), not kept: the kept figures and their triggers stay as they are.

-- The fulfilment figures of the span [p_from, p_until) (docs/kpi.md, "fulfilment"): after WON, how long until the
-- customer submitted the onboarding and until the install was done, and how long the install itself took against
-- its booked block (5 hours). Always live, never kept: a few rows per week (one onboarding and about one install
-- per won lead), so kept figures and their triggers on the fulfilment tables would cost more than they save.
--   onboarding  leads whose onboarding was submitted in the span (a lead once; a reopened one counts when it
--               is submitted again), days from the lead's last move to WON before the submission
--   install     runs finished in the span, days from the last WON before the finish; the run's duration from
--               its start (the booked start, or the first item a person marked if that was earlier; the
--               heartbeat's "Monitoring verbunden" does not start a run) to its finish, and how many took
--               longer than their booked block
-- Without a move to WON before (history corrected by hand) a row counts but has no days. PL/pgSQL, because the
-- fulfilment tables come after this file (config.toml's schema order).
create function public.kpi_fulfilment(p_from timestamptz, p_until timestamptz)
returns json
language plpgsql stable set search_path = '' as $$
begin
  return (
  with submitted as (
    select a.lead_id, min(a.submitted_at) as done_at
    from public.onboarding_answers a
    where a.state = 'submitted' and a.submitted_at >= p_from and a.submitted_at < p_until
    group by a.lead_id
  ), finished as (
    select r.lead_id, r.finished_at as done_at, r.ends_at - r.starts_at as booked,
           r.finished_at - least(r.starts_at, (select min(i.marked_at) from public.install_run_items i
                                               where i.run_id = r.id and i.marked_by <> 'heartbeat')) as took
    from public.install_runs r
    where r.state = 'finished' and r.finished_at >= p_from and r.finished_at < p_until
  ), onboardings as (
    select date_part('epoch', s.done_at - (select max(h.changed_at) from public.lead_stage_history h
                                           where h.lead_id = s.lead_id and h.to_stage = 'WON' and h.changed_at <= s.done_at)) / 86400 as days
    from submitted s
  ), installs as (
    select date_part('epoch', f.done_at - (select max(h.changed_at) from public.lead_stage_history h
                                           where h.lead_id = f.lead_id and h.to_stage = 'WON' and h.changed_at <= f.done_at)) / 86400 as days,
           date_part('epoch', f.took) / 3600 as hours, date_part('epoch', f.booked) / 3600 as booked_hours, f.took > f.booked as over
    from finished f
  )
  select json_build_object(
    'onboarding', (select json_build_object('submitted', count(*)::int,
                                            'median_days', round((percentile_cont(0.5) within group (order by o.days))::numeric, 1),
                                            'max_days', round(max(o.days)::numeric, 1))
                   from onboardings o),
    'install', (select json_build_object('finished', count(*)::int,
                                         'median_days', round((percentile_cont(0.5) within group (order by i.days))::numeric, 1),
                                         'max_days', round(max(i.days)::numeric, 1),
                                         'median_hours', round((percentile_cont(0.5) within group (order by i.hours))::numeric, 1),
                                         'max_hours', round(max(i.hours)::numeric, 1),
                                         'booked_hours', round(max(i.booked_hours)::numeric, 1),
                                         'over_booked', count(*) filter (where i.over)::int)
                from installs i)));
end
$$;
revoke all on function public.kpi_fulfilment(timestamptz, timestamptz) from public, anon;
grant execute on function public.kpi_fulfilment(timestamptz, timestamptz) to authenticated, leitstand_functions;


-- The board. p_kind 'week' (p_start a Monday) or 'month' (p_start the 1st); everything up to
-- min(end of the period, p_at) counts. A complete period's figures come from public.kpi_period_figures when
-- kept, otherwise from public.kpi_figures_live; the running period is always live. Definitions in docs/kpi.md:
--   metrics      the weekly minimums of public.weekly_targets (same definitions as the daily list's KPI
--                tasks; each counts a lead once per period), with the four periods before for a trend;
--                a month's target is the weekly one × days / 7, rounded up
--   revenue      month to date (for a week: the month its last counted day is in) against the goal:
--                one-time packages won, plus retainers that ran on at least one day of the month; mrr = the
--                retainers running on the last counted day
--   forecast     open deals (now) weighted by the probability of their lead's stage
--   funnel       per stage, the moves out of it in the period: on (to a later stage), lost, back; conversion
--                = on / (on + lost); time in stage from the stage history: median of the stays that ended
--                in the period and median of the leads' total time there (all their stays, so a lead that
--                went back or was reopened is counted in full)
--   win_rate     leads decided in the period (their last decision in it: WON or LOST)
--   lost_reasons of those lost; won_sources: the UTM source of the deals won in the period
--   fulfilment   onboardings submitted and installs finished in the period (public.kpi_fulfilment, always live)
-- jit off: the planner's estimates for the small grouped sets are far off, and compiling would take longer
-- than the whole board.
create or replace function public.kpi_board(p_kind text, p_start date, p_at timestamptz)
returns json
language plpgsql stable set search_path = '' set jit = off as $$
declare
  v_step interval;
  v_end date;
  v_from timestamptz;
  v_until timestamptz;
  v_as_of date;
  v_days integer;
  v_elapsed integer;
  v_month date;
  v_month_from timestamptz;
  v_metrics json;
  v_detail jsonb;
  v_revenue json;
  v_forecast json;
begin
  if p_kind = 'week' then
    if extract(isodow from p_start) <> 1 then
      raise exception 'Eine Woche beginnt am Montag, der % ist keiner.', to_char(p_start, 'DD.MM.YYYY') using errcode = 'invalid_parameter_value';
    end if;
    v_step := interval '7 days';
  elsif p_kind = 'month' then
    if extract(day from p_start) <> 1 then
      raise exception 'Ein Monat beginnt am 1., nicht am %.', to_char(p_start, 'DD.MM.YYYY') using errcode = 'invalid_parameter_value';
    end if;
    v_step := interval '1 month';
  else
    raise exception 'Unbekannter Zeitraum „%“ (erlaubt: week, month).', p_kind using errcode = 'invalid_parameter_value';
  end if;
  v_end := (p_start + v_step)::date;
  v_from := public.berlin_day_start(p_start);
  v_until := greatest(v_from, least(public.berlin_day_start(v_end), p_at));
  v_days := v_end - p_start;
  -- the last day counted (the day before the start when nothing is)
  v_as_of := ((v_until - interval '1 microsecond') at time zone 'Europe/Berlin')::date;
  v_elapsed := greatest(0, least(v_days, v_as_of - p_start + 1));
  v_month := date_trunc('month', greatest(v_as_of, p_start))::date;
  v_month_from := public.berlin_day_start(v_month);

  -- Weekly minimums, this period and the four before; the figures of this period (i = 0) with the detail.
  with periods as (
    select x.i, x.starts_on, x.ends_before, public.berlin_day_start(x.starts_on) as from_at,
           least(public.berlin_day_start(x.ends_before), v_until) as until_at,
           public.berlin_day_start(x.ends_before) <= v_until as complete
    from (select i, (p_start - i * v_step)::date as starts_on, (p_start - (i - 1) * v_step)::date as ends_before
          from generate_series(0, 4) i) x
  ), figures as (
    select p.*, coalesce(case when p.complete then (select k.figures from public.kpi_period_figures k
                                                    where k.kind = p_kind and k.period_start = p.starts_on) end,
                         public.kpi_figures_live(p.from_at, p.until_at, p.i = 0)) as f
    from periods p
  ), lines as (
    select v.i, v.starts_on, v.ends_before, w.metric, w.label, w.position, coalesce((v.f #>> array['counts', w.metric])::int, 0) as value,
           ceil(w.target * (v.ends_before - v.starts_on) / 7.0)::int as target
    from figures v cross join public.weekly_targets w
  )
  select (select json_agg(json_build_object(
            'metric', r.metric, 'label', r.label, 'value', r.value, 'target', r.target, 'reached', r.value >= r.target,
            'expected_so_far', ceil(r.target * v_elapsed / v_days::numeric)::int,
            'trend', (select json_agg(json_build_object('period', public.kpi_period_key(p_kind, t.starts_on),
                                                          'label', public.kpi_period_label(p_kind, t.starts_on),
                                                          'value', t.value, 'target', t.target) order by t.i desc)
                      from lines t where t.metric = r.metric and t.i > 0))
          order by r.position)
          from lines r where r.i = 0),
         (select f.f from figures f where f.i = 0)
  into v_metrics, v_detail;

  -- Revenue of the month to date.
  with one_time as (
    select count(*)::int as deals, coalesce(sum(d.amount_cents), 0)::bigint as cents
    from public.deals d
    -- the packages as an array, so the won deals are read by (package, won_at)
    where d.status = 'WON' and d.package = any(array(select pk.key from public.packages pk where pk.kind = 'one_time'))
      and d.won_at >= v_month_from and d.won_at < v_until
  ), retainers as (
    -- started by the last counted day (without starts_on: won by its end; no time zone conversion per row)
    -- and not ended before the month
    select d.amount_cents, d.ends_on
    from public.deals d
    where d.status = 'WON' and d.package = any(array(select pk.key from public.packages pk where pk.kind = 'monthly'))
      and d.won_at < v_until
      and (d.starts_on <= v_as_of or (d.starts_on is null and d.won_at < public.berlin_day_start(v_as_of + 1)))
      and (d.ends_on is null or d.ends_on >= v_month)
  ), recurring as (
    select count(*)::int as billed, coalesce(sum(r.amount_cents), 0)::bigint as billed_cents,
           count(*) filter (where r.ends_on is null or r.ends_on >= v_as_of)::int as active,
           coalesce(sum(r.amount_cents) filter (where r.ends_on is null or r.ends_on >= v_as_of), 0)::bigint as mrr_cents
    from retainers r
  )
  select json_build_object(
           'month', to_char(v_month, 'YYYY-MM'),
           'label', format('Umsatz %s bis %s', public.kpi_period_label('month', v_month), to_char(greatest(v_as_of, v_month), 'DD.MM.YYYY')),
           'as_of_date', greatest(v_as_of, v_month),
           'one_time_cents', o.cents, 'setups_sold', o.deals,
           'recurring_cents', r.billed_cents, 'retainers_billed', r.billed,
           'total_cents', o.cents + r.billed_cents,
           'goal_cents', s.revenue_goal_cents,
           'goal_share', round((o.cents + r.billed_cents)::numeric / s.revenue_goal_cents, 3),
           'mrr_cents', r.mrr_cents, 'active_retainers', r.active)
  into v_revenue
  from one_time o cross join recurring r cross join public.kpi_settings s;

  -- Forecast: the open deals as they stand, weighted by their lead's stage.
  with open_deals as (
    select x.stage, count(*)::int as deals, sum(x.amount_cents)::bigint as cents
    from (select d.amount_cents, (select l.stage from public.leads l where l.id = d.lead_id) as stage
          from public.deals d
          where d.status = 'OPEN' and d.created_at < p_at) x
    group by x.stage
  )
  select json_build_object(
           'weighted_cents', coalesce(round(sum(o.cents * sp.probability)), 0)::bigint,
           'open_cents', coalesce(sum(o.cents), 0)::bigint,
           'open_deals', coalesce(sum(o.deals), 0)::int,
           'by_stage', coalesce(json_agg(json_build_object('stage', sp.stage, 'label', public.lead_stage_label(sp.stage),
                                                             'probability', sp.probability, 'deals', o.deals, 'open_cents', o.cents,
                                                             'weighted_cents', round(o.cents * sp.probability)::bigint)
                                          order by sp.stage) filter (where o.deals is not null), '[]'::json))
  into v_forecast
  from public.stage_probabilities sp left join open_deals o on o.stage = sp.stage;

  return json_build_object(
    'period', json_build_object('kind', p_kind, 'key', public.kpi_period_key(p_kind, p_start),
                                 'label', public.kpi_period_label(p_kind, p_start),
                                 'starts_on', p_start, 'ends_on', v_end - 1, 'as_of', v_until,
                                 'complete', v_until >= public.berlin_day_start(v_end),
                                 'days', v_days, 'days_elapsed', v_elapsed),
    'metrics', v_metrics,
    'revenue', v_revenue,
    'forecast', v_forecast,
    'funnel', v_detail -> 'funnel',
    'win_rate', v_detail -> 'win_rate',
    'lost_reasons', v_detail -> 'lost_reasons',
    'won_sources', v_detail -> 'won_sources',
    'fulfilment', public.kpi_fulfilment(v_from, v_until));
end
$$;
revoke all on function public.kpi_board(text, date, timestamptz) from public, anon;
grant execute on function public.kpi_board(text, date, timestamptz) to authenticated, leitstand_functions;
