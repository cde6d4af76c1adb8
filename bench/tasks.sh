#!/usr/bin/env bash
# Daily task generation benchmark (issue #9): public.generate_daily_tasks for 1,000, 10,000 and 100,000 leads
# in a realistic stage mix (bench/tasks/seed.sql), against the floor: the plain INSERT … SELECT of the same rows
# into the same table, run directly in psql, in the same run; and the second run of the same day (nothing new).
# The database comes from bench/stack.sh (host/Stack: throwaway PostgreSQL 15 on 127.0.0.1, all migrations).
#
#   bash bench/tasks.sh                          # 1,000 / 10,000 / 100,000 leads, 5 repetitions each
#   BENCH_LEADS="1000 10000" BENCH_REPEAT=3 bash bench/tasks.sh
# Results: printed and written to bench/results/tasks-<UTC time>.md (git ignores bench/results/).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
LEADS="${BENCH_LEADS:-1000 10000 100000}"
REPEAT="${BENCH_REPEAT:-5}"
DAY='2026-12-02'                      # a Wednesday
AT='2026-12-02 04:00:00+00'           # 05:00 in Berlin, the morning run
GOAL_SECONDS=3 GOAL_RATIO=2 GOAL_SECOND_RUN=0.10

source bench/stack-lib.sh

WORK="$(mktemp -d /tmp/leitstand-tasks.XXXXXX)"
STACK_PID=""
trap 'kill "$STACK_PID" 2>/dev/null; wait "$STACK_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
stack_up "$WORK" --no-azurite

COLUMNS="lead_id, deal_id, kind, title, details, status, due_at, assignee, playbook_key, playbook_step, source_event_id, rule, dedupe_key, generated_for, priority, attributes"

# One repetition in one psql session: reset the day, the first run, the second run, then the floor (the rows
# the first run created, deleted and inserted again with INSERT … SELECT). psql's \timing measures each.
measure() {
  "${PSQL[@]}" -v day="$DAY" -v at="$AT" <<SQL 2>&1 | awk '/^@(created|count) / { print; next } /^@/ { label = substr($1, 2) } /^Time: / && label != "" { print label, $2; label = "" }'
delete from public.tasks where generated_for = :'day';
delete from public.task_generation_runs where berlin_date = :'day';
delete from public.outbox_messages where id in (select id from public.alerts where dedupe_key = 'daily_tasks:' || :'day');
delete from public.alerts where dedupe_key = 'daily_tasks:' || :'day';
update public.tasks set priority = 'normal' where rule = 'first_contact';
-- the deletes of the previous repetition are vacuumed away, as autovacuum would between two mornings
vacuum (analyze) public.tasks;
-- yesterday's morning run: the steady state (its follow-up steps were that run's business)
insert into public.task_generation_runs (berlin_date, trigger, started_at, finished_at, last_run_at, created)
values (:'day'::date - 1, 'timer', :'at'::timestamptz - interval '1 day', :'at'::timestamptz - interval '1 day',
        :'at'::timestamptz - interval '1 day', '{}') on conflict do nothing;
\timing on
\echo @first
select (public.generate_daily_tasks(:'day', :'at', 'alerts', 'on_demand') -> 'created')::text as created \gset
\echo @second
select public.generate_daily_tasks(:'day', :'at', 'alerts', 'on_demand') is not null as ok \gset
\timing off
\echo @rows
select count(*) as rows from public.tasks where generated_for = :'day' \gset
\echo @created :created
\echo @count :rows
create temp table floor_rows as select $COLUMNS from public.tasks where generated_for = :'day';
delete from public.tasks where generated_for = :'day';
\timing on
\echo @floor
insert into public.tasks ($COLUMNS) select $COLUMNS from floor_rows;
SQL
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

REPORT="$WORK/report.md"
{
  echo "# Tagesliste: Erzeugung (bench/tasks.sh)"
  echo
  echo "Commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- supabase shared || echo ' + Änderungen'), $(date -u +'%Y-%m-%d %H:%M') UTC, $(nproc) Kerne, PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), Median aus $REPEAT Läufen."
  echo
  echo "| Leads | Aufgaben erzeugt | 1. Lauf | Floor (INSERT … SELECT) | 1. Lauf / Floor | 2. Lauf (nichts neu) | 2. / 1. Lauf |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
} >"$REPORT"

previous=""
for n in $LEADS; do
  log "$n leads: loading"
  "${PSQL[@]}" -c "set client_min_messages = warning" -c "truncate public.leads, public.tasks, public.alerts, public.outbox_messages, public.task_generation_runs, public.pipeline_events, public.lead_stage_history cascade" >/dev/null
  "${PSQL[@]}" -v n="$n" -v at="$AT" -f bench/tasks/seed.sql >"$WORK/seed-$n.log"
  : >"$WORK/m-$n"
  for r in $(seq 1 "$REPEAT"); do
    measure >>"$WORK/m-$n"
  done
  first=$(awk '$1 == "first" { print $2 }' "$WORK/m-$n" | median)
  second=$(awk '$1 == "second" { print $2 }' "$WORK/m-$n" | median)
  floor=$(awk '$1 == "floor" { print $2 }' "$WORK/m-$n" | median)
  rows=$(grep -o '^@count [0-9]*' "$WORK/m-$n" | head -1 | awk '{print $2}')
  created=$(grep -o '^@created .*' "$WORK/m-$n" | head -1 | cut -d' ' -f2-)
  [ -n "$rows" ] || rows=$("${PSQL[@]}" -tAc "select count(*) from public.tasks where generated_for = '$DAY'")
  ratio=$(awk -v a="$first" -v b="$floor" 'BEGIN { printf "%.2f", a / b }')
  share=$(awk -v a="$second" -v b="$first" 'BEGIN { printf "%.1f %%", 100 * a / b }')
  printf '| %s | %s | %.0f ms | %.0f ms | %s× | %.0f ms | %s |\n' "$n" "$rows" "$first" "$floor" "$ratio" "$second" "$share" >>"$REPORT"
  log "$n leads: first $first ms, floor $floor ms, second $second ms, $rows tasks; per rule: $created"
  echo "$n $first $floor $second $rows" >>"$WORK/summary"
done

{
  echo
  echo "Wachstum (1. Lauf): $(awk 'NR > 1 { printf "%s → %s Leads: %.1f×; ", pn, $1, $2 / pf } { pn = $1; pf = $2 }' "$WORK/summary")"
  last=$(tail -1 "$WORK/summary")
  echo
  echo "Ziele bei $(echo "$last" | awk '{print $1}') Leads: unter ${GOAL_SECONDS} s – $(echo "$last" | awk -v g="$GOAL_SECONDS" '{ print ($2 < g * 1000 ? "erreicht" : "verfehlt") " (" int($2) " ms)" }'); höchstens ${GOAL_RATIO}× Floor – $(echo "$last" | awk -v g="$GOAL_RATIO" '{ printf "%s (%.2f×)", ($2 / $3 <= g ? "erreicht" : "verfehlt"), $2 / $3 }'); 2. Lauf unter $(awk -v g="$GOAL_SECOND_RUN" 'BEGIN { print g * 100 }') % – $(echo "$last" | awk -v g="$GOAL_SECOND_RUN" '{ printf "%s (%.1f %%)", ($4 / $2 < g ? "erreicht" : "verfehlt"), 100 * $4 / $2 }')."
  echo
  echo "Je Regel beim letzten Lauf: $(grep -o '^@created .*' "$WORK/m-$(echo "$last" | awk '{print $1}')" | head -1 | cut -d' ' -f2-)"
} >>"$REPORT"

save_report tasks "$REPORT"
