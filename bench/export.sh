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
require_commands wrk jq
bench_work export
build_host
stack_up "$WORK"

load_kpi_data "$WORK"
LEAD_ID=$("${PSQL[@]}" -1 -tA -f bench/export/seed.sql | tail -1)
"${PSQL[@]}" -c "analyze" >/dev/null
COUNTS=$("${PSQL[@]}" -tAc "select format('%s Leads, %s Stufenwechsel, %s Touchpoints, %s Heartbeats', (select count(*) from leads), (select count(*) from lead_stage_history), (select count(*) from lead_touchpoints), (select count(*) from agent_heartbeats))")
PERSON=$("${PSQL[@]}" -tAc "select format('%s Touchpoints, %s Stufenwechsel, %s Aufgaben, %s Deals, %s Heartbeats, %s Incidents, %s Alerts', (select count(*) from lead_touchpoints where lead_id = '$LEAD_ID'), (select count(*) from lead_stage_history where lead_id = '$LEAD_ID'), (select count(*) from tasks where lead_id = '$LEAD_ID'), (select count(*) from deals where lead_id = '$LEAD_ID'), (select count(*) from agent_heartbeats h join agents a on a.id = h.agent_id where a.lead_id = '$LEAD_ID'), (select count(*) from incidents i join agents a on a.id = i.agent_id where a.lead_id = '$LEAD_ID'), (select count(*) from alerts where dedupe_key like 'bench-export-%'))")
log "loaded in $(( $(date +%s) - LOAD_START )) s: $COUNTS; person $LEAD_ID: $PERSON"

# Only the export is measured: every timer is off (AzureWebJobs.<name>.Disabled), as in bench/leads.sh.
timers_off AlertFollowUps ProcessPipelineEvents ApplyRetention ResendOutbox KpiWeeklyDigest KpiFigures CheckAgents \
           CheckWorkflows PruneMonitoringHistory PruneRateLimits DailyTasks
host_up "$WORK" --dev-sign-in "${TIMERS_OFF[@]}"
URL="http://127.0.0.1:$HTTP_PORT/api/leads/$LEAD_ID/export"
team_token "$WORK"
code=$(curl -s -H "Authorization: Bearer $TOKEN" -o "$WORK/export.json" -w '%{http_code}' "$URL" || true)
[ "$code" = "200" ] || host_failed "$WORK" "GET $URL answered $code"
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
save_report export "$REPORT"
