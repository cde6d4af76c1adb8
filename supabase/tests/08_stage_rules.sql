-- Stage rules (20261125101000_pipeline_rules.sql): the trigger on public.leads allows exactly the moves in
-- public.lead_stage_transitions and rejects every other move between two distinct stages with 23514.
-- The expected moves are written out below, so an accidental edit of the transitions table fails here.
-- Every pair of distinct stages is tried on its own lead, brought to the from-stage along allowed moves
-- (as the superuser), with the requirements of the to-stage satisfied, so only the move itself decides.
begin;
create extension if not exists pgtap;
select plan(35);

-- The rules as the business defines them (docs/pipeline.md).
create temp table expected_moves (
  from_stage public.lead_stage not null,
  to_stage public.lead_stage not null,
  primary key (from_stage, to_stage)
);
insert into expected_moves (from_stage, to_stage) values
  ('NEW', 'CONTACTED'), ('CONTACTED', 'REPLIED'), ('REPLIED', 'QUALIFIED'), ('QUALIFIED', 'CALL_BOOKED'),
  ('CALL_BOOKED', 'WON'),
  ('NEW', 'CALL_BOOKED'), ('CONTACTED', 'CALL_BOOKED'), ('REPLIED', 'CALL_BOOKED'),
  ('CALL_BOOKED', 'QUALIFIED'),
  ('NEW', 'LOST'), ('CONTACTED', 'LOST'), ('REPLIED', 'LOST'), ('QUALIFIED', 'LOST'), ('CALL_BOOKED', 'LOST'),
  ('LOST', 'NEW');

-- A fresh lead in stage NEW.
create function pg_temp.new_lead() returns uuid
language plpgsql as $$
declare id uuid := gen_random_uuid();
begin
  insert into public.leads (id, name, email, consent_at, consent_text_version, consent_source)
  values (id, 'Test Lead', id::text || '@example.com', now(), 'v1', 'pgtap');
  return id;
end
$$;

-- Satisfies what a stage requires: an OPEN deal before WON, a reason before LOST, a date before CALL_BOOKED.
create function pg_temp.prepare(lead uuid, target public.lead_stage) returns void
language plpgsql as $$
begin
  if target = 'WON' and not exists (select 1 from public.deals where lead_id = lead and status = 'OPEN') then
    insert into public.deals (lead_id, package, amount_cents) values (lead, 'SETUP', 149000);
  elsif target = 'LOST' then
    update public.leads set lost_reason = 'Kein Budget' where id = lead;
  elsif target = 'CALL_BOOKED' then
    update public.leads set call_at = coalesce(call_at, now() + interval '2 days') where id = lead;
  end if;
end
$$;

-- Shortest walk from NEW to every stage along the expected moves.
create temp table walks as
  with recursive walk (stage, path) as (
    select 'NEW'::public.lead_stage, array[]::public.lead_stage[]
    union all
    select m.to_stage, w.path || m.to_stage
      from walk w join expected_moves m on m.from_stage = w.stage
     where m.to_stage <> 'NEW' and m.to_stage <> all (w.path)
  )
  select distinct on (stage) stage, path from walk order by stage, cardinality(path), path::text[];

-- A lead brought to the given stage along allowed moves.
create function pg_temp.lead_at(target public.lead_stage) returns uuid
language plpgsql as $$
declare
  lead uuid := pg_temp.new_lead();
  step public.lead_stage;
begin
  foreach step in array (select path from walks where stage = target) loop
    perform pg_temp.prepare(lead, step);
    update public.leads set stage = step where id = lead;
  end loop;
  if (select stage from public.leads where id = lead) <> target then
    raise exception 'could not bring a lead to stage %', target;
  end if;
  return lead;
end
$$;

-- SQLSTATE of a statement, or 'ok'.
create function pg_temp.sqlstate_of(sql text) returns text
language plpgsql as $$
begin
  execute sql;
  return 'ok';
exception when others then
  return sqlstate;
end
$$;

-- Try every pair of distinct stages.
create temp table outcomes (
  from_stage public.lead_stage,
  to_stage public.lead_stage,
  setup_error text,
  result text,          -- 'ok' or the SQLSTATE
  message text,
  history_added int,
  events_added int,
  event_matches boolean,
  stage_after public.lead_stage
);

do $$
declare
  pair record;
  lead uuid;
  h0 int;
  e0 int;
  res text;
  msg text;
begin
  for pair in
    select f.s as from_stage, t.s as to_stage
      from unnest(enum_range(null::public.lead_stage)) f(s)
     cross join unnest(enum_range(null::public.lead_stage)) t(s)
     where f.s <> t.s
  loop
    begin
      lead := pg_temp.lead_at(pair.from_stage);
    exception when others then
      insert into outcomes (from_stage, to_stage, setup_error) values (pair.from_stage, pair.to_stage, sqlstate || ': ' || sqlerrm);
      continue;
    end;
    perform pg_temp.prepare(lead, pair.to_stage);
    select count(*) into h0 from public.lead_stage_history where lead_id = lead;
    select count(*) into e0 from public.pipeline_events where lead_id = lead;
    res := 'ok';
    msg := null;
    begin
      update public.leads set stage = pair.to_stage where id = lead;
    exception when others then
      res := sqlstate;
      msg := sqlerrm;
    end;
    insert into outcomes
    select pair.from_stage, pair.to_stage, null, res, msg,
           (select count(*) from public.lead_stage_history where lead_id = lead) - h0,
           (select count(*) from public.pipeline_events where lead_id = lead) - e0,
           exists (select 1 from public.pipeline_events e
                    where e.lead_id = lead and e.id = (select max(id) from public.pipeline_events where lead_id = lead)
                      and e.from_stage = pair.from_stage and e.to_stage = pair.to_stage and e.processed_at is null),
           (select stage from public.leads where id = lead);
  end loop;
end
$$;

------------------------------------------------------------------------------------------------
-- 1. The transitions table and the trigger agree with the written-out rules.
------------------------------------------------------------------------------------------------
select set_eq(
  $$ select from_stage, to_stage from public.lead_stage_transitions $$,
  $$ select from_stage, to_stage from expected_moves $$,
  'lead_stage_transitions holds exactly the expected moves');
select is((select count(*)::int from outcomes), 42, 'all 42 pairs of distinct stages were tried (7 stages)');
select is_empty(
  $$ select from_stage || ' -> ' || to_stage || ': ' || setup_error from outcomes where setup_error is not null $$,
  'every stage can be reached from NEW along allowed moves');
select is_empty(
  $$ select o.from_stage || ' -> ' || o.to_stage || ' gave ' || coalesce(o.result, 'nothing')
       from outcomes o join expected_moves m using (from_stage, to_stage)
      where o.result is distinct from 'ok' $$,
  'every expected move is allowed');
select is_empty(
  $$ select o.from_stage || ' -> ' || o.to_stage || ' gave ' || coalesce(o.result, 'nothing')
       from outcomes o
      where not exists (select 1 from expected_moves m where m.from_stage = o.from_stage and m.to_stage = o.to_stage)
        and o.result is distinct from '23514' $$,
  'every other move between distinct stages is rejected with 23514');
select set_eq(
  $$ select from_stage, to_stage from outcomes where result = 'ok' $$,
  $$ select from_stage, to_stage from public.lead_stage_transitions $$,
  'the trigger allows exactly the moves in lead_stage_transitions');
select is_empty(
  $$ select from_stage || ' -> ' || to_stage || ': ' || message from outcomes
      where result = '23514' and message not like 'Stufenwechsel von % nach % ist nicht erlaubt.' $$,
  'rejected moves fail on the transition rule itself (the requirements of the target stage were met)');
select is(
  (select count(*)::int from outcomes where result = 'ok'), 15, '15 moves are allowed');
select is(
  (select count(*)::int from outcomes where result = '23514'), 27, '27 moves are rejected');

-- What every move leaves behind.
select is_empty(
  $$ select from_stage || ' -> ' || to_stage || format(' history +%s, events +%s, event matches %s, stage %s',
                                                        history_added, events_added, event_matches, stage_after)
       from outcomes
      where result = 'ok'
        and (history_added <> 1 or events_added <> 1 or not event_matches or stage_after <> to_stage) $$,
  'every allowed move writes one lead_stage_history row and one pending pipeline_events row and sets the stage');
select is_empty(
  $$ select from_stage || ' -> ' || to_stage || format(' history +%s, events +%s, stage %s', history_added, events_added, stage_after)
       from outcomes
      where result = '23514'
        and (history_added <> 0 or events_added <> 0 or stage_after <> from_stage) $$,
  'a rejected move leaves the stage, the history and the events untouched');

------------------------------------------------------------------------------------------------
-- 2. Requirements of the target stages.
------------------------------------------------------------------------------------------------
create temp table lead_ids (label text primary key, id uuid not null);
insert into lead_ids values
  ('call_booked_no_deal', pg_temp.lead_at('CALL_BOOKED')),
  ('call_booked_lost_deal', pg_temp.lead_at('CALL_BOOKED')),
  ('qualified', pg_temp.lead_at('QUALIFIED')),
  ('new', pg_temp.lead_at('NEW')),
  ('won', pg_temp.lead_at('CALL_BOOKED')),
  ('lost', pg_temp.lead_at('CONTACTED')),
  ('reopen', pg_temp.lead_at('LOST'));
grant select on lead_ids to public;

select throws_ok(
  format($$ update public.leads set stage = 'WON' where id = %L $$, (select id from lead_ids where label = 'call_booked_no_deal')),
  '23514', null, 'WON without a deal is rejected with 23514');
select throws_like(
  format($$ update public.leads set stage = 'WON' where id = %L $$, (select id from lead_ids where label = 'call_booked_no_deal')),
  '%Deal%', 'the WON rejection names the missing Deal');
insert into public.deals (lead_id, package, amount_cents, status)
  select id, 'RETAINER', 50000, 'LOST' from lead_ids where label = 'call_booked_lost_deal';
select throws_ok(
  format($$ update public.leads set stage = 'WON' where id = %L $$, (select id from lead_ids where label = 'call_booked_lost_deal')),
  '23514', null, 'WON with only a LOST deal is rejected with 23514');

select throws_ok(
  format($$ update public.leads set stage = 'LOST' where id = %L $$, (select id from lead_ids where label = 'qualified')),
  '23514', null, 'LOST without lost_reason is rejected with 23514');
select throws_ok(
  format($$ update public.leads set stage = 'LOST', lost_reason = '   ' where id = %L $$, (select id from lead_ids where label = 'qualified')),
  '23514', null, 'LOST with a blank lost_reason is rejected with 23514');
select lives_ok(
  format($$ update public.leads set stage = 'LOST', lost_reason = 'Kein Bedarf' where id = %L $$, (select id from lead_ids where label = 'qualified')),
  'LOST with lost_reason in the same update is allowed');

select throws_ok(
  format($$ update public.leads set stage = 'CALL_BOOKED' where id = %L $$, (select id from lead_ids where label = 'new')),
  '23514', null, 'CALL_BOOKED without call_at is rejected with 23514');
select lives_ok(
  format($$ update public.leads set stage = 'CALL_BOOKED', call_at = now() + interval '1 day' where id = %L $$,
         (select id from lead_ids where label = 'new')),
  'CALL_BOOKED with call_at in the same update is allowed');

-- Inserts start in NEW.
select throws_ok(
  $$ insert into public.leads (name, email, stage, consent_at, consent_text_version, consent_source)
     values ('Direkt', 'direkt@example.com', 'CONTACTED', now(), 'v1', 'pgtap') $$,
  '23514', null, 'inserting a lead in stage CONTACTED is rejected with 23514');
select is_empty(
  $$ select s::text || ' gave ' || x.result
       from unnest(enum_range(null::public.lead_stage)) s,
            lateral (select pg_temp.sqlstate_of(format(
              'insert into public.leads (name, email, stage, call_at, lost_reason, consent_at, consent_text_version, consent_source) '
              'values (''Direkt'', %L, %L, now(), ''x'', now(), ''v1'', ''pgtap'')', lower(s::text) || '-insert@example.com', s)) as result) x
      where s <> 'NEW' and x.result <> '23514' $$,
  'inserting a lead in any stage other than NEW is rejected with 23514 (requirements met or not)');
select lives_ok(
  $$ insert into public.leads (name, email, stage, consent_at, consent_text_version, consent_source)
     values ('Neu', 'neu-insert@example.com', 'NEW', now(), 'v1', 'pgtap') $$,
  'inserting a lead in stage NEW is allowed');
select is((select count(*)::int from public.pipeline_events e join public.leads l on l.id = e.lead_id
            where l.email = 'neu-insert@example.com'), 0,
  'inserting a lead writes no pipeline event (only the initial history row)');

-- Setting the same stage again is no move: no error, no event.
select lives_ok(
  format($$ update public.leads set stage = 'CONTACTED' where id = %L $$, (select id from lead_ids where label = 'lost')),
  'setting the current stage again is not rejected');
select is((select count(*)::int from public.pipeline_events where lead_id = (select id from lead_ids where label = 'lost')), 1,
  'setting the current stage again writes no pipeline event');

------------------------------------------------------------------------------------------------
-- 3. Side effects on deals and on reopening.
------------------------------------------------------------------------------------------------
insert into public.deals (id, lead_id, package, amount_cents)
  select 'c0000000-0000-4000-8000-000000000001', id, 'SETUP', 149000 from lead_ids where label = 'won';
select lives_ok(
  format($$ update public.leads set stage = 'WON' where id = %L $$, (select id from lead_ids where label = 'won')),
  'CALL_BOOKED -> WON with an OPEN deal is allowed');
select is((select status::text from public.deals where id = 'c0000000-0000-4000-8000-000000000001'), 'WON',
  'WON marks the OPEN deal WON');
select ok((select won_at is not null from public.deals where id = 'c0000000-0000-4000-8000-000000000001'),
  'WON sets won_at on the deal');

insert into public.deals (id, lead_id, package, amount_cents)
  select 'c0000000-0000-4000-8000-000000000002', id, 'RETAINER', 90000 from lead_ids where label = 'lost';
update public.leads set lost_reason = 'Kein Budget' where id = (select id from lead_ids where label = 'lost');
update public.leads set stage = 'LOST' where id = (select id from lead_ids where label = 'lost');
select results_eq(
  $$ select status::text, won_at is null from public.deals where id = 'c0000000-0000-4000-8000-000000000002' $$,
  $$ values ('LOST'::text, true) $$,
  'LOST marks the OPEN deal LOST');

-- Reopening a LOST lead clears the reason and the deletion date.
update public.leads set delete_after = now() + interval '30 days' where id = (select id from lead_ids where label = 'reopen');
select ok((select lost_reason is not null and delete_after is not null from public.leads
            where id = (select id from lead_ids where label = 'reopen')),
  'precondition: the LOST lead has lost_reason and delete_after');
select lives_ok(
  format($$ update public.leads set stage = 'NEW' where id = %L $$, (select id from lead_ids where label = 'reopen')),
  'LOST -> NEW is allowed');
select ok((select lost_reason is null and delete_after is null and stage = 'NEW' from public.leads
            where id = (select id from lead_ids where label = 'reopen')),
  'LOST -> NEW clears lost_reason and delete_after');

------------------------------------------------------------------------------------------------
-- 4. The rules hold for every writer, not only the superuser.
------------------------------------------------------------------------------------------------
insert into auth.users (id, email) values ('a0000000-0000-4000-8000-000000000002', 'member@example.com');
insert into public.team_members (user_id, display_name) values ('a0000000-0000-4000-8000-000000000002', 'Member');
insert into lead_ids values ('writers', pg_temp.lead_at('NEW'));

set local role leitstand_functions;
set local request.jwt.claims = '';
select throws_ok(
  format($$ update public.leads set stage = 'WON' where id = %L $$, (select id from lead_ids where label = 'writers')),
  '23514', null, 'leitstand_functions cannot move NEW -> WON');

set local role authenticated;
set local request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000002","role":"authenticated","app_metadata":{}}';
select throws_ok(
  format($$ update public.leads set stage = 'QUALIFIED' where id = %L $$, (select id from lead_ids where label = 'writers')),
  '23514', null, 'a team member cannot move NEW -> QUALIFIED');
select lives_ok(
  format($$ update public.leads set stage = 'CONTACTED' where id = %L $$, (select id from lead_ids where label = 'writers')),
  'a team member can move NEW -> CONTACTED');
reset role;
reset request.jwt.claims;

select * from finish();
rollback;
