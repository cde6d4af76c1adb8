#!/usr/bin/env bash
# Erasure benchmark (issue #21, Art. 17): POST /api/leads/{id}/erase over HTTP (the local host, Release) against the
# same SQL (select public.erase_lead(…)) run directly with pgbench as the functions' role under a member's claims, in
# the same run. Each erasure takes another customer with a year of history (bench/erase/people.sql) among the KPI
# benchmark's data (bench/kpi/seed.sql: 260,000 leads with history, touchpoints and deals), one at a time.
# Goal: p95 under 1 s. The database comes from bench/stack.sh (host/Stack).
#
#   bash bench/erase.sh
#   BENCH_ERASURES=50 BENCH_WEEKS=52 bash bench/erase.sh
# Results: printed and written to bench/results/erase-<UTC time>.md (git ignores bench/results/).
set -euo pipefail
cd "$(dirname "$0")/.."
WEEKS="${BENCH_WEEKS:-260}"
PER_WEEK="${BENCH_PER_WEEK:-1000}"
ERASURES="${BENCH_ERASURES:-100}"
GOAL_MS=1000

source bench/stack-lib.sh
bench_work erase
build_host
stack_up "$WORK"

load_kpi_data "$WORK"
log "keeping the KPI figures of the ended weeks and months"
"${PSQL[@]}" -tAc "select public.keep_kpi_figures(now(), 100000)" >/dev/null
log "giving $(( 2 * ERASURES )) customers a year of history (bench/erase/people.sql)"
"${PSQL[@]}" -v people="$(( 2 * ERASURES ))" -f bench/erase/people.sql >"$WORK/people.log"
COUNTS=$("${PSQL[@]}" -tAc "select format('%s Leads, %s Stufenwechsel, %s Touchpoints, %s Aufgaben, %s Alerts, %s Outbox-Nachrichten, %s gemerkte KPI-Zeiträume', (select count(*) from leads), (select count(*) from lead_stage_history), (select count(*) from lead_touchpoints), (select count(*) from tasks), (select count(*) from alerts), (select count(*) from outbox_messages), (select count(*) from kpi_period_figures))")
PER_PERSON=$("${PSQL[@]}" -tAc "select format('%s Stufenwechsel, %s Touchpoints, %s Aufgaben, %s Alerts', (select count(*) from lead_stage_history h where h.lead_id = q.lead_id), (select count(*) from lead_touchpoints t where t.lead_id = q.lead_id), (select count(*) from tasks t where t.lead_id = q.lead_id), (select count(*) from alerts a where a.subject_id = q.lead_id)) from bench_erase_queue q where n = 1")
log "data: $COUNTS; per person: $PER_PERSON"

host_up "$WORK" --dev-sign-in AzureWebJobs.KpiFigures.Disabled=true
BASE="http://127.0.0.1:$HTTP_PORT/api"
team_token "$WORK"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$BASE/leads/00000000-0000-4000-8000-000000000000/erase" -H "Authorization: Bearer $TOKEN")" = "404" ] \
  || { echo "an unknown lead is not a 404" >&2; exit 1; }

# The KPI board before and after: the last complete ISO week and the month of the first person's win (complete
# periods, so nothing but the erasures could change them)
KPI_WEEK=$("${PSQL[@]}" -tAc "select to_char(date_trunc('week', now() at time zone 'Europe/Berlin')::date - 7, 'IYYY-\"W\"IW')")
KPI_MONTH=$("${PSQL[@]}" -tAc "select to_char(won_at at time zone 'Europe/Berlin', 'YYYY-MM') from deals d join bench_erase_queue q on q.lead_id = d.lead_id where q.n = 1 and d.status = 'WON' limit 1")
curl -s "$BASE/kpi?week=$KPI_WEEK" -H "Authorization: Bearer $TOKEN" >"$WORK/kpi-week-before.json"
curl -s "$BASE/kpi?month=$KPI_MONTH" -H "Authorization: Bearer $TOKEN" >"$WORK/kpi-month-before.json"

# HTTP: the first half of the queue, one erasure after another (a warm-up erasure first, not counted)
log "HTTP: $ERASURES erasures"
"${PSQL[@]}" -tAc "select lead_id from bench_erase_queue where n between 1 and $ERASURES order by n" >"$WORK/http-leads"
first=1
while read -r lead; do
  [ -n "$lead" ] || continue
  out=$(curl -s -o "$WORK/answer.json" -w '%{http_code} %{time_total}' -X POST "$BASE/leads/$lead/erase" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d '{"reason":"request"}')
  [ "${out%% *}" = "200" ] || { echo "erase $lead answered $out: $(cat "$WORK/answer.json")" >&2; exit 1; }
  [ "$first" = 1 ] && { first=0; continue; }
  awk -v t="${out#* }" 'BEGIN { printf "%d\n", t * 1000000 }' >>"$WORK/http-us"
done <"$WORK/http-leads"
"${PSQL[@]}" -c "select setval('bench_erase_seq', $ERASURES)" >/dev/null

# direct: pgbench, prepared, as the functions' role switching to the member's claims per transaction, as the app does
log "direct: $ERASURES erasures"
cat >"$WORK/q.sql" <<SQL
select lead_id as lead from public.bench_erase_queue where n = (select nextval('public.bench_erase_seq')) \gset
begin;
select set_config('request.jwt.claims', '{"sub":"$USER_ID","role":"authenticated"}', true);
set local role authenticated;
select result from public.erase_lead(:lead::uuid, 'request', now());
commit;
SQL
(cd "$WORK" && PGUSER=leitstand_functions "$PG_BIN/pgbench" -n -M extended -c 1 -j 1 -t "$ERASURES" -f q.sql -l postgres >"$WORK/pgbench.log" 2>&1) \
  || { cat "$WORK/pgbench.log" >&2; exit 1; }
cat "$WORK"/pgbench_log.* | awk '{ print $3 }' | tail -n +2 >"$WORK/direct-us"

curl -s "$BASE/kpi?week=$KPI_WEEK" -H "Authorization: Bearer $TOKEN" >"$WORK/kpi-week-after.json"
curl -s "$BASE/kpi?month=$KPI_MONTH" -H "Authorization: Bearer $TOKEN" >"$WORK/kpi-month-after.json"
KPI_SAME=$(python3 - "$WORK" <<'PY'
import json, sys
def flat(x, path=""):
    if isinstance(x, dict): return {k: v for key, val in x.items() for k, v in flat(val, f"{path}.{key}").items()}
    if isinstance(x, list): return {k: v for i, val in enumerate(x) for k, v in flat(val, f"{path}[{i}]").items()}
    return {path: x}
diffs = []
for p in ("week", "month"):
    a = flat(json.load(open(f"{sys.argv[1]}/kpi-{p}-before.json"))); b = flat(json.load(open(f"{sys.argv[1]}/kpi-{p}-after.json")))
    diffs += [f"{p}{k}: {a.get(k)} → {b.get(k)}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
print("ja" if not diffs else "NEIN (" + "; ".join(diffs[:5]) + ")")
PY
)
ERASED=$("${PSQL[@]}" -tAc "select count(*) from erasures")
LEFT=$("${PSQL[@]}" -tAc "select count(*) from bench_erase_queue q join leads l on l.id = q.lead_id where q.n <= 2 * $ERASURES and l.erased_at is null")

stats() { sort -n "$1" | awk '{ a[NR] = $1; s += $1 } END { printf "%d %.1f %.1f %.1f %.1f\n", NR, a[int(NR * 0.5) + 1] / 1000, a[int(NR * 0.95) + 1] / 1000, a[NR] / 1000, s / NR / 1000 }'; }
read -r hn hp50 hp95 hmax hmean < <(stats "$WORK/http-us")
read -r dn dp50 dp95 dmax dmean < <(stats "$WORK/direct-us")
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
goal() { awk -v x="$1" -v g="$GOAL_MS" 'BEGIN { print (x < g) ? "erreicht" : "verfehlt" }'; }

mkdir -p bench/results
REPORT="bench/results/erase-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# Löschung nach Art. 17 (bench/erase.sh)"
  echo
  echo "Commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- supabase shared functions || echo ' + Änderungen'), $(date -u +'%Y-%m-%d %H:%M') UTC, $(nproc) Kerne, Last (1/5/15 min) $LOAD, PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}')."
  echo "Daten: $COUNTS. Je gelöschter Person (Kundin, im letzten Jahr gewonnen): $PER_PERSON, dazu Agent mit Workflow, Onboarding, Installation, Outbox und Zustellprotokoll."
  echo
  echo "| Weg | Löschungen | p50 | p95 | max | Mittel | Ziel p95 < 1 s |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  echo "| HTTP \`POST /api/leads/{id}/erase\` | $hn | $hp50 ms | $hp95 ms | $hmax ms | $hmean ms | $(goal "$hp95") |"
  echo "| direkt \`select public.erase_lead(…)\` (pgbench) | $dn | $dp50 ms | $dp95 ms | $dmax ms | $dmean ms | $(goal "$dp95") |"
  echo
  echo "p95 HTTP / direkt: $(awk -v a="$hp95" -v b="$dp95" 'BEGIN { printf "%.2f", a / b }')×. Gelöscht: $ERASED (davon 1 Aufwärmen über HTTP), übrig: $LEFT. KPI-Board (\`week=$KPI_WEEK\`, \`month=$KPI_MONTH\`) vorher und nachher gleich: $KPI_SAME."
} >"$REPORT"
cat "$REPORT"
