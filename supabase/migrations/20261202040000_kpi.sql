-- KPI board (issue #10): packages and prices as data, retainers with a period (so monthly recurring revenue
-- is known for any month), stage probabilities for the forecast, the revenue goal as a setting, the lost
-- reason kept in the stage history, and the weekly digest's ledger.
--
-- public.kpi_board(kind, start, at) computes the whole board for one ISO week (Monday start, Europe/Berlin)
-- or one calendar month, set-based, from the stage history, the leads and the deals, as of a point in time
-- (tests and the digest move the clock). public.send_kpi_digest(week_start, due_at, at, queue) sends the
-- week's digest once (ledger row per ISO week + the alert's dedupe key) through public.enqueue_alerts.
-- Definitions: docs/kpi.md.

-- ---------------------------------------------------------------------------------------------
-- Packages (docs/vertrieb/angebot.md). The key is the existing deal_package enum, so deals.package keeps
-- working unchanged and now references this table; a deal's amount_cents stays its agreed price (a discount
-- is possible) and defaults to the package's price when left out.
create table public.packages (
  key public.deal_package primary key,
  name text not null check (char_length(name) between 1 and 80),
  kind text not null check (kind in ('one_time', 'monthly')),
  price_cents integer not null check (price_cents > 0 and price_cents <= 100000000),
  active boolean not null default true,
  position smallint not null default 0
);
insert into public.packages (key, name, kind, price_cents, position) values
  ('SETUP', 'Setup: persönlicher AI-Agent in 5 Stunden', 'one_time', 149000, 1),
  ('RETAINER', 'Retainer: Updates, Monitoring, Anpassungen', 'monthly', 14900, 2);

alter table public.deals
  add constraint deals_package_fkey foreign key (package) references public.packages (key) on update cascade,
  -- Retainers: the first and the last day of service (Berlin dates, inclusive). starts_on empty = the day the
  -- deal was won; ends_on empty = running. A month counts a retainer that ran on at least one of its days.
  add column starts_on date,
  add column ends_on date,
  add constraint deals_period check (ends_on is null or starts_on is null or ends_on >= starts_on);

create index deals_open_idx on public.deals (lead_id) where status = 'OPEN';

-- ---------------------------------------------------------------------------------------------
-- How likely an open deal is won, by the stage its lead is in (the forecast weighs open deals with it).
create table public.stage_probabilities (
  stage public.lead_stage primary key,
  probability numeric(4, 3) not null check (probability between 0 and 1)
);
insert into public.stage_probabilities (stage, probability) values
  ('NEW', 0.05), ('CONTACTED', 0.10), ('REPLIED', 0.20), ('QUALIFIED', 0.35), ('CALL_BOOKED', 0.50),
  ('WON', 1), ('LOST', 0);

-- The board's settings: the monthly revenue goal (roadmap: 10.000 EUR a month).
create table public.kpi_settings (
  id boolean primary key default true check (id),
  revenue_goal_cents bigint not null default 1000000 check (revenue_goal_cents > 0)
);
insert into public.kpi_settings default values;

-- The weekly digest's memory: one row per reported ISO week, across restarts, daylight saving and instances.
create table public.kpi_digest_runs (
  iso_week text primary key check (iso_week ~ '^[0-9]{4}-W[0-9]{2}$'),
  week_start date not null unique check (extract(isodow from week_start) = 1),
  -- the schedule's occurrence (Monday 08:00 Berlin) this digest belongs to, and when it went out
  due_at timestamptz not null,
  sent_at timestamptz not null,
  alert_id uuid references public.alerts (id) on delete set null
);

-- ---------------------------------------------------------------------------------------------
-- The stage history carries what the board needs per row, so the board reads only the period's rows:
--   lost_reason      leads.lost_reason is cleared when a lead is reopened (LOST → NEW), but the week it was
--                    lost in should still show why
--   stay_started_at  when the lead entered from_stage for the stay this row ends
--   stage_total      the lead's whole time in from_stage up to this row, over all its stays there (a lead that
--                    went back or was reopened is counted in full)
-- Filled for every writer by a trigger on insert; public.recompute_stage_stays(leads) works them out again
-- from changed_at (after history was corrected by hand, or loaded with triggers off).
alter table public.lead_stage_history
  add column lost_reason text check (char_length(lost_reason) <= 500),
  add column stay_started_at timestamptz,
  add column stage_total interval;

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
  end if;
  if new.to_stage = 'LOST' and new.lost_reason is null then
    -- written by the leads trigger after the update, so the row has the new reason
    select l.lost_reason into new.lost_reason from public.leads l where l.id = new.lead_id;
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
                then sum(coalesce(o.changed_at - o.started, interval '0')) over (partition by o.lead_id, o.from_stage order by o.changed_at, o.id) end as total
    from ordered o
  ), updated as (
    update public.lead_stage_history h set stay_started_at = t.started, stage_total = t.total
    from totals t
    where t.id = h.id and (h.stay_started_at is distinct from t.started or h.stage_total is distinct from t.total)
    returning 1
  )
  select count(*)::int from updated
$$;
revoke all on function public.recompute_stage_stays(uuid[]) from public, anon, authenticated;

select public.recompute_stage_stays();
update public.lead_stage_history h set lost_reason = l.lost_reason
from public.leads l
where l.id = h.lead_id and l.stage = 'LOST'
  and h.id = (select max(x.id) from public.lead_stage_history x where x.lead_id = l.id and x.to_stage = 'LOST');

-- the board's reads as index-only scans: the period's stage moves, the moves the weekly minimums count, the
-- decisions, the won deals by package
create index lead_stage_history_kpi_idx on public.lead_stage_history (changed_at)
  include (lead_id, from_stage, to_stage, id, stay_started_at, stage_total);
create index lead_stage_history_metrics_idx on public.lead_stage_history (changed_at) include (lead_id, from_stage, to_stage)
  where to_stage in ('CONTACTED', 'REPLIED', 'CALL_BOOKED');
create index lead_stage_history_decisions_idx on public.lead_stage_history (changed_at) include (lead_id, to_stage, id, lost_reason)
  where to_stage in ('WON', 'LOST');
create index deals_won_package_idx on public.deals (package, won_at) include (amount_cents, starts_on, ends_on) where status = 'WON';

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

-- 1.490 € (whole euros, German grouping)
create function public.german_euros(p_cents numeric)
returns text
language sql immutable as $$
  select replace(to_char(round(p_cents / 100.0), 'FM999,999,999,990'), ',', '.') || ' €'
$$;

-- ---------------------------------------------------------------------------------------------
-- The board. p_kind 'week' (p_start a Monday) or 'month' (p_start the 1st); everything up to
-- min(end of the period, p_at) counts. Definitions in docs/kpi.md:
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
  v_trend_from timestamptz;
  v_as_of date;
  v_days integer;
  v_elapsed integer;
  v_month date;
  v_month_from timestamptz;
  v_metrics json;
  v_revenue json;
  v_forecast json;
  v_funnel json;
  v_win json;
  v_reasons json;
  v_sources json;
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
  v_trend_from := public.berlin_day_start((p_start - 4 * v_step)::date);
  v_days := v_end - p_start;
  -- the last day counted (the day before the start when nothing is)
  v_as_of := ((v_until - interval '1 microsecond') at time zone 'Europe/Berlin')::date;
  v_elapsed := greatest(0, least(v_days, v_as_of - p_start + 1));
  v_month := date_trunc('month', greatest(v_as_of, p_start))::date;
  v_month_from := public.berlin_day_start(v_month);

  -- Weekly minimums, this period and the four before: per period an index range of each source (the
  -- period's bounds as instants, so no row needs a time zone conversion).
  with periods as (
    select x.i, x.starts_on, x.ends_before, public.berlin_day_start(x.starts_on) as from_at,
           least(public.berlin_day_start(x.ends_before), v_until) as until_at
    from (select i, (p_start - i * v_step)::date as starts_on, (p_start - (i - 1) * v_step)::date as ends_before
          from generate_series(0, 4) i) x
  ), vals as (
    select p.i, p.starts_on, p.ends_before, m.metric, m.value
    from periods p
    cross join lateral (
      select count(distinct h.lead_id) filter (where h.from_stage = 'NEW' and h.to_stage in ('CONTACTED', 'CALL_BOOKED')) as first_contacts,
             count(distinct h.lead_id) filter (where h.to_stage = 'REPLIED') as replies,
             count(distinct h.lead_id) filter (where h.to_stage = 'CALL_BOOKED') as calls
      from public.lead_stage_history h
      where h.changed_at >= p.from_at and h.changed_at < p.until_at and h.to_stage in ('CONTACTED', 'REPLIED', 'CALL_BOOKED')) mv
    cross join lateral (
      select count(*) as new_leads from public.leads l where l.created_at >= p.from_at and l.created_at < p.until_at) c
    cross join lateral (
      select count(*) as setups_sold from public.deals d
      where d.status = 'WON' and d.package = 'SETUP' and d.won_at >= p.from_at and d.won_at < p.until_at) s
    cross join lateral (values ('new_leads', c.new_leads), ('first_contacts', mv.first_contacts),
                               ('replies', mv.replies), ('calls', mv.calls), ('setups_sold', s.setups_sold)) m(metric, value)
  ), lines as (
    select v.*, w.label, w.position, ceil(w.target * (v.ends_before - v.starts_on) / 7.0)::int as target
    from vals v join public.weekly_targets w on w.metric = v.metric
  )
  select json_agg(json_build_object(
           'metric', r.metric, 'label', r.label, 'value', r.value, 'target', r.target, 'reached', r.value >= r.target,
           'expected_so_far', ceil(r.target * v_elapsed / v_days::numeric)::int,
           'trend', (select json_agg(json_build_object('period', public.kpi_period_key(p_kind, t.starts_on),
                                                         'label', public.kpi_period_label(p_kind, t.starts_on),
                                                         'value', t.value, 'target', t.target) order by t.i desc)
                     from lines t where t.metric = r.metric and t.i > 0))
         order by r.position)
  into v_metrics
  from lines r where r.i = 0;

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

  -- Funnel and time in stage: the moves out of a stage in the period, each with its stay and the lead's total
  -- time in that stage (stay_started_at, stage_total); a lead with several moves out of a stage counts once,
  -- with its last total.
  with rows_in as (
    select h.lead_id, h.from_stage, h.to_stage, h.stay_started_at, h.stage_total, h.changed_at
    from public.lead_stage_history h
    where h.changed_at >= v_from and h.changed_at < v_until
  ), moves as (
    select r.lead_id, r.from_stage as stage, r.to_stage as next_stage,
           -- date_part: double precision, much cheaper per row than extract's numeric
           date_part('epoch', r.changed_at - r.stay_started_at) / 3600 as hours,
           date_part('epoch', r.stage_total) / 3600 as total_hours
    from rows_in r
    where r.from_stage is not null
  ), exits as (
    select m.stage,
           count(*) filter (where m.next_stage <> 'LOST' and m.next_stage > m.stage)::int as advanced,
           count(*) filter (where m.next_stage = 'LOST')::int as lost,
           count(*) filter (where m.next_stage < m.stage)::int as back,
           percentile_cont(0.5) within group (order by m.hours) as median_hours
    from moves m group by m.stage
  ), totals as (
    select t.stage, percentile_cont(0.5) within group (order by t.total_hours) as median_total_hours
    -- stage_total only grows with each stay, so the lead's last total in the period is its largest
    from (select m.stage, max(m.total_hours) as total_hours from moves m group by m.lead_id, m.stage) t
    group by t.stage
  ), entered as (
    select r.to_stage as stage, count(*)::int as moves from rows_in r group by r.to_stage
  )
  select json_agg(json_build_object(
           'stage', st.stage, 'label', public.lead_stage_label(st.stage),
           'entered', coalesce(en.moves, 0), 'advanced', coalesce(ex.advanced, 0), 'lost', coalesce(ex.lost, 0),
           'back', coalesce(ex.back, 0),
           'conversion', round(ex.advanced::numeric / nullif(ex.advanced + ex.lost, 0), 3),
           'median_hours', round(ex.median_hours::numeric, 1),
           'median_total_hours', round(tt.median_total_hours::numeric, 1))
         order by st.stage)
  into v_funnel
  from unnest('{NEW,CONTACTED,REPLIED,QUALIFIED,CALL_BOOKED}'::public.lead_stage[]) st(stage)
  left join entered en on en.stage = st.stage
  left join exits ex on ex.stage = st.stage
  left join totals tt on tt.stage = st.stage;

  -- Decisions: each lead once, with its last decision in the period.
  with decided as (
    select distinct on (h.lead_id) h.lead_id, h.to_stage, h.lost_reason
    from public.lead_stage_history h
    where h.changed_at >= v_from and h.changed_at < v_until and h.to_stage in ('WON', 'LOST')
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
        where d.status = 'WON' and d.won_at >= v_from and d.won_at < v_until
        group by l.utm_source) x;

  return json_build_object(
    'period', json_build_object('kind', p_kind, 'key', public.kpi_period_key(p_kind, p_start),
                                 'label', public.kpi_period_label(p_kind, p_start),
                                 'starts_on', p_start, 'ends_on', v_end - 1, 'as_of', v_until,
                                 'complete', v_until >= public.berlin_day_start(v_end),
                                 'days', v_days, 'days_elapsed', v_elapsed),
    'metrics', v_metrics,
    'revenue', v_revenue,
    'forecast', v_forecast,
    'funnel', v_funnel,
    'win_rate', v_win,
    'lost_reasons', v_reasons,
    'won_sources', v_sources);
end
$$;

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

-- ---------------------------------------------------------------------------------------------
-- Alerts about the board link to it.
alter table public.alerts drop constraint alerts_subject_type_check,
  add constraint alerts_subject_type_check
    check (subject_type in ('incident', 'agent', 'lead', 'deal', 'alert', 'channel', 'team', 'kpi'));

create or replace function public.alert_link(p_subject_type text, p_subject_id uuid)
returns text
language sql immutable set search_path = '' as $$
  select case p_subject_type
    when 'incident' then '#/incidents/' || p_subject_id
    when 'agent' then '#/agents/' || p_subject_id
    when 'lead' then '#/leads/' || p_subject_id
    when 'deal' then '#/deals/' || p_subject_id
    when 'alert' then '#/alerts/' || p_subject_id
    when 'kpi' then '#/zahlen'
    else '#/heute'
  end
$$;

-- The digest's route: chat and e-mail, not at night.
insert into public.alert_routes (kind, min_severity, channels, quiet_from, quiet_to, group_window, note) values
  ('kpi_weekly', 'info', '{slack,teams,telegram,email,webhook}', '21:00', '07:00', interval '0',
   'Wochenbilanz: Chat und E-Mail, montags 08:00');

-- ---------------------------------------------------------------------------------------------
-- Row level security
alter table public.packages enable row level security;
alter table public.stage_probabilities enable row level security;
alter table public.kpi_settings enable row level security;
alter table public.kpi_digest_runs enable row level security;

revoke all on public.packages, public.stage_probabilities, public.kpi_settings, public.kpi_digest_runs from anon;
revoke truncate, references, trigger on public.packages, public.stage_probabilities, public.kpi_settings,
  public.kpi_digest_runs from authenticated, service_role;
revoke insert, update, delete on public.kpi_digest_runs from authenticated;

create policy packages_team on public.packages for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy stage_probabilities_team on public.stage_probabilities for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy kpi_settings_team on public.kpi_settings for all to authenticated
  using ((select public.is_team_member())) with check ((select public.is_team_member()));
create policy kpi_digest_runs_team on public.kpi_digest_runs for select to authenticated
  using ((select public.is_team_member()));

grant select on public.packages, public.stage_probabilities, public.kpi_settings to leitstand_functions;
grant select, insert, update on public.kpi_digest_runs to leitstand_functions;
create policy packages_functions on public.packages for select to leitstand_functions using (true);
create policy stage_probabilities_functions on public.stage_probabilities for select to leitstand_functions using (true);
create policy kpi_settings_functions on public.kpi_settings for select to leitstand_functions using (true);
create policy kpi_digest_runs_functions on public.kpi_digest_runs for all to leitstand_functions using (true) with check (true);

revoke all on function public.kpi_board(text, date, timestamptz) from public, anon;
revoke all on function public.send_kpi_digest(date, timestamptz, timestamptz, text) from public, anon, authenticated;
grant execute on function public.kpi_board(text, date, timestamptz) to authenticated, leitstand_functions;
grant execute on function public.send_kpi_digest(date, timestamptz, timestamptz, text) to leitstand_functions;
