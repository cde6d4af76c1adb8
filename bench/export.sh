#!/usr/bin/env bash
# Auskunft benchmark (issue 21, Art. 15): GET /api/leads/{id}/export as JSON and as the German page (?format=html)
# over HTTP (the local host, Release) as a signed-in team member, against public.lead_export run directly with
# pgbench under the same claims and role, in the same run, one client. Data: bench/kpi/seed.sql (260,000 leads with
# history, the KPI data) and bench/export/seed.sql (a person with a year of history: touchpoints, stage changes, tasks,
# deals, an agent with a year of heartbeats, incidents and alerts). Goal: p95 under 1 s.
# The database comes from bench/stack.sh (host/Stack: throwaway PostgreSQL on 127.0.0.1, all migrations).
#
#   bash bench/export.sh
#   BENCH_SECONDS=5 BENCH_WEEKS=52 bash bench/export.sh
# Results: printed and written to bench/results/export-<UTC time>.md (git ignores bench/results/).
set -euo pipefail
cd "$(dirname "$0")/.."
WEEKS="${BENCH_WEEKS:-260}"
PER_WEEK="${BENCH_PER_WEEK:-1000}"
SECONDS_EACH="${BENCH_SECONDS:-10}"
GOAL_MS=1000

source bench/stack-lib.sh
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is missing: apt-get install jq" >&2; exit 1; }

WORK="$(mktemp -d /tmp/leitstand-export.XXXXXX)"
HOST_PID=""
STACK_PID=""
cleanup() {
  [ -n "$HOST_PID" ] && kill "$HOST_PID" 2>/dev/null && wait "$HOST_PID" 2>/dev/null
  [ -n "$STACK_PID" ] && kill "$STACK_PID" 2>/dev/null && wait "$STACK_PID" 2>/dev/null
  rm -rf "$WORK"
}
dotnet build host/Leitstand.LocalHost.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
trap cleanup EXIT
stack_up "$WORK"

END="$(date -u +'%Y-%m-%d %H:%M:%S+00')"
log "loading $WEEKS weeks × $PER_WEEK leads up to $END (bench/kpi/seed.sql)"
LOAD_START=$(date +%s)
"${PSQL[@]}" -v weeks="$WEEKS" -v per_week="$PER_WEEK" -v end="$END" -f bench/kpi/seed.sql >"$WORK/seed.log"
LEAD_ID=$("${PSQL[@]}" -1 -tA -f bench/export/seed.sql | tail -1)
"${PSQL[@]}" -c "analyze" >/dev/null
COUNTS=$("${PSQL[@]}" -tAc "select format('%s Leads, %s Stufenwechsel, %s Touchpoints, %s Heartbeats', (select count(*) from leads), (select count(*) from lead_stage_history), (select count(*) from lead_touchpoints), (select count(*) from agent_heartbeats))")
PERSON=$("${PSQL[@]}" -tAc "select format('%s Touchpoints, %s Stufenwechsel, %s Aufgaben, %s Deals, %s Heartbeats, %s Incidents, %s Alerts', (select count(*) from lead_touchpoints where lead_id = '$LEAD_ID'), (select count(*) from lead_stage_history where lead_id = '$LEAD_ID'), (select count(*) from tasks where lead_id = '$LEAD_ID'), (select count(*) from deals where lead_id = '$LEAD_ID'), (select count(*) from agent_heartbeats h join agents a on a.id = h.agent_id where a.lead_id = '$LEAD_ID'), (select count(*) from incidents i join agents a on a.id = i.agent_id where a.lead_id = '$LEAD_ID'), (select count(*) from alerts where dedupe_key like 'bench-export-%'))")
log "loaded in $(( $(date +%s) - LOAD_START )) s: $COUNTS; person $LEAD_ID: $PERSON"

free_port() {   # as bench/run.sh: a port nobody listens on
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 12000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}
HTTP_PORT=$(free_port)
CONNECTION="Host=127.0.0.1;Port=$PGPORT;Database=postgres;Username=leitstand_functions;Maximum Pool Size=8;Max Auto Prepare=20"
log "local host (Release) on 127.0.0.1:$HTTP_PORT"
# Only the export is measured: every timer is off (AzureWebJobs.<name>.Disabled), as in bench/leads.sh.
TIMERS_OFF=()
for timer in AlertFollowUps ProcessPipelineEvents ApplyRetention ResendOutbox KpiWeeklyDigest KpiFigures CheckAgents \
             CheckWorkflows PruneMonitoringHistory PruneRateLimits DailyTasks; do
  TIMERS_OFF+=("AzureWebJobs.$timer.Disabled=true")
done
env Database__ConnectionString="$CONNECTION" AzureWebJobsStorage="$STORAGE_CONNECTION_STRING" Logging__LogLevel__Default=Warning \
  "${TIMERS_OFF[@]}" \
  dotnet host/bin/Release/net10.0/Leitstand.LocalHost.dll --port "$HTTP_PORT" --dev-sign-in-db "$ADMIN_CONNECTION_STRING" >"$WORK/host.log" 2>&1 &
HOST_PID=$!
URL="http://127.0.0.1:$HTTP_PORT/api/leads/$LEAD_ID/export"
TOKEN=""
for _ in $(seq 1 150); do
  kill -0 "$HOST_PID" 2>/dev/null || { tail -20 "$WORK/host.log" >&2; exit 1; }
  TOKEN=$(curl -s -X POST "http://127.0.0.1:$HTTP_PORT/admin/dev-sign-in" -H 'Content-Type: application/json' \
    -d '{"email":"bench@example.de"}' 2>/dev/null | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' || true)
  [ -n "$TOKEN" ] && break
  sleep 0.2
done
[ -n "$TOKEN" ] || { echo "no token from the development sign-in" >&2; tail -20 "$WORK/host.log" >&2; exit 1; }
USER_ID=$("${PSQL[@]}" -tAc "select id from auth.users where email = 'bench@example.de'")
code=$(curl -s -H "Authorization: Bearer $TOKEN" -o "$WORK/export.json" -w '%{http_code}' "$URL" || true)
[ "$code" = "200" ] || { echo "GET $URL answered $code" >&2; tail -20 "$WORK/host.log" >&2; exit 1; }
[ "$(jq '.touchpoints | length' "$WORK/export.json")" -ge 365 ] || { echo "the year of touchpoints is missing from the export" >&2; exit 1; }
[ "$(jq '.agents[0].heartbeats.count' "$WORK/export.json")" -ge 100000 ] || { echo "the heartbeats are missing from the export" >&2; exit 1; }
curl -s -H "Authorization: Bearer $TOKEN" -o "$WORK/export.html" "$URL?format=html"
grep -q 'Auskunft nach Art. 15 DSGVO' "$WORK/export.html" || { echo "the German page is missing" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL")" = "401" ] || { echo "the export answers without a token" >&2; exit 1; }
JSON_BYTES=$(wc -c <"$WORK/export.json")
HTML_BYTES=$(wc -c <"$WORK/export.html")

# direct: pgbench, prepared, as the functions' role taking the member's claims per transaction (TeamDatabase)
direct() {
  printf "begin;\nselect set_config('request.jwt.claims', '{\"sub\":\"%s\",\"role\":\"authenticated\"}', true);\nset local role authenticated;\nselect public.lead_export('%s')::text;\ncommit;\n" "$USER_ID" "$LEAD_ID" >"$WORK/q.sql"
  rm -f "$WORK"/pgbench_log.*
  (cd "$WORK" && PGUSER=leitstand_functions "$PG_BIN/pgbench" -n -M prepared -c 1 -j 1 -T "$SECONDS_EACH" -f q.sql -l postgres >"$WORK/pgbench.out" 2>&1) \
    || { cat "$WORK/pgbench.out" >&2; exit 1; }
  cat "$WORK"/pgbench_log.* | awk '{ print $3 }' | sort -n | awk '{ a[NR] = $1; s += $1 } END { printf "%d %d %d %.0f\n", NR, a[int(NR * 0.5) + 1], a[int(NR * 0.95) + 1], s / NR }'
}
http() { # query string
  wrk -t 1 -c 1 -d "${SECONDS_EACH}s" -s bench/kpi/p95.lua -H "Authorization: Bearer $TOKEN" "$URL$1" | awk '/^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["requests"], v["p50"], v["p95"], v["mean"], v["errors"] }'
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "direct (pgbench)"
read -r dn dp50 dp95 dmean < <(direct)
log "HTTP JSON"
read -r jn jp50 jp95 jmean jerr < <(http "")
log "HTTP HTML"
read -r hn hp50 hp95 hmean herr < <(http "?format=html")
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

ms() { awk -v x="$1" 'BEGIN { printf "%.1f", x / 1000 }'; }
verdict() { awk -v p="$1" -v g="$GOAL_MS" 'BEGIN { print (p < g * 1000 ? "erreicht" : "**verfehlt**") }'; }
REPORT="$WORK/report.md"
{
  echo "# Auskunft (bench/export.sh)"
  echo
  echo "Commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- supabase shared functions || echo ' + Änderungen'), $(date -u +'%Y-%m-%d %H:%M') UTC, $(nproc) Kerne, PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'); Daten: $COUNTS; die Person: $PERSON; Antwort: JSON $JSON_BYTES Bytes, Seite $HTML_BYTES Bytes; je Messung ${SECONDS_EACH} s, ein Client; Load Average vorher $LOAD_BEFORE, nachher $LOAD_AFTER."
  echo
  echo "| Messung | Anfragen | p50 | p95 | Ziel p95 < 1 s |"
  echo "|---|---:|---:|---:|---|"
  echo "| \`public.lead_export\` direkt (pgbench, als Mitglied) | $dn | $(ms "$dp50") ms | $(ms "$dp95") ms | $(verdict "$dp95") |"
  echo "| \`GET /api/leads/{id}/export\` (JSON) | $jn ($jerr Fehler) | $(ms "$jp50") ms | $(ms "$jp95") ms | $(verdict "$jp95") |"
  echo "| \`GET /api/leads/{id}/export?format=html\` (Seite) | $hn ($herr Fehler) | $(ms "$hp50") ms | $(ms "$hp95") ms | $(verdict "$hp95") |"
} >"$REPORT"
mkdir -p bench/results
OUT="bench/results/export-$(date -u +%Y%m%dT%H%M%SZ).md"
cp "$REPORT" "$OUT"
cp "$REPORT" bench/results/export-latest.md
cat "$REPORT"
log "written to $OUT"
