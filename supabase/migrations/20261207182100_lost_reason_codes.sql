-- Issue 21, no personal data in derived text: a lost lead's reason is a code of a fixed list (public.lost_reasons);
-- the stage history and the KPI figures keep only the code, never free text. The LOST move takes the code and an
-- optional free note, which stays on the lead (leads.lost_reason) and is never copied. Existing free-text reasons
-- count as 'sonstiges' in the history and the kept figures; the leads keep theirs as the note.

create table public.lost_reasons (
  code text primary key check (code ~ '^[a-z_]{1,40}$'),
  label text not null check (char_length(label) between 1 and 60),
  position smallint not null
);
insert into public.lost_reasons (code, label, position) values
  ('preis', 'Zu teuer', 1),
  ('kein_bedarf', 'Kein Bedarf', 2),
  ('keine_zeit', 'Keine Zeit / falscher Zeitpunkt', 3),
  ('kein_kontakt', 'Keine Antwort / kein Kontakt', 4),
  ('wettbewerber', 'Anderer Anbieter', 5),
  ('sonstiges', 'Sonstiges', 6);

alter table public.lost_reasons enable row level security;
revoke all on public.lost_reasons from anon;
revoke truncate, references, trigger on public.lost_reasons from authenticated, service_role;
revoke insert, update, delete on public.lost_reasons from authenticated;
create policy lost_reasons_team on public.lost_reasons for select to authenticated using ((select public.is_team_member()));
grant select on public.lost_reasons to leitstand_functions;
create policy lost_reasons_functions on public.lost_reasons for select to leitstand_functions using (true);

alter table public.leads add column lost_reason_code text references public.lost_reasons (code) on update cascade;
update public.leads set lost_reason_code = 'sonstiges' where stage = 'LOST';

alter table public.lead_stage_history add column lost_reason_code text references public.lost_reasons (code) on update cascade;
update public.lead_stage_history set lost_reason_code = 'sonstiges' where to_stage = 'LOST';
drop index public.lead_stage_history_decisions_idx;
alter table public.lead_stage_history drop column lost_reason;
create index lead_stage_history_decisions_idx on public.lead_stage_history (changed_at) include (lead_id, to_stage, id, lost_reason_code)
  where to_stage in ('WON', 'LOST');

-- The kept figures: their free-text reasons become one 'sonstiges' entry.
update public.kpi_period_figures f
set figures = jsonb_set(f.figures, '{lost_reasons}',
                        jsonb_build_array(jsonb_build_object('code', 'sonstiges', 'reason', 'Sonstiges',
                          'leads', (select coalesce(sum((r ->> 'leads')::int), 0) from jsonb_array_elements(f.figures -> 'lost_reasons') r))))
where jsonb_typeof(f.figures -> 'lost_reasons') = 'array' and jsonb_array_length(f.figures -> 'lost_reasons') > 0;

create or replace function public.enforce_lead_stage_rules() returns trigger
language plpgsql set search_path = '' as $$
declare
  allowed text;
begin
  if tg_op = 'INSERT' then
    if new.stage <> 'NEW' then
      raise exception 'Neue Leads beginnen in der Stufe NEW (nicht %). Die Stufe danach per Update ändern.', new.stage
        using errcode = 'check_violation', schema = 'public', table = 'leads', column = 'stage';
    end if;
    return new;
  end if;

  if new.stage is not distinct from old.stage then
    return new;
  end if;

  if not exists (select 1 from public.lead_stage_transitions t where t.from_stage = old.stage and t.to_stage = new.stage) then
    select string_agg(t.to_stage::text, ', ' order by t.to_stage) into allowed
    from public.lead_stage_transitions t where t.from_stage = old.stage;
    raise exception 'Stufenwechsel von % nach % ist nicht erlaubt.', old.stage, new.stage
      using errcode = 'check_violation',
            detail = format('Erlaubt ab %s: %s.', old.stage, coalesce(allowed, 'keine (Endstufe)')),
            hint = 'Die Regeln stehen in public.lead_stage_transitions und in docs/pipeline.md.',
            schema = 'public', table = 'leads', column = 'stage';
  end if;

  if new.stage = 'WON' and not exists (
       select 1 from public.deals d where d.lead_id = new.id and d.status in ('OPEN', 'WON')) then
    raise exception 'Für WON braucht der Lead einen Deal mit Paket (SETUP oder RETAINER) und Betrag in Cent (Tabelle deals).'
      using errcode = 'check_violation', schema = 'public', table = 'deals';
  end if;
  if new.stage = 'LOST' and new.lost_reason_code is null and coalesce(btrim(new.lost_reason), '') = '' then
    raise exception 'Für LOST bitte einen Grund in lost_reason angeben.'
      using errcode = 'check_violation', schema = 'public', table = 'leads', column = 'lost_reason';
  end if;
  if new.stage = 'LOST' then
    new.lost_reason_code := coalesce(new.lost_reason_code, 'sonstiges');
  end if;
  if new.stage = 'CALL_BOOKED' and new.call_at is null then
    raise exception 'Für CALL_BOOKED bitte call_at (Datum und Uhrzeit des Calls) setzen.'
      using errcode = 'check_violation', schema = 'public', table = 'leads', column = 'call_at';
  end if;

  if old.stage = 'LOST' then
    new.lost_reason := null;
    new.lost_reason_code := null;
    new.delete_after := null;
  end if;
  return new;
end
$$;

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
  if new.to_stage = 'LOST' and new.lost_reason_code is null then
    -- written by the leads trigger after the update, so the row has the new reason (its code only, no free text)
    select l.lost_reason_code into new.lost_reason_code from public.leads l where l.id = new.lead_id;
  end if;
  return new;
end
$$;

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

