-- KPI board (docs/kpi.md): the weekly minimums, revenue against the goal, the forecast, the funnel with time in
-- stage, the win rate, lost reasons and the sources of won deals, for one ISO week (Monday start,
-- Europe/Berlin) or one calendar month, as of a point in time (tests and the digest move the clock); the
-- weekly digest; and the kept figures of complete periods.
--
--   public.kpi_board(kind, start, at)  the whole board, set-based
--   public.kpi_figures_live(…)         the one definition of a period's figures, for any span (the board uses it
--                                      for the running period and for every complete period that has no row)
--   public.kpi_period_figures          one row per complete week and month: the figures of a complete period
--                                      do not change unless its rows change, so they are kept, and the board
--                                      reads a few rows instead of the stage moves of five periods
--   public.keep_kpi_figures(at, n)     the timer's step (KpiFigures, every 15 min): the newest n complete periods
--                                      without a row get one
--   triggers on the stage history, the leads and the deals   a write that touches a kept period (a backdated
--                                      move, a corrected deal, an erased lead) deletes its row, in the same
--                                      transaction, so the board is never stale; the next timer run keeps it again
--   public.send_kpi_digest(…)          the week's digest, once (ledger row per ISO week + the alert's dedupe key)
--
-- Revenue (the month to date, retainers by their period) and the forecast (open deals now) stay live: they are
-- cheap and depend on more than a period's rows.
--
-- The race between keeping and writing: keep_kpi_figures computes a period only while it holds that period's
-- advisory lock exclusively (tried, never waited for), and every writing statement holds the locks of the periods
-- it touches shared until it commits. So a period is either computed after the write committed, or the write's
-- trigger runs after the row was kept and deletes it.
--
-- Packages and deals (with the retainers' periods): leads.sql. The weekly targets: tasks.sql.

-- ---------------------------------------------------------------------------------------------
-- How likely an open deal is won, by the stage its lead is in (the forecast weighs open deals with it).
-- The probabilities: reference_data.sql.
create table public.stage_probabilities (
  stage public.lead_stage primary key,
  probability numeric(4, 3) not null check (probability between 0 and 1)
);

-- The board's settings: the monthly revenue goal (roadmap: 10.000 EUR a month).
create table public.kpi_settings (
  id boolean primary key default true check (id),
  revenue_goal_cents bigint not null default 1000000 check (revenue_goal_cents > 0)
);

-- The weekly digest's memory: one row per reported ISO week, across restarts, daylight saving and instances.
create table public.kpi_digest_runs (
  iso_week text primary key check (iso_week ~ '^[0-9]{4}-W[0-9]{2}$'),
  week_start date not null unique check (extract(isodow from week_start) = 1),
  -- the schedule's occurrence (Monday 08:00 Berlin) this digest belongs to, and when it went out
  due_at timestamptz not null,
  sent_at timestamptz not null,
  alert_id uuid references public.alerts (id) on delete set null
);

-- The kept figures of complete periods (see the top).
create table public.kpi_period_figures (
  kind text not null check (kind in ('week', 'month')),
  period_start date not null,
  figures jsonb not null,
  computed_at timestamptz not null,
  primary key (kind, period_start),
  check (kind = 'month' and extract(day from period_start) = 1 or kind = 'week' and extract(isodow from period_start) = 1)
);

-- ---------------------------------------------------------------------------------------------
-- The stage history carries what the board needs per row (lost_reason_code, stay_started_at, stage_total,
-- next_exit_at; the columns: leads.sql). Filled for every writer by this trigger on insert (the lead's previous
-- move out of the same stage learns of this one); public.recompute_stage_stays(leads) works them out again
-- from changed_at (after history was corrected by hand, or loaded with triggers off).
create function public.fill_stage_stay() returns trigger
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
  if new.to_stage = 'LOST' and new.lost_reason_code is null then
    -- written by the leads trigger after the update, so the row has the new reason (its code only, no free text)
    select l.lost_reason_code into new.lost_reason_code from public.leads l where l.id = new.lead_id;
  end if;
  return new;
end
$$;
revoke all on function public.fill_stage_stay() from public, anon, authenticated;
create trigger lead_stage_history_stay before insert on public.lead_stage_history
  for each row execute function public.fill_stage_stay();

create function public.recompute_stage_stays(p_leads uuid[] default null)
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

-- ---------------------------------------------------------------------------------------------
-- Helpers (SQL without SET, so they are inlined).

-- The Berlin week (Monday) or month an instant falls into.
create function public.kpi_period_start(p_kind text, p_at timestamptz)
returns date
language sql immutable as $$
  select case when p_kind = 'week' then date_trunc('week', p_at at time zone 'Europe/Berlin')::date
              else date_trunc('month', p_at at time zone 'Europe/Berlin')::date end
$$;

-- '2026-W48' or '2026-11'
create function public.kpi_period_key(p_kind text, p_start date)
returns text
language sql immutable as $$
  select case when p_kind = 'week' then to_char(p_start, 'IYYY-"W"IW') else to_char(p_start, 'YYYY-MM') end
$$;

-- 'KW 48/2026 (23.11.–29.11.2026)' or 'November 2026'
create function public.kpi_period_label(p_kind text, p_start date)
returns text
language sql immutable as $$
  select case when p_kind = 'week'
              then format('KW %s/%s (%s–%s)', extract(week from p_start)::int, to_char(p_start, 'IYYY'),
                          to_char(p_start, 'DD.MM.'), to_char(p_start + 6, 'DD.MM.YYYY'))
              else (array['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September',
                          'Oktober', 'November', 'Dezember'])[extract(month from p_start)::int] || ' ' || to_char(p_start, 'YYYY') end
$$;

-- ---------------------------------------------------------------------------------------------
-- The figures of the span [p_from, p_until): counts of the weekly minimums (each counts a lead once), and with
-- p_detail the funnel, win rate, lost reasons and sources (definitions at kpi_board and in docs/kpi.md).
-- The funnel reads one index range for the moves out of a stage, their stays and the leads' last totals
-- (measured on the bench data: a live month 21–33 ms instead of 38–52 ms).
create function public.kpi_figures_live(p_from timestamptz, p_until timestamptz, p_detail boolean)
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
    select distinct on (h.lead_id) h.lead_id, h.to_stage, h.lost_reason_code
    from public.lead_stage_history h
    where h.changed_at >= p_from and h.changed_at < p_until and h.to_stage in ('WON', 'LOST')
    order by h.lead_id, h.changed_at desc, h.id desc
  ), counts as (
    select count(*) filter (where d.to_stage = 'WON')::int as won, count(*) filter (where d.to_stage = 'LOST')::int as lost
    from decided d
  ), reasons as (
    -- by code (public.lost_reasons), with its German label; no free text
    select d.lost_reason_code as code, coalesce(r.label, 'Ohne Angabe') as reason, count(*)::int as leads
    from decided d left join public.lost_reasons r on r.code = d.lost_reason_code
    where d.to_stage = 'LOST'
    group by 1, 2
  )
  select json_build_object('won', c.won, 'lost', c.lost, 'rate', round(c.won::numeric / nullif(c.won + c.lost, 0), 3)),
         coalesce((select json_agg(json_build_object('code', r.code, 'reason', r.reason, 'leads', r.leads) order by r.leads desc, r.reason) from reasons r), '[]'::json)
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
--   lost_reasons of those lost, by code (public.lost_reasons: code, German label); won_sources: the UTM source of the deals won in the period
--   fulfilment   onboardings submitted and installs finished in the period (public.kpi_fulfilment, always live)
-- jit off: the planner's estimates for the small grouped sets are far off, and compiling would take longer
-- than the whole board.
create function public.kpi_board(p_kind text, p_start date, p_at timestamptz)
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

-- ---------------------------------------------------------------------------------------------
-- The weekly digest (Monday 08:00 Berlin, for the week before): once per ISO week, whoever calls first
-- (the ledger's primary key; a second instance waits for the first's commit and finds the row). Figures only,
-- no personal data; the link leads to the board in the status center. Returns the alert's message ids
-- (empty when this week's digest went out already).
create function public.send_kpi_digest(p_week_start date, p_due_at timestamptz, p_at timestamptz, p_queue text)
returns uuid[]
language plpgsql set search_path = '' as $$
declare
  v_week text := public.kpi_period_key('week', p_week_start);
  v_board json;
  v_ids uuid[];
  v_reached integer;
  v_metrics text;
  v_r json;
  v_f json;
begin
  insert into public.kpi_digest_runs (iso_week, week_start, due_at, sent_at)
  values (v_week, p_week_start, p_due_at, p_at)
  on conflict do nothing;
  if not found then
    return '{}';
  end if;

  v_board := public.kpi_board('week', p_week_start, p_at);
  v_r := v_board -> 'revenue';
  v_f := v_board -> 'forecast';
  select count(*) filter (where (m ->> 'reached')::boolean)::int,
         string_agg(format('%s %s von %s%s', m ->> 'label', m ->> 'value', m ->> 'target',
                           case when (m ->> 'reached')::boolean then ' ✓' else '' end), ', ' order by ord)
  into v_reached, v_metrics
  from json_array_elements(v_board -> 'metrics') with ordinality as x(m, ord);

  v_ids := public.enqueue_alerts(p_queue, jsonb_build_array(jsonb_build_object(
    'kind', 'kpi_weekly', 'severity', 'info', 'dedupe_key', 'kpi_weekly:' || v_week,
    'subject_type', 'kpi', 'subject_id', null,
    'title', format('Wochenbilanz KW %s: %s von %s Wochenzielen erreicht', extract(week from p_week_start)::int,
                    v_reached, json_array_length(v_board -> 'metrics')),
    'text', left(concat_ws(E'\n',
              (v_board #>> '{period,label}') || ': ' || v_metrics || '.',
              format('%s: %s von %s (%s %%), davon einmalig %s, Retainer %s.', v_r ->> 'label',
                     public.german_euros((v_r ->> 'total_cents')::numeric), public.german_euros((v_r ->> 'goal_cents')::numeric),
                     round((v_r ->> 'goal_share')::numeric * 100), public.german_euros((v_r ->> 'one_time_cents')::numeric),
                     public.german_euros((v_r ->> 'recurring_cents')::numeric)),
              format('Laufende Retainer: %s (%s im Monat).', v_r ->> 'active_retainers', public.german_euros((v_r ->> 'mrr_cents')::numeric)),
              format('Prognose offener Deals (gewichtet): %s aus %s %s.', public.german_euros((v_f ->> 'weighted_cents')::numeric),
                     v_f ->> 'open_deals', case when (v_f ->> 'open_deals')::int = 1 then 'Deal' else 'Deals' end),
              format('Gewinnquote: %s gewonnen, %s verloren.', v_board #>> '{win_rate,won}', v_board #>> '{win_rate,lost}')), 2000),
    'occurred_at', p_at,
    'attributes', jsonb_build_object('week', v_week, 'metrics', (v_board -> 'metrics')::jsonb, 'revenue', v_r::jsonb,
                                     'forecast_cents', (v_f ->> 'weighted_cents')::bigint, 'win_rate', (v_board -> 'win_rate')::jsonb))));

  update public.kpi_digest_runs r set alert_id = a.id
  from public.alerts a where r.iso_week = v_week and a.dedupe_key = 'kpi_weekly:' || v_week;
  return v_ids;
end
$$;
revoke all on function public.send_kpi_digest(date, timestamptz, timestamptz, text) from public, anon, authenticated;
grant execute on function public.send_kpi_digest(date, timestamptz, timestamptz, text) to leitstand_functions;

-- ---------------------------------------------------------------------------------------------
-- A period's advisory lock (the daily tasks lock on 'leitstand.daily_tasks', so no key is shared).
create function public.kpi_period_lock_key(p_kind text, p_start date)
returns integer
language sql immutable as $$
  select (p_start - date '2000-01-01') * 2 + case when p_kind = 'month' then 1 else 0 end
$$;

-- Forgets the kept figures of every week and month one of the instants falls into, holding those periods'
-- locks shared until the writing transaction ends (see the race at the top). Called by the triggers below;
-- security definer, because the team's writes (role authenticated) may not delete kept figures themselves.
create function public.forget_kpi_figures(p_instants timestamptz[])
returns void
language plpgsql security definer set search_path = '' as $$
begin
  perform pg_advisory_xact_lock_shared(hashtext('leitstand.kpi_figures'), public.kpi_period_lock_key(p.kind, p.start))
  from (select distinct k.kind, public.kpi_period_start(k.kind, t) as start
        from unnest(p_instants) t cross join (values ('week'), ('month')) k(kind)
        where t is not null) p;
  delete from public.kpi_period_figures f
  using (select distinct k.kind, public.kpi_period_start(k.kind, t) as start
         from unnest(p_instants) t cross join (values ('week'), ('month')) k(kind)
         where t is not null) p
  where f.kind = p.kind and f.period_start = p.start;
end
$$;
revoke all on function public.forget_kpi_figures(timestamptz[]) from public, anon, authenticated;

-- Statement triggers with transition tables (one per event: PostgreSQL allows transition tables only then).
-- The stage history counts by changed_at (every figure but new leads and setups).
create function public.kpi_history_changed() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op in ('INSERT', 'UPDATE') then
    perform public.forget_kpi_figures(array(select n.changed_at from new_rows n));
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    perform public.forget_kpi_figures(array(select o.changed_at from old_rows o));
  end if;
  return null;
end
$$;
-- Leads count as new by created_at; the sources of won deals read the lead's utm_source (the period of each
-- won deal). A lead's stage change (the usual update) touches neither.
create function public.kpi_leads_changed() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    perform public.forget_kpi_figures(array(select n.created_at from new_rows n));
  elsif tg_op = 'DELETE' then
    perform public.forget_kpi_figures(array(select o.created_at from old_rows o));
  else
    perform public.forget_kpi_figures(array(
      select x.at
      from new_rows n join old_rows o on o.id = n.id
      cross join lateral (select n.created_at union all select o.created_at
                          union all select d.won_at from public.deals d where d.lead_id = n.id and d.won_at is not null) x(at)
      where n.created_at is distinct from o.created_at or n.utm_source is distinct from o.utm_source));
  end if;
  return null;
end
$$;
-- Deals count by won_at (setups sold, sources of won deals). An update that changes only what no figure reads (the
-- restriction of an erased or expired customer's deal, the price reason's text) keeps the figures.
create function public.kpi_deals_changed() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    perform public.forget_kpi_figures(array(select n.won_at from new_rows n where n.won_at is not null));
  elsif tg_op = 'DELETE' then
    perform public.forget_kpi_figures(array(select o.won_at from old_rows o where o.won_at is not null));
  else
    perform public.forget_kpi_figures(array(
      select t.won_at
      from new_rows n join old_rows o on o.id = n.id
      cross join lateral (select n.won_at union all select o.won_at) t(won_at)
      where t.won_at is not null
        and (to_jsonb(n) - 'restricted_until' - 'price_reason') is distinct from (to_jsonb(o) - 'restricted_until' - 'price_reason')));
  end if;
  return null;
end
$$;
revoke all on function public.kpi_history_changed(), public.kpi_leads_changed(), public.kpi_deals_changed()
  from public, anon, authenticated;

create trigger kpi_figures_insert after insert on public.lead_stage_history
  referencing new table as new_rows for each statement execute function public.kpi_history_changed();
create trigger kpi_figures_update after update on public.lead_stage_history
  referencing new table as new_rows old table as old_rows for each statement execute function public.kpi_history_changed();
create trigger kpi_figures_delete after delete on public.lead_stage_history
  referencing old table as old_rows for each statement execute function public.kpi_history_changed();
create trigger kpi_figures_insert after insert on public.leads
  referencing new table as new_rows for each statement execute function public.kpi_leads_changed();
create trigger kpi_figures_update after update on public.leads
  referencing new table as new_rows old table as old_rows for each statement execute function public.kpi_leads_changed();
create trigger kpi_figures_delete after delete on public.leads
  referencing old table as old_rows for each statement execute function public.kpi_leads_changed();
create trigger kpi_figures_insert after insert on public.deals
  referencing new table as new_rows for each statement execute function public.kpi_deals_changed();
create trigger kpi_figures_update after update on public.deals
  referencing new table as new_rows old table as old_rows for each statement execute function public.kpi_deals_changed();
create trigger kpi_figures_delete after delete on public.deals
  referencing old table as old_rows for each statement execute function public.kpi_deals_changed();

-- Keeps the figures of the newest p_limit complete periods (weeks and months ended by p_at, from the period
-- of the oldest lead, move or won deal on) that have none, and returns how many it kept. One keeper at a time
-- (a second returns 0 at once); a period a writer holds is left for the next run. Run it in its own
-- read-committed transaction: the periods are locked first, and the second statement's snapshot then sees
-- every write that held them.
create function public.keep_kpi_figures(p_at timestamptz, p_limit integer default 60)
returns integer
language plpgsql set search_path = '' set jit = off as $$
declare
  v_first timestamptz;
  v_kinds text[];
  v_starts date[];
  v_kept integer;
begin
  if not pg_try_advisory_xact_lock(hashtext('leitstand.kpi_figures'), -1) then
    return 0;
  end if;
  v_first := least((select min(l.created_at) from public.leads l),
                   (select min(h.changed_at) from public.lead_stage_history h),
                   (select min(d.won_at) from public.deals d where d.status = 'WON'));
  if v_first is null or p_limit < 1 then
    return 0;
  end if;

  select coalesce(array_agg(c.kind), '{}'), coalesce(array_agg(c.start), '{}')
  into v_kinds, v_starts
  from (select k.kind, s.start::date as start
        from (values ('week', interval '7 days'), ('month', interval '1 month')) k(kind, step)
        cross join lateral generate_series(public.kpi_period_start(k.kind, v_first)::timestamp,
                                           (public.kpi_period_start(k.kind, p_at) - k.step)::timestamp, k.step) s(start)
        where not exists (select 1 from public.kpi_period_figures f where f.kind = k.kind and f.period_start = s.start::date)
        order by s.start desc, k.kind
        limit p_limit) c
  where pg_try_advisory_xact_lock(hashtext('leitstand.kpi_figures'), public.kpi_period_lock_key(c.kind, c.start));

  -- a new statement, so a new snapshot: every write to these periods has committed (or waits for this one)
  insert into public.kpi_period_figures (kind, period_start, figures, computed_at)
  select p.kind, p.start,
         public.kpi_figures_live(public.berlin_day_start(p.start),
                                 public.berlin_day_start((p.start + case when p.kind = 'week' then interval '7 days' else interval '1 month' end)::date),
                                 true),
         p_at
  from unnest(v_kinds, v_starts) p(kind, start)
  on conflict (kind, period_start) do nothing;
  get diagnostics v_kept = row_count;
  return v_kept;
end
$$;
revoke all on function public.keep_kpi_figures(timestamptz, integer) from public, anon, authenticated;
grant execute on function public.keep_kpi_figures(timestamptz, integer) to leitstand_functions;

-- ---------------------------------------------------------------------------------------------
-- Row level security: the team reads everything and changes the settings; the functions' role keeps the
-- figures and the digest's ledger; nobody else.
alter table public.stage_probabilities enable row level security;
alter table public.kpi_settings enable row level security;
alter table public.kpi_digest_runs enable row level security;
alter table public.kpi_period_figures enable row level security;

revoke all on public.stage_probabilities, public.kpi_settings, public.kpi_digest_runs, public.kpi_period_figures from anon;
revoke truncate, references, trigger on public.stage_probabilities, public.kpi_settings, public.kpi_digest_runs,
  public.kpi_period_figures from authenticated, service_role;
revoke insert, update, delete on public.kpi_digest_runs, public.kpi_period_figures from authenticated;
revoke insert, update, delete on public.kpi_period_figures from service_role;

create policy stage_probabilities_team on public.stage_probabilities for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy kpi_settings_team on public.kpi_settings for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy kpi_digest_runs_team on public.kpi_digest_runs for select to authenticated
  using ((select public.is_team_member()));
create policy kpi_period_figures_team on public.kpi_period_figures for select to authenticated
  using ((select public.is_team_member()));

grant select on public.stage_probabilities, public.kpi_settings to leitstand_functions;
grant select, insert, update on public.kpi_digest_runs to leitstand_functions;
grant select, insert on public.kpi_period_figures to leitstand_functions;
create policy stage_probabilities_functions on public.stage_probabilities for select to leitstand_functions using (true);
create policy kpi_settings_functions on public.kpi_settings for select to leitstand_functions using (true);
create policy kpi_digest_runs_functions on public.kpi_digest_runs for all to leitstand_functions using (true) with check (true);
create policy kpi_period_figures_functions on public.kpi_period_figures for all to leitstand_functions using (true) with check (true);
