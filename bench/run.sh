#!/usr/bin/env bash
# Heartbeat benchmark: POST /api/heartbeat through the local host (HTTP: wrk, and a fixed-rate load
# generator) against pgbench running the same SQL statement directly (the database floor), in one run,
# for 1,000 and 10,000 registered agents. Everything runs on 127.0.0.1: a throwaway PostgreSQL 15
# cluster and an in-memory Azurite under /tmp, started by bench/Stack (host/Stack, as bench/Alerts does),
# stopped and removed at the end. See bench/README.md.
#
#   bash bench/run.sh                                        # the full run (about 5 minutes on 2 cores)
#   BENCH_SECONDS=5 BENCH_RATE_SECONDS=5 BENCH_AGENTS=1000 bash bench/run.sh   # a quick smoke run
#
# Knobs (environment):
#   BENCH_AGENTS="1000 10000"       agent counts, ascending (agents are registered incrementally)
#   BENCH_SECONDS=15                each measured saturation run (pgbench and wrk)
#   BENCH_SWEEP_SECONDS=4           each step of the concurrency sweeps that pick the best setting
#   BENCH_PGBENCH_SWEEP="2 4 8 16"  pgbench client counts tried; the floor is the best of them
#   BENCH_WRK_SWEEP="8 16 64"       wrk connection counts tried; HTTP is measured at the best of them
#   BENCH_PGBENCH_BATCH_SWEEP="1 2 4" pgbench client counts tried for the batched floor
#   BENCH_RATE=1000                 fixed rate for the latency runs (pgbench -R and the load generator)
#   BENCH_RATE_SECONDS=20           each fixed-rate run (after its warm-up)
#   BENCH_DURABLE=0                 1: fsync and synchronous_commit on (default off, as the repo's test clusters)
#   BENCH_POOL=8                    Maximum Pool Size of the host (8 as local.settings.sample.json; the issue had 64)
#   BENCH_DB_EXTRA=""               appended to the host's connection string (experiments, e.g. "Max Auto Prepare=0")
#   BENCH_HOST_ENV=""               extra environment of the host, e.g. "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0"
#   BENCH_KEEP_LOGS=0               1: keep raw outputs and logs in bench/results/logs-<UTC time>/
# Results: printed at the end and written to bench/results/<UTC time>.md and bench/results/latest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source scripts/lib.sh

AGENT_COUNTS="$(echo "${BENCH_AGENTS:-1000 10000}" | tr ' ' '\n' | sed '/^$/d' | sort -n | tr '\n' ' ')"
SECONDS_SAT="${BENCH_SECONDS:-15}"
SECONDS_SWEEP="${BENCH_SWEEP_SECONDS:-4}"
PGBENCH_SWEEP="${BENCH_PGBENCH_SWEEP:-2 4 8 16}"
WRK_SWEEP="${BENCH_WRK_SWEEP:-8 16 64}"
PGBENCH_BATCH_SWEEP="${BENCH_PGBENCH_BATCH_SWEEP:-1 2 4}"
RATE="${BENCH_RATE:-1000}"
SECONDS_RATE="${BENCH_RATE_SECONDS:-20}"
DURABLE="${BENCH_DURABLE:-0}"
DB_EXTRA="${BENCH_DB_EXTRA:-}"
KEEP_LOGS="${BENCH_KEEP_LOGS:-0}"
POOL="${BENCH_POOL:-8}"
HOST_ENV="${BENCH_HOST_ENV:-}"
RATE_CONNECTIONS=64          # connections the fixed-rate load generator may open
RATE_PGBENCH_CLIENTS=8       # pgbench clients for the fixed-rate floor
WARMUP_SECONDS=10
GOAL_RPS=5000 GOAL_RATIO=0.5 GOAL_P99_MS=25

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --- what is needed -------------------------------------------------------------------------------
require_dotnet
require_node
require_postgres
[ -x "$PG_BIN/pgbench" ] && [ -x "$PG_BIN/psql" ] \
  || fail "pgbench/psql fehlen in $PG_BIN. Installiere sie: apt-get install postgresql-client-15"
ensure_debian_packages "wrk:/usr/bin/wrk" "curl:/usr/bin/curl" "procps:/usr/bin/ps"
ensure_npm_packages

log "building the host (Release), the stack and the load generator"
dotnet build host/Leitstand.LocalHost.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet build bench/Stack/Leitstand.Bench.Stack.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet build bench/LoadGen/Leitstand.Bench.LoadGen.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
HOST_DLL="$ROOT/host/bin/Release/net10.0/Leitstand.LocalHost.dll"
STACK_DLL="$ROOT/bench/Stack/bin/Release/net10.0/Leitstand.Bench.Stack.dll"
LOADGEN_DLL="$ROOT/bench/LoadGen/bin/Release/net10.0/Leitstand.Bench.LoadGen.dll"
[ -f "$HOST_DLL" ] && [ -f "$STACK_DLL" ] && [ -f "$LOADGEN_DLL" ] || fail "build output missing ($HOST_DLL, $STACK_DLL, $LOADGEN_DLL)"

# --- throwaway stack ------------------------------------------------------------------------------
WORK="$(mktemp -d /tmp/leitstand-bench.XXXXXX)"
HOST_PID="" STACK_PID="" PG_LOG=""

# SIGTERM, up to $2 tenths of a second (default 50) to go, then SIGKILL.
stop_pid() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 "${2:-50}"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

cleanup() {
  local status=$?
  set +e
  log "stopping and removing the throwaway stack"
  stop_pid "$HOST_PID"
  # The logs first: the stack removes PostgreSQL's log with its folder.
  if [ "$status" -ne 0 ]; then
    echo "--- failed (exit $status); last lines of the logs:" >&2
    for f in "$WORK/host.log" "$PG_LOG" "$WORK/stack.log"; do
      [ -n "$f" ] && [ -f "$f" ] && { echo "== $f" >&2; tail -n 25 "$f" >&2; }
    done
  fi
  if [ "$KEEP_LOGS" = "1" ]; then
    local keep; keep="$ROOT/bench/results/logs-$(date -u +%Y-%m-%dT%H%M%SZ)"
    mkdir -p "$keep" && cp "$WORK"/*.out "$WORK"/*.time "$WORK"/*.tsv "$WORK"/*.log "$WORK"/log_* ${PG_LOG:+"$PG_LOG"} "$keep"/ 2>/dev/null
    log "raw outputs kept in $keep"
  fi
  stop_pid "$STACK_PID" 300   # stops Azurite and PostgreSQL and removes their folder
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free TCP port on 127.0.0.1 (nothing listening; below the ephemeral range).
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 12000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && ! ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
      echo "$port"; return 0
    fi
  done
  fail "no free port found"
}

# PostgreSQL (throwaway cluster: bootstrap, migrations, after-migrations) and Azurite in memory, both on
# 127.0.0.1 and free ports, from bench/Stack; it writes the connection details to $WORK/stack.env when
# everything is up and stops with SIGTERM (cleanup) or when this script is gone (--parent).
STACK_ARGS=(--env-file "$WORK/stack.env" --parent $$)
[ "$DURABLE" = "1" ] && STACK_ARGS+=(--durable)
dotnet "$STACK_DLL" "${STACK_ARGS[@]}" </dev/null >"$WORK/stack.log" 2>&1 &
STACK_PID=$!
for _ in $(seq 1 600); do
  [ -f "$WORK/stack.env" ] && break
  kill -0 "$STACK_PID" 2>/dev/null || fail "the stack (bench/Stack) stopped during its start"
  sleep 0.2
done
[ -f "$WORK/stack.env" ] || fail "the stack (bench/Stack) was not up within 2 minutes"
# shellcheck source=/dev/null
source "$WORK/stack.env"   # PGPORT, PG_LOG, PG_POSTMASTER_PID, AZURITE_PID, STORAGE_CONNECTION_STRING, …
PG_PORT=$PGPORT PM_PID=$PG_POSTMASTER_PID STORAGE=$STORAGE_CONNECTION_STRING
log "PostgreSQL 15 on 127.0.0.1:$PG_PORT (throwaway cluster in $STACK_DIR)"
log "schema applied (bootstrap, $PG_MIGRATIONS migrations, after-migrations)"
log "Azurite on 127.0.0.1:$AZURITE_BLOB_PORT/$AZURITE_QUEUE_PORT/$AZURITE_TABLE_PORT (in memory)"

psql_admin() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"; }
# The cluster's superuser (postgres is none, as on Supabase), for what only it may do here: checkpoint.
psql_superuser() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U supabase_admin -d postgres "$@"; }

# One lead owns all bench agents; agents are added up to the count of the next phase.
psql_admin -c "insert into public.leads (name, email, consent_at, consent_text_version, consent_source)
               values ('Bench', 'bench@example.invalid', now(), 'bench', 'bench/run.sh')" >/dev/null
REGISTERED=0
register_agents() {
  local upto=$1
  [ "$upto" -le "$REGISTERED" ] && return 0
  psql_admin -c "insert into public.agents (lead_id, name, key_hash, key_prefix)
                 select (select id from public.leads where email = 'bench@example.invalid'), 'bench-' || i,
                        encode(sha256(('bench-key-' || i)::bytea), 'hex'), left('bench-key-' || i, 16)
                 from generate_series($((REGISTERED + 1)), $upto) as i" >/dev/null
  REGISTERED=$upto
}
FIRST_N=${AGENT_COUNTS%% *}
register_agents "$FIRST_N"

HTTP_PORT=$(free_port)
CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Database=postgres;Username=leitstand_functions;Maximum Pool Size=$POOL;Max Auto Prepare=20${DB_EXTRA:+;$DB_EXTRA}"
log "local host (Release) on 127.0.0.1:$HTTP_PORT"
# shellcheck disable=SC2086
env $HOST_ENV Database__ConnectionString="$CONNECTION" AzureWebJobsStorage="$STORAGE" Logging__LogLevel__Default=Warning \
  dotnet "$HOST_DLL" --port "$HTTP_PORT" >"$WORK/host.log" 2>&1 &
HOST_PID=$!
URL="http://127.0.0.1:$HTTP_PORT/api/heartbeat"
BODY='{"status":"ok","agent_version":"1.0.0","uptime_seconds":60,"messages_handled":1,"failed_runs":0,"queue_depth":0,"latency_p50_ms":12,"latency_p95_ms":40}'
post() { curl -s -o /dev/null -w '%{http_code}' -H "X-Agent-Key: $1" -H 'Content-Type: application/json' -d "$BODY" "$URL" || true; }
code=000
for _ in $(seq 1 150); do
  kill -0 "$HOST_PID" 2>/dev/null || fail "the host stopped during its start"
  code=$(post bench-key-1)
  [ "$code" = "200" ] && break
  sleep 0.2
done
[ "$code" = "200" ] || fail "POST $URL answered $code, not 200"
code=$(post bench-key-unknown)
[ "$code" = "401" ] || fail "an unknown key answered $code, not 401"

# --- measuring helpers ----------------------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)
# utime+stime of one process, all its threads, in clock ticks (0 if it is gone).
proc_ticks() {
  local line rest
  read -r line <"/proc/$1/stat" 2>/dev/null || { echo 0; return; }
  rest=${line##*) }
  # shellcheck disable=SC2086
  set -- $rest   # $1 = field 3 (state), so utime (field 14) is $12 and stime $13; cutime/cstime $14/$15
  echo $(( ${12} + ${13} ))
}
# A CPU snapshot into file $1: the host, every child of the postmaster (backends, walwriter, autovacuum …),
# the postmaster itself with what it reaped from exited children (read last), and the machine (/proc/stat).
snapshot() {
  local pid line rest
  {
    echo "host $(proc_ticks "$HOST_PID")"
    for pid in $(ps -o pid= --ppid "$PM_PID"); do echo "pg $pid $(proc_ticks "$pid")"; done
    read -r line <"/proc/$PM_PID/stat"; rest=${line##*) }
    # shellcheck disable=SC2086
    set -- $rest
    echo "postmaster $(( ${12} + ${13} )) $(( ${14} + ${15} ))"
    echo "azurite $(proc_ticks "$AZURITE_PID")"
    awk '/^cpu /{busy=$2+$3+$4+$7+$8+$9; print "machine", busy, busy+$5+$6, $9, $7+$8}' /proc/stat
  } >"$1"
}
# Ticks between two snapshots: "host pg busy total steal azurite irq". busy and total are summed over
# all cores; steal is time the VM wanted but did not get; irq is (soft)interrupt time, mostly the
# loopback network. A backend that exited in between counts with what it used after the first
# snapshot (its total arrives in the postmaster's reaped time).
cpu_delta() {
  awk 'FNR==NR { if ($1=="pg") t0[$2]=$3; else if ($1=="postmaster") {o0=$2; r0=$3}
                 else if ($1=="host") h0=$2; else if ($1=="azurite") z0=$2
                 else if ($1=="machine") {b0=$2; a0=$3; s0=$4; i0=$5}; next }
       { if ($1=="pg") t1[$2]=$3; else if ($1=="postmaster") {o1=$2; r1=$3}
         else if ($1=="host") h1=$2; else if ($1=="azurite") z1=$2
         else if ($1=="machine") {b1=$2; a1=$3; s1=$4; i1=$5} }
       END { pg = o1 - o0 + r1 - r0
             for (p in t1) pg += t1[p] - ((p in t0) ? t0[p] : 0)
             for (p in t0) if (!(p in t1)) pg -= t0[p]
             print h1 - h0, pg, b1 - b0, a1 - a0, s1 - s0, z1 - z0, i1 - i0 }' "$1" "$2"
}
# Share (%) of the machine not explained by the host, PostgreSQL, the load generator ($5 = its .time
# file), Azurite and interrupts: anything else running on the machine.
other_pct() { # host pg busy total azurite irq client-name
  awk -v h="$1" -v pg="$2" -v b="$3" -v t="$4" -v z="$5" -v i="$6" -v hz="$CLK_TCK" '{ c = ($1 + $2) * hz;
    printf "%.0f", (b - h - pg - c - z - i) * 100 / t }' "$WORK/$7.time"
}
ms_per() { awk -v t="$1" -v n="$2" -v hz="$CLK_TCK" 'BEGIN{ if (n > 0) printf "%.3f", t * 1000 / hz / n; else print "nan" }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.0f", a * 100 / b; else print "nan" }'; }

TIMEFORMAT='%3U %3S'
# Runs a load generator; its output goes to $WORK/<name>.out, its own CPU seconds (user+sys) to <name>.time.
timed() {
  local name=$1; shift
  { time "$@" >"$WORK/$name.out" 2>&1 ; } 2>"$WORK/$name.time"
}
client_ms_per() { awk -v n="$2" '{ if (n > 0) printf "%.3f", ($1 + $2) * 1000 / n; else print "nan" }' "$WORK/$1.time"; }
field() { grep -o "$2=[^ ]*" "$WORK/$1.out" | head -n 1 | cut -d= -f2; }

# p50/p99 (ms) from pgbench -l logs (third column: latency in µs, under -R from the scheduled start;
# fifth and sixth: when it finished). The first 2 s are left out: under -R the schedule starts while
# the clients still connect and prepare, which would put ~100 ms of start-up into the p99.
pgbench_percentiles() {
  cat "$1".* | awk '{t[NR]=$5+$6/1e6; l[NR]=$3; if (NR==1||t[NR]<m) m=t[NR]} END{for (i=1;i<=NR;i++) if (t[i]>=m+2) print l[i]}' \
    | sort -n | awk '{v[NR]=$1} END{ if (NR==0) {print "nan nan"; exit}
        printf "%.3f %.3f\n", v[int(NR*0.50+0.999999)]/1000, v[int(NR*0.99+0.999999)]/1000 }'
}

# Same state before every measurement: vacuumed, analysed, checkpointed.
prepare_db() {
  psql_admin -c "vacuum (analyze) public.agents" -c "vacuum (analyze) public.agent_heartbeats" >/dev/null
  psql_superuser -c "checkpoint" >/dev/null
}

PGB_SCRIPT="$WORK/heartbeat.sql"
write_pgbench_script() {
  cat >"$PGB_SCRIPT" <<SQL
\\set i random(1, $1)
select public.ingest_heartbeat(encode(sha256(('bench-key-' || :i)::bytea), 'hex'), 'heartbeat', 'ok', now(), '1.0.0', 60, null, null, 1, 0, 0, 12, 40, null, 'alerts', 3)::text;
SQL
}
# The statement the host sends under load: a batch of $2 heartbeats in one call, sorted by key hash like the host does.
PGB_BATCH_SCRIPT="$WORK/heartbeats.sql"
write_pgbench_batch_script() { # agents batch-size
  cat >"$PGB_BATCH_SCRIPT" <<SQL
select public.ingest_heartbeats((select jsonb_agg(jsonb_build_object('key_hash', h, 'kind', 'heartbeat', 'status', 'ok', 'at', now(), 'version', '1.0.0', 'uptime', 60, 'messages', 1, 'failed', 0, 'queue_depth', 0, 'p50', 12, 'p95', 40) order by h) from (select encode(sha256(('bench-key-' || (1 + floor(random() * $1))::int)::bytea), 'hex') as h from generate_series(1, $2)) s), 'alerts', 3)::text;
SQL
}
pgbench_run() { # name clients seconds [rate] [script]
  local name=$1 clients=$2 secs=$3 rate=${4:-}
  local args=(-n -M prepared -f "${5:-$PGB_SCRIPT}" -c "$clients" -j 2 -T "$secs" -l --log-prefix="$WORK/log_$name")
  [ -n "$rate" ] && args+=(-R "$rate")
  timed "$name" "$PG_BIN/pgbench" "${args[@]}" -h 127.0.0.1 -p "$PG_PORT" -U leitstand_functions postgres
  sleep 0.5   # let the backends exit and be reaped before the next CPU snapshot
  [ "$(pgbench_failed "$name")" = "0" ] || fail "pgbench $name had failed transactions: $(cat "$WORK/$name.out")"
}
pgbench_tps() { sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/$1.out" | head -n 1; }
pgbench_count() { sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$WORK/$1.out"; }
pgbench_failed() { sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$WORK/$1.out"; }

wrk_run() { # name agents seconds connections [lenient]
  timed "$1" wrk -t2 -c"$4" -d"${3}s" --timeout 10s --latency -s "$ROOT/bench/heartbeat.lua" "$URL" -- "$2"
  grep -q '^RESULT' "$WORK/$1.out" || fail "wrk gave no result: $(cat "$WORK/$1.out")"
  [ "${5:-}" = "lenient" ] && return 0
  local bad=$(( $(field "$1" connect_err) + $(field "$1" read_err) + $(field "$1" write_err) + $(field "$1" timeout_err) + $(field "$1" non2xx) ))
  [ "$bad" -eq 0 ] || fail "wrk $1: $bad requests failed or were not answered with 2xx: $(cat "$WORK/$1.out")"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# The host's heartbeat writers so far: "round-trips heartbeats largest-batch" (GET /admin/heartbeat-writes).
writes() {
  curl -s "http://127.0.0.1:$HTTP_PORT/admin/heartbeat-writes" \
    | sed -n 's/.*"roundTrips":\([0-9]*\).*"heartbeats":\([0-9]*\).*"largestBatch":\([0-9]*\).*/\1 \2 \3/p'
}
best_of() { sort -t' ' -k2 -g -r | head -n 1 | cut -d' ' -f1; }

# --- warm-up --------------------------------------------------------------------------------------
log "warm-up: 3s + ${WARMUP_SECONDS}s wrk, 5s pgbench (JIT, connection pools, caches)"
write_pgbench_script "$FIRST_N"
wrk_run warmup_wrk_slow "$FIRST_N" 3 4 lenient
wrk_run warmup_wrk "$FIRST_N" "$WARMUP_SECONDS" 64 lenient
pgbench_run warmup_pgb 4 5

LOAD_START=$(loadavg)
ROWS=() SWEEPS=() WARNINGS=()
# Flags a measurement during which something else used a noticeable share of the machine.
check_quiet() { # what unexplained-percent
  [ "$2" != "nan" ] && [ "$2" -gt 8 ] && WARNINGS+=("$1: ~$2% of the machine went to processes that are not part of the benchmark") || true
}
for N in $AGENT_COUNTS; do
  register_agents "$N"
  write_pgbench_script "$N"
  log "=== $N agents ($(psql_admin -At -c 'select count(*) from public.agents') registered); load average $(loadavg)"

  # (a) the floor: pgbench with the same statement; best client count of a short sweep, then measured
  sweep=""
  for c in $PGBENCH_SWEEP; do
    prepare_db
    pgbench_run "sweep_pgb_${N}_$c" "$c" "$SECONDS_SWEEP"
    sweep+="$c $(pgbench_tps "sweep_pgb_${N}_$c")"$'\n'
  done
  PGB_C=$(printf '%s' "$sweep" | best_of)
  SWEEPS+=("$N pgbench clients→tx/s: $(printf '%s' "$sweep" | awk '{printf "%s%d→%.0f", (NR>1?", ":""), $1, $2}')")
  prepare_db
  snapshot "$WORK/s0"; la=$(loadavg)
  pgbench_run "pgb_$N" "$PGB_C" "$SECONDS_SAT"
  snapshot "$WORK/s1"
  read -r host pg busy total steal azurite irq <<<"$(cpu_delta "$WORK/s0" "$WORK/s1")"
  n=$(pgbench_count "pgb_$N")
  pgb_tps=$(pgbench_tps "pgb_$N")
  read -r pgb_p50 pgb_p99 <<<"$(pgbench_percentiles "$WORK/log_pgb_$N")"
  pgb_pg=$(ms_per "$pg" "$n"); pgb_client=$(client_ms_per "pgb_$N" "$n"); pgb_busy=$(pct "$busy" "$total"); pgb_steal=$(pct "$steal" "$total")
  pgb_irq=$(pct "$irq" "$total"); pgb_other=$(other_pct "$host" "$pg" "$busy" "$total" "$azurite" "$irq" "pgb_$N")
  check_quiet "pgbench, $N agents" "$pgb_other"
  log "pgbench  N=$N c=$PGB_C: $pgb_tps tx/s, p50 $pgb_p50 ms, p99 $pgb_p99 ms; CPU/tx postgres $pgb_pg ms, pgbench $pgb_client ms; machine busy $pgb_busy% (irq $pgb_irq%, steal $pgb_steal%, unexplained $pgb_other%); load $la"

  # (b) HTTP through the host: best wrk connection count of a short sweep, then measured
  sweep=""
  for c in $WRK_SWEEP; do
    prepare_db
    wrk_run "sweep_wrk_${N}_$c" "$N" "$SECONDS_SWEEP" "$c"
    sweep+="$c $(field "sweep_wrk_${N}_$c" rps)"$'\n'
  done
  WRK_C=$(printf '%s' "$sweep" | best_of)
  SWEEPS+=("$N wrk connections→hb/s: $(printf '%s' "$sweep" | awk '{printf "%s%d→%.0f", (NR>1?", ":""), $1, $2}')")
  prepare_db
  read -r trips0 beats0 _ <<<"$(writes)"
  snapshot "$WORK/s0"; la=$(loadavg)
  wrk_run "wrk_$N" "$N" "$SECONDS_SAT" "$WRK_C"
  snapshot "$WORK/s1"
  read -r trips1 beats1 largest <<<"$(writes)"
  w_batch=$(awk -v t=$((trips1 - trips0)) -v b=$((beats1 - beats0)) 'BEGIN{ if (t > 0) printf "%.1f", b / t; else print "nan" }')
  read -r host pg busy total steal azurite irq <<<"$(cpu_delta "$WORK/s0" "$WORK/s1")"
  n=$(field "wrk_$N" requests)
  w_rps=$(field "wrk_$N" rps)
  w_p50=$(awk -v v="$(field "wrk_$N" p50_us)" 'BEGIN{printf "%.3f", v/1000}')
  w_p99=$(awk -v v="$(field "wrk_$N" p99_us)" 'BEGIN{printf "%.3f", v/1000}')
  w_host=$(ms_per "$host" "$n"); w_pg=$(ms_per "$pg" "$n"); w_client=$(client_ms_per "wrk_$N" "$n")
  w_busy=$(pct "$busy" "$total"); w_steal=$(pct "$steal" "$total")
  w_irq=$(pct "$irq" "$total"); w_other=$(other_pct "$host" "$pg" "$busy" "$total" "$azurite" "$irq" "wrk_$N")
  w_az=$(ms_per "$azurite" "$n")
  check_quiet "HTTP (wrk), $N agents" "$w_other"
  log "HTTP     N=$N c=$WRK_C: $w_rps hb/s, p50 $w_p50 ms, p99 $w_p99 ms; CPU/hb host $w_host ms, postgres $w_pg ms, wrk $w_client ms, Azurite $w_az ms; machine busy $w_busy% (irq $w_irq%, steal $w_steal%, unexplained $w_other%); $w_batch heartbeats per round trip (largest batch so far $largest); load $la"

  # (b2) the floor for what the host sent: pgbench with batches of the mean size it used (at least 1)
  B=$(awk -v b="$w_batch" 'BEGIN{ v = int(b + 0.5); print (v >= 1 ? v : 1) }')
  write_pgbench_batch_script "$N" "$B"
  sweep=""
  for c in $PGBENCH_BATCH_SWEEP; do
    prepare_db
    pgbench_run "sweep_pgbb_${N}_$c" "$c" "$SECONDS_SWEEP" "" "$PGB_BATCH_SCRIPT"
    sweep+="$c $(pgbench_tps "sweep_pgbb_${N}_$c")"$'\n'
  done
  PGBB_C=$(printf '%s' "$sweep" | best_of)
  SWEEPS+=("$N pgbench batches of $B, clients→heartbeats/s: $(printf '%s' "$sweep" | awk -v b="$B" '{printf "%s%d→%.0f", (NR>1?", ":""), $1, $2 * b}')")
  prepare_db
  snapshot "$WORK/s0"
  pgbench_run "pgbb_$N" "$PGBB_C" "$SECONDS_SAT" "" "$PGB_BATCH_SCRIPT"
  snapshot "$WORK/s1"
  read -r host pg busy total steal azurite irq <<<"$(cpu_delta "$WORK/s0" "$WORK/s1")"
  pgbb_hbs=$(awk -v t="$(pgbench_tps "pgbb_$N")" -v b="$B" 'BEGIN{printf "%.1f", t * b}')
  pgbb_pg=$(ms_per "$pg" "$(( $(pgbench_count "pgbb_$N") * B ))")
  log "pgbench  N=$N batches of $B, c=$PGBB_C: $pgbb_hbs heartbeats/s; CPU/hb postgres $pgbb_pg ms"

  # (c) the fixed rate: the floor (pgbench -R, first 2 s left out) and HTTP (open-loop load generator,
  #     3 s warm-up left out); latency from the time each request was due
  prepare_db
  pgbench_run "pgbr_$N" "$RATE_PGBENCH_CLIENTS" "$((SECONDS_RATE + 2))" "$RATE"
  read -r r_pgb_p50 r_pgb_p99 <<<"$(pgbench_percentiles "$WORK/log_pgbr_$N")"
  log "pgbench  N=$N at $RATE/s: $(pgbench_tps "pgbr_$N") tx/s, p50 $r_pgb_p50 ms, p99 $r_pgb_p99 ms"

  prepare_db
  snapshot "$WORK/s0"; la=$(loadavg)
  timed "lg_$N" dotnet "$LOADGEN_DLL" --url "$URL" --rate "$RATE" --seconds "$SECONDS_RATE" --warmup-seconds 3 \
    --agents "$N" --connections "$RATE_CONNECTIONS" --dump "$WORK/lg_$N.tsv" || true
  snapshot "$WORK/s1"
  grep -q '^RESULT' "$WORK/lg_$N.out" || fail "the load generator gave no result: $(cat "$WORK/lg_$N.out")"
  read -r host pg busy total steal azurite irq <<<"$(cpu_delta "$WORK/s0" "$WORK/s1")"
  lg_bad=$(( $(field "lg_$N" non2xx) + $(field "lg_$N" failed) + $(field "lg_$N" dropped) ))
  # the CPU window also holds the 3 s warm-up at the same rate
  n=$(( $(field "lg_$N" ok) + $(field "lg_$N" non2xx) + 3 * RATE ))
  r_p50=$(field "lg_$N" p50_ms); r_p99=$(field "lg_$N" p99_ms)
  r_host=$(ms_per "$host" "$n"); r_pg=$(ms_per "$pg" "$n"); r_busy=$(pct "$busy" "$total"); r_client=$(client_ms_per "lg_$N" "$n")
  r_other=$(other_pct "$host" "$pg" "$busy" "$total" "$azurite" "$irq" "lg_$N")
  check_quiet "HTTP at $RATE/s, $N agents" "$r_other"
  log "HTTP     N=$N at $RATE/s: $(field "lg_$N" rate) hb/s, p50 $r_p50 ms, p90 $(field "lg_$N" p90_ms) ms, p99 $r_p99 ms, max $(field "lg_$N" max_ms) ms, not 2xx/failed/dropped $lg_bad; CPU/hb host $r_host ms, postgres $r_pg ms, load generator $r_client ms; machine busy $r_busy% (unexplained $r_other%); load $la"

  ROWS+=("$N $PGB_C $pgb_tps $pgb_p50 $pgb_p99 $pgb_pg $pgb_client $pgb_busy $pgb_irq $pgb_other $WRK_C $w_rps $w_p50 $w_p99 $w_host $w_pg $w_client $w_busy $w_irq $w_other $r_pgb_p50 $r_pgb_p99 $r_p50 $r_p99 $r_host $r_pg $r_busy $lg_bad $w_batch $largest $B $PGBB_C $pgbb_hbs $pgbb_pg")
done
LOAD_END=$(loadavg)

# --- report ---------------------------------------------------------------------------------------
mkdir -p bench/results
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
REPORT="bench/results/$STAMP.md"
{
  echo "# Heartbeat benchmark, $STAMP"
  echo
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo);" \
       "load average at the start of measuring $LOAD_START, at the end $LOAD_END."
  echo "Code: commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$( [ -n "$(git -C "$ROOT" status --porcelain -- functions shared host supabase 2>/dev/null)" ] && echo ' with uncommitted changes in functions/shared/host/supabase')."
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), $([ "$DURABLE" = 1 ] && echo 'fsync and synchronous_commit on' || echo 'fsync, synchronous_commit and full_page_writes off (throwaway cluster)');" \
       "host connection string: Maximum Pool Size=$POOL;Max Auto Prepare=20${DB_EXTRA:+;$DB_EXTRA}${HOST_ENV:+; host environment: $HOST_ENV}."
  echo "Saturation: ${SECONDS_SAT}s each at the best concurrency of a ${SECONDS_SWEEP}s sweep; fixed rate: $RATE/s for ${SECONDS_RATE}s (pgbench -R with $RATE_PGBENCH_CLIENTS clients; open-loop load generator with ≤$RATE_CONNECTIONS connections)."
  echo
  echo "| agents | HTTP hb/s (wrk -c) | pgbench tx/s (-c) | HTTP / pgbench | saturated p50 / p99 HTTP, ms | saturated p50 / p99 pgbench, ms | p50 / p99 at $RATE/s HTTP, ms | p50 / p99 at $RATE/s pgbench, ms | p99 HTTP / pgbench at $RATE/s | CPU ms/hb saturated: host + postgres | CPU ms/tx pgbench: postgres | CPU HTTP / pgbench | CPU ms/hb at $RATE/s: host + postgres | load generator CPU ms/req: wrk / pgbench | machine busy: HTTP / pgbench (of it interrupts; unexplained) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for row in "${ROWS[@]}"; do
    echo "$row" | awk '{
      n=$1; pc=$2; pt=$3; p50=$4; p99=$5; ppg=$6; pcl=$7; pbusy=$8; pirq=$9; poth=$10
      wc=$11; wr=$12; w50=$13; w99=$14; wh=$15; wpg=$16; wcl=$17; wbusy=$18; wirq=$19; woth=$20
      r50=$21; r99=$22; l50=$23; l99=$24; lh=$25; lpg=$26
      printf "| %d | %.0f (%d) | %.0f (%d) | %.2f | %.1f / %.1f | %.1f / %.1f | %.2f / %.2f | %.2f / %.2f | %.1f× | %.3f + %.3f = %.3f | %.3f | %.2f× | %.3f + %.3f = %.3f | %.3f / %.3f | %d%% / %d%% (%d%% / %d%%; %d%% / %d%%) |\n",
        n, wr, wc, pt, pc, wr/pt, w50, w99, p50, p99, l50, l99, r50, r99, l99/r99, wh, wpg, wh+wpg, ppg, (wh+wpg)/ppg, lh, lpg, lh+lpg, wcl, pcl, wbusy, pbusy, wirq, pirq, woth, poth }'
  done
  echo
  echo "The host writes the heartbeats that arrive while a batch is in the database together in the next round trip"
  echo "(group commit). The floor for exactly that statement: pgbench calling public.ingest_heartbeats with batches of"
  echo "the mean size the host used in the saturated HTTP run."
  echo
  echo "| agents | HTTP hb/s | heartbeats per round trip: mean (largest) | pgbench, batched: hb/s (batch, -c) | HTTP / pgbench batched | CPU ms/hb pgbench batched: postgres |"
  echo "|---:|---:|---:|---:|---:|---:|"
  for row in "${ROWS[@]}"; do
    echo "$row" | awk '{ n=$1; wr=$12; mb=$29; lb=$30; b=$31; bc=$32; bh=$33; bpg=$34
      printf "| %d | %.0f | %s (%d) | %.0f (%d, %d) | %.2f | %.3f |\n", n, wr, mb, lb, bh, b, bc, wr/bh, bpg }'
  done
  echo
  echo "Sweeps (${SECONDS_SWEEP}s each):"
  for s in "${SWEEPS[@]}"; do echo "- $s"; done
  echo
  if [ ${#WARNINGS[@]} -gt 0 ]; then
    echo "**Not a quiet machine** — these figures are disturbed:"
    for w in "${WARNINGS[@]}"; do echo "- $w"; done
    echo
  fi
  echo "Goals:"
  for row in "${ROWS[@]}"; do
    echo "$row" | awk -v g1="$GOAL_RPS" -v g2="$GOAL_RATIO" -v g3="$GOAL_P99_MS" -v rate="$RATE" '{
      n=$1; pt=$3; wr=$12; l99=$24; bad=$28; bh=$33; b=$31
      printf "- %d agents: ≥ %d hb/s over HTTP: %s (%.0f hb/s, %.0f%% of the goal); ≥ %.0f%% of pgbench, one heartbeat per statement: %s (%.0f%%; of pgbench with the batched statement at %d per call: %.0f%%); p99 < %d ms at %d/s: %s (%.1f ms)%s\n",
        n, g1, (wr>=g1?"met":"NOT met"), wr, wr*100/g1, g2*100, (wr/pt>=g2?"met":"NOT met"), wr*100/pt, b, wr*100/bh, g3, rate, (l99<g3?"met":"NOT met"), l99,
        (bad>0 ? sprintf("; %d requests of the fixed-rate run failed, were not 2xx or were dropped", bad) : "") }'
  done
} >"$REPORT"
cp "$REPORT" bench/results/latest.md
echo
cat "$REPORT"
echo
log "report written to $REPORT"
