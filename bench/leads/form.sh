# Part "form" of bench/leads.sh (sourced; issue #21): POST /api/leads over HTTP against the same statements sent straight
# to PostgreSQL, with and without the objection check, with no and with FORM_OBJECTIONS active objections.
# Uses from bench/leads.sh: PSQL, PG_BIN, WORK, HTTP_PORT, SECONDS_EACH, FORM_CLIENTS, FORM_OBJECTIONS, REPORT, COUNTS, log.

csharp_sql() { # file constant: the raw string literal after "private const string <constant> ="
  awk -v name="$2" '$0 ~ "private const string " name " = \"\"\"" { on = 1; next } on && /^ *""";/ { exit } on { print }' "$1"
}
UPSERT_SQL=$(csharp_sql shared/Leads/CaptureLead.cs UpsertSql)
TOUCHPOINT_SQL=$(csharp_sql shared/Leads/CaptureLead.cs TouchpointSql)
HIT_SQL=$(csharp_sql shared/Leads/LeadFormRateLimiter.cs HitSql)
[ -n "$UPSERT_SQL" ] && [ -n "$TOUCHPOINT_SQL" ] && [ -n "$HIT_SQL" ] || { echo "the form's statements were not found in shared/Leads" >&2; exit 1; }
grep -q 'lifted as (' <<<"$UPSERT_SQL" || { echo "the objection check (CTE lifted) is not in CaptureLead.UpsertSql" >&2; exit 1; }

# The floor: one transaction per submission as the functions' role, prepared; pgbench's :client_id and a random :n
# make the e-mail new, as the form's e-mails are. The app runs the rate limit in a transaction of its own, gets the lead
# id from the upsert and sends the outbox message after the commit; the floor does without those round trips.
floor_script() { # with_check (1/0) → the pgbench script
  local email="('form-' || cast(:client_id as text) || '-' || cast(:n as text) || '@floor.invalid')" upsert="$UPSERT_SQL"
  if [ "$1" = 0 ]; then
    upsert=$(perl -0pe 's/\), lifted as \(.*?returning o\.id\n//s; s/\(select count\(\*\) from lifted\)::int/0/' <<<"$upsert")
  fi
  upsert=${upsert//@EmailHash/"sha256(convert_to($email, 'UTF8'))"}
  upsert=${upsert//@Email/$email}
  upsert=${upsert//@Name/"'Bench Formular'"}; upsert=${upsert//@Phone/null}; upsert=${upsert//@Company/"'Bench GmbH'"}
  upsert=${upsert//@Message/null}; upsert=${upsert//@Source/"'bench'"}; upsert=${upsert//@UtmSource/"'bench'"}
  upsert=${upsert//@UtmMedium/null}; upsert=${upsert//@UtmCampaign/null}; upsert=${upsert//@UtmTerm/null}; upsert=${upsert//@UtmContent/null}
  upsert=${upsert//@ConsentTextVersion/"'2026-11-25'"}; upsert=${upsert//@ConsentSource/"'bench'"}
  local touchpoint="$TOUCHPOINT_SQL"
  touchpoint=${touchpoint//@LeadId/"(select l.id from public.leads l where l.email = $email)"}
  touchpoint=${touchpoint//@Message/null}; touchpoint=${touchpoint//@Source/"'bench'"}; touchpoint=${touchpoint//@UtmCampaign/null}
  touchpoint=${touchpoint//@ConsentTextVersion/"'2026-11-25'"}
  local hit="${HIT_SQL//@Bucket/"('lead-form-floor-' || cast(:client_id as text) || '-' || cast(:n as text))"}"
  printf '\\set n random(1, 2000000000)\nbegin;\n%s;\n%s;\n%s;\n%s;\ncommit;\n' "$hit" "$upsert" "$touchpoint" \
    "insert into public.outbox_messages (id, queue, payload) values (gen_random_uuid(), 'lead-captured', '{\"message_id\": \"00000000-0000-7000-8000-000000000000\", \"lead_id\": \"00000000-0000-4000-8000-000000000000\", \"created\": true, \"reopened\": false, \"stage\": \"NEW\", \"source\": \"bench\", \"utm_campaign\": null}'::jsonb)"
}
floor_run() { # with_check → "tps p50 p99 transactions" (latencies in microseconds)
  floor_script "$1" >"$WORK/form-floor.sql"
  rm -f "$WORK"/pgbench_log.*
  (cd "$WORK" && PGUSER=leitstand_functions "$PG_BIN/pgbench" -n -M prepared -c "$FORM_CLIENTS" -j 2 -T "$SECONDS_EACH" -f form-floor.sql -l postgres \
     >"$WORK/pgbench-form.out" 2>&1) || { cat "$WORK/pgbench-form.out" >&2; exit 1; }
  local tps
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench-form.out" | tail -1)
  cat "$WORK"/pgbench_log.* | awk '{ print $3 }' | sort -n | awk -v tps="$tps" '{ a[NR] = $1 } END { printf "%s %d %d %d\n", tps, a[int(NR * 0.5) + 1], a[int(NR * 0.99) + 1], NR }'
}
http_run() { # → "rps p50 p99 requests errors"
  wrk -t 2 -c "$FORM_CLIENTS" -d "${SECONDS_EACH}s" -s bench/leads/form.lua "http://127.0.0.1:$HTTP_PORT" \
    | awk '/^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["rps"], v["p50"], v["p99"], v["requests"], v["errors"] }'
}
objections_on() {
  "${PSQL[@]}" -c "insert into public.objections (kind, hash, created_by)
                   select case when i % 2 = 0 then 'email' else 'handle' end, sha256(('bench-objection-' || i)::bytea), 'bench'
                   from generate_series(1, $FORM_OBJECTIONS) i; analyze public.objections" >/dev/null
}
objections_off() { "${PSQL[@]}" -c "delete from public.objections where created_by = 'bench'; analyze public.objections" >/dev/null; }

# One submission as the form sends it must be a new lead (201), and the floor's script must run.
code=$(curl -s -o "$WORK/form.json" -w '%{http_code}' -X POST "http://127.0.0.1:$HTTP_PORT/api/leads" -H 'Content-Type: application/json' \
  -H 'X-Forwarded-For: 192.0.2.1' -d '{"name":"Bench Formular","email":"form-check@bench.invalid","consent":true,"consent_text_version":"2026-11-25"}')
[ "$code" = "201" ] || { echo "POST /api/leads answered $code: $(cat "$WORK/form.json")" >&2; exit 1; }
log "form: warm-up (HTTP ${SECONDS_EACH} s: the JIT and the pools; the floor 3 s)"
http_run >/dev/null
SECONDS_SAVED=$SECONDS_EACH; SECONDS_EACH=3; floor_run 1 >/dev/null; SECONDS_EACH=$SECONDS_SAVED

declare -A R
measure() { # key kind(floor1|floor0|http)
  log "form: $1"
  case "$2" in
    floor1) R[$1]=$(floor_run 1) ;;
    floor0) R[$1]=$(floor_run 0) ;;
    http) R[$1]=$(http_run) ;;
  esac
}
# The data step's tables settled first (its autovacuum would otherwise run during the first measurements), then two
# rounds, each with no and with FORM_OBJECTIONS objections, the order of the floor's two variants swapped per round.
log "form: vacuum analyze of the tables the form writes"
"${PSQL[@]}" -c "vacuum (analyze) public.leads, public.lead_touchpoints, public.lead_stage_history, public.outbox_messages, public.rate_limit_hits, public.objections" >/dev/null
FORM_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for round in 1 2; do
  for n in 0 "$FORM_OBJECTIONS"; do
    if [ "$n" = 0 ]; then objections_off; else objections_on; fi
    if [ "$round" = 1 ]; then measure "floor1_${n}_$round" floor1; measure "floor0_${n}_$round" floor0
    else measure "floor0_${n}_$round" floor0; measure "floor1_${n}_$round" floor1; fi
    measure "http_${n}_$round" http
  done
done
FORM_LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
objections_off

field() { awk -v i="$2" '{ print $i }' <<<"${R[$1]}"; }
ms() { awk -v x="$1" 'BEGIN { printf "%.1f", x / 1000 }'; }
[ -f "$REPORT" ] || echo "# Lead-Formular (bench/leads.sh form)" >"$REPORT"
{
  echo
  echo "## Lead-Formular: POST /api/leads mit Widerspruchsprüfung"
  echo
  echo "Commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- supabase shared functions || echo ' + Änderungen'), $(date -u +'%Y-%m-%d %H:%M') UTC, $(nproc) Kerne; Daten: $COUNTS; je Messung ${SECONDS_EACH} s, $FORM_CLIENTS Clients (wrk -c $FORM_CLIENTS bzw. pgbench -c $FORM_CLIENTS), jede Anfrage ein neuer Lead; zwei Runden in der Reihenfolge der Tabelle; Load Average vorher $FORM_LOAD_BEFORE, nachher $FORM_LOAD_AFTER."
  echo
  echo "| Runde | Widersprüche | Messung | Anfragen/s | p50 | p99 | Anfragen (Fehler) |"
  echo "|---:|---:|---|---:|---:|---:|---:|"
  for round in 1 2; do
    for n in 0 "$FORM_OBJECTIONS"; do
      for kind in floor1 floor0 http; do
        key="${kind}_${n}_$round"
        case $kind in floor1) label="Floor (pgbench), mit Prüfung" ;; floor0) label="Floor (pgbench), ohne Prüfung" ;; http) label="HTTP (lokaler Host, Release)" ;; esac
        errors=$([ "$kind" = http ] && echo " ($(field "$key" 5))" || echo "")
        printf '| %s | %s | %s | %.0f | %s ms | %s ms | %s%s |\n' "$round" "$n" "$label" "$(field "$key" 1)" "$(ms "$(field "$key" 2)")" "$(ms "$(field "$key" 3)")" "$(field "$key" 4)" "$errors"
      done
    done
  done
  awk -v n="$FORM_OBJECTIONS" -v goal="$FORM_CHECK_GOAL" \
      -v h01="$(field http_0_1 1)" -v h02="$(field http_0_2 1)" -v hn1="$(field "http_${FORM_OBJECTIONS}_1" 1)" -v hn2="$(field "http_${FORM_OBJECTIONS}_2" 1)" \
      -v p01="$(field http_0_1 3)" -v p02="$(field http_0_2 3)" -v pn1="$(field "http_${FORM_OBJECTIONS}_1" 3)" -v pn2="$(field "http_${FORM_OBJECTIONS}_2" 3)" \
      -v c01="$(field floor1_0_1 1)" -v c02="$(field floor1_0_2 1)" -v cn1="$(field "floor1_${FORM_OBJECTIONS}_1" 1)" -v cn2="$(field "floor1_${FORM_OBJECTIONS}_2" 1)" \
      -v u01="$(field floor0_0_1 1)" -v u02="$(field floor0_0_2 1)" -v un1="$(field "floor0_${FORM_OBJECTIONS}_1" 1)" -v un2="$(field "floor0_${FORM_OBJECTIONS}_2" 1)" 'BEGIN {
    h0 = (h01 + h02) / 2; hn = (hn1 + hn2) / 2
    with = (c01 + c02 + cn1 + cn2) / 4; without = (u01 + u02 + un1 + un2) / 4
    withn = (cn1 + cn2) / 2; withoutn = (un1 + un2) / 2
    http_cost = 1 - hn / h0; sql_cost = 1 - with / without; sql_cost_n = 1 - withn / withoutn
    printf "\n- Floor mit gegen ohne Prüfung (dieselbe Anweisung ohne ihren CTE, Mittel aus vier Läufen je Variante): %.0f gegen %.0f Anfragen/s, Kosten %.1f %% (mit %d Widersprüchen: %.1f %%) – Ziel < 5 %%: %s.\n", with, without, sql_cost * 100, n, sql_cost_n * 100, (sql_cost < goal && sql_cost_n < goal) ? "erreicht" : "**verfehlt**"
    printf "- Formular über HTTP mit %d gegen ohne Widersprüche (Mittel aus zwei Läufen): %.0f gegen %.0f Anfragen/s (%+.1f %%); p99 %.1f / %.1f ms mit, %.1f / %.1f ms ohne.\n", n, hn, h0, -http_cost * 100, pn1 / 1000, pn2 / 1000, p01 / 1000, p02 / 1000
    printf "- Formular über HTTP gegen den Floor mit Prüfung (ohne Widersprüche): %.0f gegen %.0f Anfragen/s, %.2f× des Floors.\n", h0, (c01 + c02) / 2, h0 / ((c01 + c02) / 2)
  }'
} >>"$REPORT"
