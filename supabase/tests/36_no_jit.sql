-- Functions whose plans the planner overestimates by orders of magnitude (rows of jsonb_array_elements and jsonb_each
-- guessed at 100 each, nested) run without JIT: compiling such a plan costs more than half a second each call
-- (bench/export.sh: the Auskunft went from 0.1 s to 0.9 s), running it under a millisecond.
begin;
create extension if not exists pgtap;
select plan(3);

select ok((select 'jit=off' = any(p.proconfig) from pg_proc p where p.oid = 'public.onboarding_answers_label(jsonb, integer)'::regprocedure),
  'the onboarding answers as the questionnaire asks them are labelled without JIT');
select ok((select 'jit=off' = any(p.proconfig) from pg_proc p where p.proname = 'apply_retention' and p.pronamespace = 'public'::regnamespace),
  'the daily retention runs without JIT');

-- why: the planner's estimate for one call of the labelling body is above the JIT threshold
create function pg_temp.cost_of(p_sql text) returns numeric language plpgsql as $$
declare v_plan json;
begin
  execute 'explain (format json) ' || p_sql into v_plan;
  return (v_plan -> 0 -> 'Plan' ->> 'Total Cost')::numeric;
end
$$;
select cmp_ok(pg_temp.cost_of((
    select replace(replace(rtrim(btrim(p.prosrc, E' \n'), ';'), 'p_answers', quote_literal('{"a": {"b": "c"}}') || '::jsonb'), 'p_template_version', '1')
    from pg_proc p where p.oid = 'public.onboarding_answers_label(jsonb, integer)'::regprocedure)),
  '>', current_setting('jit_above_cost')::numeric,
  'without the setting the labelling would be compiled with JIT (its estimated cost is above jit_above_cost)');

select * from finish();
rollback;
