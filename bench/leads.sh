#!/usr/bin/env bash
# Lead search and lead view benchmark (issue #18, "Speed"): GET /api/leads?q=… (word starts, an umlaut typed without
# it, one and two letters, a company word, an e-mail start, with a stage filter, the second page by cursor) and
# GET /api/leads/{id} (a lead with a long history) over HTTP (the local host, Release) as a signed-in team member,
# against the same SQL run directly with pgbench under the same claims and role, in the same run, one client.
# Data: bench/kpi/seed.sql (260,000 leads with German names, companies, e-mails, phones and handles) and
# bench/leads/seed.sql (the long history of one lead). The SQL is read from shared/Leads/SearchLeads.cs and
# shared/Leads/GetLead.cs, so the floor is the statement the app sends (with the values written in).
# The database comes from bench/stack.sh (host/Stack: throwaway PostgreSQL 15 on 127.0.0.1, all migrations).
# Part "form" (issue #21): the lead form, POST /api/leads (a new lead per request, bench/leads/form.lua), requests per
# second and p99 over HTTP with FORM_CLIENTS connections, against a floor measured in the same run: the same statements
# (rate limit, the upsert of shared/Leads/CaptureLead.cs, touchpoint, outbox message) sent straight to PostgreSQL with
# pgbench and as many clients. The objection check (Art. 21: the e-mail's HMAC looked up in public.objections, inside
# the upsert) is measured twice: the floor with and without it (the same statement without its CTE), and the form over
# HTTP with no objections and with FORM_OBJECTIONS (10,000) active objections. Goal: the check costs under 5 %.
#
#   bash bench/leads.sh            # search, lead view and form
#   bash bench/leads.sh search     # search and lead view only
#   bash bench/leads.sh form       # the form only
#   BENCH_SECONDS=5 bash bench/leads.sh
# Results: printed and written to bench/results/leads-<UTC time>.md (git ignores bench/results/).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
WEEKS="${BENCH_WEEKS:-260}"
PER_WEEK="${BENCH_PER_WEEK:-1000}"
SECONDS_EACH="${BENCH_SECONDS:-10}"
SEARCH_GOAL_MS=50 DETAIL_GOAL_MS=30 GOAL_RATIO=1.5
PART="${1:-all}"
FORM_CLIENTS="${FORM_CLIENTS:-4}"
FORM_OBJECTIONS="${FORM_OBJECTIONS:-10000}"
FORM_CHECK_GOAL=0.05
case "$PART" in all|search|form) ;; *) echo "usage: bash bench/leads.sh [all|search|form]" >&2; exit 2 ;; esac

source bench/stack-lib.sh
require_commands wrk
bench_work leads
build_host
stack_up "$WORK"

load_kpi_data "$WORK"
LEAD_ID=$("${PSQL[@]}" -1 -tA -f bench/leads/seed.sql | tail -1)
COUNTS=$("${PSQL[@]}" -tAc "select format('%s Leads (%s mit Handle, %s mit Telefon), %s Stufenwechsel, %s Touchpoints, %s Deals', (select count(*) from leads), (select count(handle) from leads), (select count(phone) from leads), (select count(*) from lead_stage_history), (select count(*) from lead_touchpoints), (select count(*) from deals))")
LONG=$("${PSQL[@]}" -tAc "select format('%s Stufenwechsel, %s Touchpoints, %s Aufgaben, %s Deals, %s Agenten', (select count(*) from lead_stage_history where lead_id = '$LEAD_ID'), (select count(*) from lead_touchpoints where lead_id = '$LEAD_ID'), (select count(*) from tasks where lead_id = '$LEAD_ID'), (select count(*) from deals where lead_id = '$LEAD_ID'), (select count(*) from agents where lead_id = '$LEAD_ID'))")
log "loaded in $(( $(date +%s) - LOAD_START )) s: $COUNTS; lead $LEAD_ID: $LONG"

# Only the two endpoints are measured: every timer is off, as Azure would switch it off (AzureWebJobs.<name>.Disabled),
# so no job writes to the leads (CheckAgents would open incidents for the long history's agents) or takes a core.
# The form's queue message is not processed either (AnnounceLead, DeliverAlert): the POST is measured, not the alerts.
timers_off AlertFollowUps ProcessPipelineEvents ApplyRetention ResendOutbox KpiWeeklyDigest KpiFigures CheckAgents \
           PruneMonitoringHistory PruneRateLimits DailyTasks AnnounceLead DeliverAlert
host_up "$WORK" --dev-sign-in Leads__RateLimitPerMinute=1000 "${TIMERS_OFF[@]}"
BASE="http://127.0.0.1:$HTTP_PORT/api/leads"
team_token "$WORK"
get_until_ok "$WORK" "$WORK/detail.json" "$BASE/$LEAD_ID"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE?q=m")" = "401" ] || { echo "the search answers without a token" >&2; exit 1; }
[ "$(jq '.stage_history | length' "$WORK/detail.json")" -ge 60 ] || { echo "the long history is missing from the lead view" >&2; exit 1; }

# The statements the app sends, from the C# sources: SearchLeads.Sql with the search condition, GetLead.Sql.
sql_block() { # file: the raw string literal after "private const string Sql ="
  awk '/private const string Sql = """/ { on = 1; next } on && /^ *""";/ { exit } on { print }' "$1"
}
SEARCH_CONDITION=$(sed -n 's/^ *"\(l\.id = any (array(select public\.search_lead_page([^"]*)\)");$/\1/p' shared/Leads/SearchLeads.cs)
[ -n "$SEARCH_CONDITION" ] || { echo "the search condition was not found in shared/Leads/SearchLeads.cs" >&2; exit 1; }
SEARCH_SQL=$(sql_block shared/Leads/SearchLeads.cs | awk -v c="$SEARCH_CONDITION" '{ i = index($0, "{0}"); if (i) $0 = substr($0, 1, i - 1) c substr($0, i + 3); print }')
DETAIL_SQL=$(sql_block shared/Leads/GetLead.cs)
[ -n "$DETAIL_SQL" ] && [ -n "$SEARCH_SQL" ] || { echo "the statements were not found in shared/Leads" >&2; exit 1; }
literal() { if [ -z "$1" ]; then echo null; else printf "'%s'" "${1//\'/\'\'}"; fi; }

# One case: label | query string (HTTP) | q | stage | cursor (created_at, id) of the page before
search_case_sql() { # q stage after_at after_id
  local s="$SEARCH_SQL"
  s=${s//@Q/$(literal "$1")}; s=${s//@Stage/$(literal "$2")}; s=${s//@Source/null}
  s=${s//@AfterAt/$(literal "$3")}; s=${s//@AfterId/$(literal "$4")}; s=${s//@Limit/51}
  printf '%s;\n' "$s"
}

# direct: pgbench, prepared, as the functions' role switching to the member's claims per transaction, as the app
# does (TeamDatabase); p50/p95 from the per-transaction log (microseconds)
direct() { # file with the statements
  { printf "begin;\nselect set_config('request.jwt.claims', '{\"sub\":\"%s\",\"role\":\"authenticated\"}', true);\nset local role authenticated;\n" "$USER_ID"
    cat "$1"; printf "commit;\n"; } >"$WORK/q.sql"
  rm -f "$WORK"/pgbench_log.*
  (cd "$WORK" && PGUSER=leitstand_functions "$PG_BIN/pgbench" -n -M prepared -c 1 -j 1 -T "$SECONDS_EACH" -f q.sql -l postgres >"$WORK/pgbench.out" 2>&1) \
    || { cat "$WORK/pgbench.out" >&2; exit 1; }
  cat "$WORK"/pgbench_log.* | awk '{ print $3 }' | sort -n | awk '{ a[NR] = $1; s += $1 } END { printf "%d %d %d %.0f\n", NR, a[int(NR * 0.5) + 1], a[int(NR * 0.95) + 1], s / NR }'
}
http() { # path and query
  wrk -t 1 -c 1 -d "${SECONDS_EACH}s" -s bench/kpi/p95.lua -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$HTTP_PORT$1" | awk '/^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["requests"], v["p50"], v["p95"], v["mean"], v["errors"] }'
}

REPORT="$WORK/report.md"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "$PART" != form ]; then
# The second page of "m": the cursor from the first page, and the last lead of that page for the direct SQL.
curl -s "${AUTH[@]}" "$BASE?q=m" >"$WORK/page1.json"
CURSOR=$(jq -r '.next_cursor' "$WORK/page1.json")
LAST_ID=$(jq -r '.items[-1].id' "$WORK/page1.json")
LAST_AT=$("${PSQL[@]}" -tAc "select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') from leads where id = '$LAST_ID'")
[ "$CURSOR" != "null" ] || { echo "the search for m has no second page" >&2; exit 1; }

CASES=(
  "Handle-Anfang|%40lenakoeh|@lenakoeh|||"
  "Nachname ohne Umlaut (Brändl)|brandl|brandl|||"
  "ein Buchstabe|m|m|||"
  "zwei Buchstaben|br|br|||"
  "Firmenwort|kanzlei|kanzlei|||"
  "E-Mail-Anfang|jonas.wei|jonas.wei|||"
  "Vor- und Nachname|nora+bra|nora bra|||"
  "Nachname, Stufe QUALIFIED|brandl&stage=QUALIFIED|brandl|QUALIFIED||"
  "ein Buchstabe, Stufe WON|m&stage=WON|m|WON||"
  "ein Buchstabe, 2. Seite (Cursor)|m&cursor=$CURSOR|m||$LAST_AT|$LAST_ID"
)

{
  echo "# Lead-Suche und Lead-Ansicht (bench/leads.sh)"
  echo
  echo "Commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- supabase shared functions || echo ' + Änderungen'), $(date -u +'%Y-%m-%d %H:%M') UTC, $(nproc) Kerne, PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'); Daten: $COUNTS; Lead-Ansicht: $LONG; je Messung ${SECONDS_EACH} s, ein Client; Load Average vorher $LOAD_BEFORE."
  echo
  echo "| Abfrage | \`q\` | Treffer | direkt (pgbench) p50 / p95 | HTTP p50 / p95 | HTTP-Anfragen | p95 HTTP / direkt | Ziel |"
  echo "|---|---|---:|---:|---:|---:|---:|---|"
} >"$REPORT"
row() { # label query file goal_ms matches
  local label=$1 query=$2 file=$3 goal=$4 matches=$5
  log "$label: direct"
  read -r dn dp50 dp95 dmean < <(direct "$file")
  log "$label: HTTP"
  read -r hn hp50 hp95 hmean herr < <(http "$query")
  ratio=$(awk -v a="$hp95" -v b="$dp95" 'BEGIN { printf "%.2f", a / b }')
  verdict=$(awk -v h="$hp95" -v g="$goal" -v r="$ratio" -v gr="$GOAL_RATIO" 'BEGIN {
    printf "%s, %s", (h < g * 1000 ? "< " g " ms erreicht" : "< " g " ms **verfehlt**"), (r <= gr ? "≤ " gr "× erreicht" : "≤ " gr "× **verfehlt**") }')
  printf '| %s | `%s` | %s | %.1f / %.1f ms | %.1f / %.1f ms | %s (%s Fehler) | %s× | %s |\n' "$label" "${query%%&cursor=*}$([ "${query#*&cursor=}" != "$query" ] && echo '&cursor=…')" "$matches" \
    "$(awk -v x="$dp50" 'BEGIN { print x / 1000 }')" "$(awk -v x="$dp95" 'BEGIN { print x / 1000 }')" \
    "$(awk -v x="$hp50" 'BEGIN { print x / 1000 }')" "$(awk -v x="$hp95" 'BEGIN { print x / 1000 }')" "$hn" "$herr" "$ratio" "$verdict" >>"$REPORT"
  echo "$label|$dp95|$hp95|$goal" >>"$WORK/summary"
}
i=0
for c in "${CASES[@]}"; do
  IFS='|' read -r label query q stage after_at after_id <<<"$c"
  i=$((i + 1))
  search_case_sql "$q" "$stage" "$after_at" "$after_id" >"$WORK/search$i.sql"
  matches=$("${PSQL[@]}" -tAc "select count(*) from leads where search_document @@ lead_search_query($(literal "$q"))$([ -n "$stage" ] && echo " and stage = '$stage'")")
  [ "$(curl -s "${AUTH[@]}" -o /dev/null -w '%{http_code}' "$BASE?q=$query")" = "200" ] || { echo "GET $BASE?q=$query is not a 200" >&2; exit 1; }
  row "Suche: $label" "/api/leads?q=$query" "$WORK/search$i.sql" "$SEARCH_GOAL_MS" "$matches"
done
DETAIL_FILE="$WORK/detail.sql"
printf '%s\n' "${DETAIL_SQL//@LeadId/\'$LEAD_ID\'}" >"$DETAIL_FILE"
row "Lead-Ansicht (lange Historie)" "/api/leads/$LEAD_ID" "$DETAIL_FILE" "$DETAIL_GOAL_MS" 1

# The plans: the statements search_lead_page runs for a page (auto_explain with analyze, as a superuser session that
# takes the member's claims and role, as the app does), then the page statement itself as the member.
plans() { # q
  PGUSER=supabase_admin "$PG_BIN/psql" -X -q 2>&1 <<SQL | awk '/^LOG:/ { if (b ~ /from public\.leads l/) printf "%s", b; b = "" } { b = b $0 "\n" } END { if (b ~ /from public\.leads l/) printf "%s", b }' | grep -v '^LOG:  duration' || true
load 'auto_explain';
set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_nested_statements = on;
set auto_explain.log_timing = off; set client_min_messages = log;
begin;
select set_config('request.jwt.claims', '{"sub":"$USER_ID","role":"authenticated"}', true) \\g /dev/null
set local role authenticated;
select count(*) from public.search_lead_page($(literal "$1"), null, null, null, null, 51) \\g /dev/null
rollback;
SQL
}
{
  echo
  echo "Load Average nachher: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "Was \`search_lead_page\` für eine Seite ausführt (auto_explain, analyze):"
  for q in m brandl @lenakoeh; do
    echo
    echo "\`q=$q\`:"
    echo '```'
    plans "$q"
    echo '```'
  done
  echo
  echo "Die Seite als Mitglied (\`q=brandl\`):"
  echo '```'
  "${PSQL[@]}" -tA <<SQL
begin;
select set_config('request.jwt.claims', '{"sub":"$USER_ID","role":"authenticated"}', true) \\g /dev/null
set local role authenticated;
explain (analyze, costs off, timing off, summary off) $(search_case_sql brandl "" "" "" | sed 's/;$//');
rollback;
SQL
  echo '```'
} >>"$REPORT" 2>&1
{
  echo
  awk -F'|' '{ printf "- %s: p95 %.1f ms über HTTP (Ziel < %d ms: %s), %.2f× direkt (Ziel ≤ 1,5×: %s)\n", $1, $3 / 1000, $4, ($3 < $4 * 1000 ? "erreicht" : "verfehlt"), $3 / $2, ($3 / $2 <= 1.5 ? "erreicht" : "verfehlt") }' "$WORK/summary"
} >>"$REPORT"
fi

if [ "$PART" != search ]; then
  # shellcheck source=bench/leads/form.sh
  source bench/leads/form.sh
fi

save_report leads "$REPORT"
