#!/usr/bin/env bash
# KPI board benchmark (issue #10): GET /api/kpi for a week and for a month over HTTP (the local host, Release)
# with five years of data at 1,000 new leads a week (bench/kpi/seed.sql: about 260,000 leads with history,
# touchpoints and deals), against the same SQL (select public.kpi_board(…)) run directly with pgbench as the
# functions' role, in the same run. One client at a time (latency), then BENCH_CLIENTS in parallel.
# The database comes from bench/stack.sh (host/Stack: throwaway PostgreSQL 15 on 127.0.0.1, all migrations).
#
#   bash bench/kpi.sh
#   BENCH_SECONDS=10 BENCH_WEEKS=52 bash bench/kpi.sh
# Results: printed and written to bench/results/kpi-<UTC time>.md (git ignores bench/results/).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
WEEKS="${BENCH_WEEKS:-260}"
PER_WEEK="${BENCH_PER_WEEK:-1000}"
SECONDS_EACH="${BENCH_SECONDS:-15}"
CLIENTS="${BENCH_CLIENTS:-4}"
GOAL_MS=50 GOAL_RATIO=2

source bench/stack-lib.sh
require_commands wrk
bench_work kpi
build_host
stack_up "$WORK"

load_kpi_data "$WORK"
COUNTS=$("${PSQL[@]}" -tAc "select format('%s Leads, %s Stufenwechsel, %s Touchpoints, %s Deals', (select count(*) from leads), (select count(*) from lead_stage_history), (select count(*) from lead_touchpoints), (select count(*) from deals))")
log "loaded in $(( $(date +%s) - LOAD_START )) s: $COUNTS"

# The last complete ISO week and month before now (Berlin), as the team would look at them on Monday morning.
WEEK_START=$("${PSQL[@]}" -tAc "select (date_trunc('week', now() at time zone 'Europe/Berlin')::date - 7)")
WEEK_KEY=$("${PSQL[@]}" -tAc "select to_char('$WEEK_START'::date, 'IYYY-\"W\"IW')")
MONTH_START=$("${PSQL[@]}" -tAc "select (date_trunc('month', now() at time zone 'Europe/Berlin') - interval '1 month')::date")
MONTH_KEY=${MONTH_START:0:7}

# The timer KpiFigures is switched off as Azure would (AzureWebJobs.<name>.Disabled): this script keeps the figures
# itself, between the phases it measures.
host_up "$WORK" --dev-sign-in AzureWebJobs.KpiFigures.Disabled=true
BASE="http://127.0.0.1:$HTTP_PORT/api/kpi"
# The board is a team endpoint: a token of a team member from the local development sign-in, verified by the
# same code as in Azure; the direct SQL runs under the same claims and role (set per transaction like the app).
team_token "$WORK"
get_until_ok "$WORK" "$WORK/week.json" "$BASE?week=$WEEK_KEY"
[ "$(curl -s "${AUTH[@]}" -o /dev/null -w '%{http_code}' "$BASE?week=2026-W99")" = "400" ]
[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE?week=$WEEK_KEY")" = "401" ] || { echo "the board answers without a token" >&2; exit 1; } || { echo "a bad week is not a 400" >&2; exit 1; }

# direct: pgbench, prepared, as the functions' role switching to the member's claims per transaction, as the
# app does (TeamDatabase); p50/p95 from the per-transaction log (microseconds)
direct() { # kind start clients
  printf "begin;\nselect set_config('request.jwt.claims', '{\"sub\":\"%s\",\"role\":\"authenticated\"}', true);\nset local role authenticated;\nselect public.kpi_board('%s', '%s', now())::text;\ncommit;\n" "$USER_ID" "$1" "$2" >"$WORK/q.sql"
  rm -f "$WORK"/pgbench_log.*
  (cd "$WORK" && PGUSER=leitstand_functions "$PG_BIN/pgbench" -n -M prepared -c "$3" -j "$3" -T "$SECONDS_EACH" -f q.sql -l postgres >/dev/null 2>&1)
  cat "$WORK"/pgbench_log.* | awk '{ print $3 }' | sort -n | awk '{ a[NR] = $1; s += $1 } END { printf "%d %d %d %.0f\n", NR, a[int(NR * 0.5) + 1], a[int(NR * 0.95) + 1], s / NR }'
}
http() { # query clients
  wrk -t "$2" -c "$2" -d "${SECONDS_EACH}s" -s bench/kpi/p95.lua -H "Authorization: Bearer $TOKEN" "$BASE?$1" | awk '/^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["requests"], v["p50"], v["p95"], v["mean"], v["errors"] }'
}

REPORT="$WORK/report.md"
{
  echo "# KPI-Board (bench/kpi.sh)"
  echo
  echo "Commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- supabase shared functions || echo ' + Änderungen'), $(date -u +'%Y-%m-%d %H:%M') UTC, $(nproc) Kerne, PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'); Daten: $COUNTS; je Messung ${SECONDS_EACH} s."
  echo
  echo "- **nichts gemerkt:** jeder der fünf Zeiträume live (nach einer neuen Installation, bis der Timer KpiFigures lief)."
  echo "- **gemerkt:** nachdem \`keep_kpi_figures\` die beendeten Wochen und Monate gemerkt hat (Timer KpiFigures)."
  echo "- **Zeitraum live:** der gezeigte Zeitraum live, die vier davor gemerkt: so rechnet das Board den laufenden"
  echo "  Zeitraum an seinem letzten Tag, und einen beendeten nach einer Änderung darin bis zum nächsten Timer-Lauf."
  echo
  echo "| Abfrage | Zahlen | Clients | direkt (pgbench) p50 / p95 | HTTP p50 / p95 | HTTP-Anfragen | p95 HTTP / direkt |"
  echo "|---|---|---:|---:|---:|---:|---:|"
} >"$REPORT"
measure() { # figures label (live | gemerkt)
  for clients in 1 $CLIENTS; do
    for board in "week $WEEK_START week=$WEEK_KEY" "month $MONTH_START month=$MONTH_KEY"; do
      set -- $board
      log "$3 ($FIGURES), $clients client(s): direct"
      read -r dn dp50 dp95 dmean < <(direct "$1" "$2" "$clients")
      log "$3 ($FIGURES), $clients client(s): HTTP"
      read -r hn hp50 hp95 hmean herr < <(http "$3" "$clients")
      ratio=$(awk -v a="$hp95" -v b="$dp95" 'BEGIN { printf "%.2f", a / b }')
      printf '| `%s` | %s | %s | %.1f / %.1f ms | %.1f / %.1f ms | %s (%s Fehler) | %s× |\n' "$3" "$FIGURES" "$clients" \
        "$(awk -v x="$dp50" 'BEGIN { print x / 1000 }')" "$(awk -v x="$dp95" 'BEGIN { print x / 1000 }')" \
        "$(awk -v x="$hp50" 'BEGIN { print x / 1000 }')" "$(awk -v x="$hp95" 'BEGIN { print x / 1000 }')" "$hn" "$herr" "$ratio" >>"$REPORT"
      echo "$3|$clients|$dp95|$hp95|$FIGURES" >>"$WORK/summary"
    done
  done
}
FIGURES="nichts gemerkt" measure
log "keeping the figures of the ended weeks and months (what the timer KpiFigures does, here all at once)"
KEEP_START=$(date +%s%N)
KEPT=$("${PSQL[@]}" -tAc "select public.keep_kpi_figures(now(), 100000)")
KEEP_MS=$(( ($(date +%s%N) - KEEP_START) / 1000000 ))
"${PSQL[@]}" -c "vacuum analyze public.kpi_period_figures"
FIGURES=gemerkt measure
"${PSQL[@]}" -c "delete from public.kpi_period_figures where (kind, period_start) in (('week', '$WEEK_START'), ('month', '$MONTH_START'))"
FIGURES="Zeitraum live" measure
{
  echo
  echo "\`keep_kpi_figures\`: $KEPT Zeiträume in $KEEP_MS ms (der Timer nimmt je Lauf höchstens 60, die neuesten zuerst)."
  echo
  for f in gemerkt "Zeitraum live" "nichts gemerkt"; do
    echo "Ziele, $f (1 Client): $(awk -F'|' -v f="$f" -v g="$GOAL_MS" -v r="$GOAL_RATIO" '$2 == 1 && $5 == f { printf "%s: p95 %.1f ms über HTTP – unter %d ms %s, %.2f× direkt – höchstens %d× %s. ", $1, $4 / 1000, g, ($4 < g * 1000 ? "erreicht" : "verfehlt"), $4 / $3, r, ($4 / $3 <= r ? "erreicht" : "verfehlt") }' "$WORK/summary")"
    echo
  done
} >>"$REPORT"

save_report kpi "$REPORT"
