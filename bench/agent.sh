#!/usr/bin/env bash
# leitstand-agent on the customer's machine (issue #20, "Speed and footprint") against the local stack:
#  (a) start to first heartbeat: from launching `leitstand-agent run --url … --key-file F --interval 60 -- sleep 3600`
#      to the server having stored the agent's first heartbeat (agents.last_heartbeat_at, written before the 200),
#      BENCH_RUNS runs, each with an agent of its own; compared with the same heartbeat sent by curl in the same run
#      (process start to 200, and launch to last_heartbeat_at like the agent);
#  (b) idle CPU of the client over BENCH_IDLE_SECONDS (utime + stime from /proc/<pid>/stat, without the child);
#  (c) resident memory at the end of that minute (VmRSS, VmHWM from /proc/<pid>/status);
# for the framework-dependent build (bin/Release, the apphost) and the self-contained single file as
# scripts/publish-agent ships it (dotnet publish -r linux-x64 --self-contained -p:PublishSingleFile=true
# -p:PublishTrimmed=true -p:PublishReadyToRun=true; skipped if it cannot be published); beside it the same without ReadyToRun (BENCH_READY_TO_RUN=0
# leaves it out) and, with BENCH_UNTRIMMED=1, the untrimmed single file.
# The database comes from bench/stack.sh (host/Stack: throwaway PostgreSQL 15 on 127.0.0.1, all migrations); the
# local host runs in Release with every timer off.
#
#   bash bench/agent.sh
#   BENCH_RUNS=5 BENCH_IDLE_SECONDS=60 bash bench/agent.sh
# Results: printed and written to bench/results/agent-<UTC time>.md (git ignores bench/results/).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
RUNS="${BENCH_RUNS:-7}"
IDLE_SECONDS="${BENCH_IDLE_SECONDS:-60}"
GOAL_START_MS=1000 GOAL_CPU_PERCENT=0.1 GOAL_RSS_MB=40

source bench/stack-lib.sh

bench_work agent
AGENT_PIDS=()
cleanup() {
  for p in "${AGENT_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${AGENT_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  stack_down "$WORK"
}
log "building the local host and the agent (Release)"
build_host
dotnet build agent/Leitstand.Agent.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
FDD="$ROOT/agent/bin/Release/net10.0/leitstand-agent"
[ -x "$FDD" ] || { echo "$FDD is missing" >&2; exit 1; }
BUILDS=("framework-abhängig (bin/Release, apphost)|$FDD")
publish() { # label directory, then extra properties; adds the build when the publish works (it may need NuGet runtime packs)
  local label=$1 dir="$WORK/$2"; shift 2
  log "publishing: $label"
  if dotnet publish agent/Leitstand.Agent.csproj -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true "$@" \
       -o "$dir" -nologo -v quiet -clp:ErrorsOnly >"$dir.log" 2>&1 && [ -x "$dir/leitstand-agent" ]; then
    BUILDS+=("$label|$dir/leitstand-agent")
  else
    log "could not publish $label (not measured):"; tail -5 "$dir.log" >&2
  fi
}
# As scripts/publish-agent publishes it for linux-x64: trimmed, invariant globalization.
publish "Einzeldatei wie ausgeliefert (getrimmt, ReadyToRun)" shipped -p:PublishTrimmed=true -p:InvariantGlobalization=true -p:PublishReadyToRun=true
# Beside it the same without precompiled code (as shipped until 9ce0434: smaller, slower start, more JIT in the first minute).
[ "${BENCH_READY_TO_RUN:-1}" = 1 ] && publish "getrimmt ohne ReadyToRun" trimmed-jit -p:PublishTrimmed=true -p:InvariantGlobalization=true
# What bench/README.md measured before trimming: the single file untrimmed.
[ "${BENCH_UNTRIMMED:-0}" = 1 ] && publish "Einzeldatei ungetrimmt" single
trap cleanup EXIT
stack_up "$WORK"

# Only the heartbeat is measured: every timer is off, as Azure would switch it off (AzureWebJobs.<name>.Disabled).
timers_off AlertFollowUps ProcessPipelineEvents ApplyRetention ResendOutbox KpiWeeklyDigest KpiFigures CheckAgents \
           PruneMonitoringHistory PruneRateLimits DailyTasks
host_up "$WORK" "${TIMERS_OFF[@]}"
BASE="http://127.0.0.1:$HTTP_PORT"

# Agents as bench/run.sh registers them: one lead, keys stored as SHA-256 only. One agent per measured start, so each
# "first heartbeat" is a real first one (last_heartbeat_at still null).
"${PSQL[@]}" -c "insert into public.leads (name, email, consent_at, consent_text_version, consent_source)
                 values ('Bench Agent', 'bench-agent@example.invalid', now(), 'bench', 'bench/agent.sh')" >/dev/null
register() { # name → writes the key to $WORK/<name>.key (0600)
  local key="lsa_bench_$1_$RANDOM$RANDOM"
  install -m 600 /dev/null "$WORK/$1.key"
  printf '%s\n' "$key" >"$WORK/$1.key"
  "${PSQL[@]}" -c "insert into public.agents (lead_id, name, key_hash, key_prefix)
                   values ((select id from public.leads where email = 'bench-agent@example.invalid'), '$1',
                           encode(sha256('$key'::bytea), 'hex'), left('$key', 16))" >/dev/null
}
register warmup
code=000
for _ in $(seq 1 300); do
  kill -0 "$HOST_PID" 2>/dev/null || host_failed "$WORK"
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$BASE/api/heartbeat" -H "X-Agent-Key: $(head -1 "$WORK/warmup.key")" \
    -H 'Content-Type: application/json' -d '{"status":"ok"}' 2>/dev/null || true)
  [ "$code" = "200" ] && break
  sleep 0.2
done
[ "$code" = "200" ] || host_failed "$WORK" "POST /api/heartbeat answered $code"
# The endpoint warmed up (JIT, pool) a little more, so that the first measured run does not pay for the host.
for _ in $(seq 1 20); do
  curl -s -o /dev/null -X POST "$BASE/api/heartbeat" -H "X-Agent-Key: $(head -1 "$WORK/warmup.key")" -H 'Content-Type: application/json' -d '{"status":"ok"}'
done

now_ns() { date +%s%N; }
stored_ns() { # agent name → last_heartbeat_at in ns since the epoch, empty while null
  "${PSQL[@]}" -tAc "select (extract(epoch from last_heartbeat_at) * 1000000)::bigint * 1000 from public.agents where name = '$1' and last_heartbeat_at is not null"
}
wait_stored() { # agent name → ns, or fails after 30 s
  local t
  for _ in $(seq 1 600); do
    t=$(stored_ns "$1")
    [ -n "$t" ] && { echo "$t"; return 0; }
    sleep 0.05
  done
  return 1
}
# The body the agent sends at start (HeartbeatClient.Body: allowlisted fields only).
BODY='{"status":"ok","agent_version":"0.1.0","uptime_seconds":0,"failed_runs":0,"restarts":0,"memory_bytes":1048576,"cpu_seconds":0.001}'

start_agent() { # binary name → pid in AGENT_PID (the agent's own output to $WORK/<name>.log)
  "$1" run --url "$BASE" --key-file "$WORK/$2.key" --interval 60 -- sleep 3600 >"$WORK/$2.log" 2>&1 &
  AGENT_PID=$!
  AGENT_PIDS+=("$AGENT_PID")
}
stop_agent() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$WORK/starts"
b=0
for build in "${BUILDS[@]}"; do
  IFS='|' read -r label bin <<<"$build"
  b=$((b + 1))
  for i in $(seq 1 "$RUNS"); do
    # curl first, then the agent, in the same run
    register "curl$b-$i"
    key=$(head -1 "$WORK/curl$b-$i.key")
    t0=$(now_ns)
    c=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$BASE/api/heartbeat" -H "X-Agent-Key: $key" -H 'Content-Type: application/json' -d "$BODY")
    t1=$(now_ns)
    [ "$c" = "200" ] || { echo "curl heartbeat answered $c" >&2; exit 1; }
    ts=$(wait_stored "curl$b-$i")
    register "agent$b-$i"
    t0a=$(now_ns)
    start_agent "$bin" "agent$b-$i"
    tsa=$(wait_stored "agent$b-$i") || { echo "no first heartbeat from the agent" >&2; cat "$WORK/agent$b-$i.log" >&2; exit 1; }
    stop_agent "$AGENT_PID"
    printf '%s|%d|%d|%d|%d\n' "$b" $(( (tsa - t0a) / 1000 )) $(( (t1 - t0) / 1000 )) $(( (ts - t0) / 1000 )) "$i" >>"$WORK/starts"
    log "$label, run $i: agent $(( (tsa - t0a) / 1000000 )) ms to the stored heartbeat; curl $(( (t1 - t0) / 1000000 )) ms to 200"
  done
done

# (b), (c): each build idles side by side (different processes, measured separately) for IDLE_SECONDS after a settling
# period of 5 s; an interval heartbeat falls into the minute (started at 0 s, the next at 60 s).
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }   # utime + stime of the process itself, not its children
IDLE=()
b=0
for build in "${BUILDS[@]}"; do
  IFS='|' read -r label bin <<<"$build"
  b=$((b + 1))
  register "idle$b"
  start_agent "$bin" "idle$b"
  IDLE+=("$b|$AGENT_PID")
done
for entry in "${IDLE[@]}"; do wait_stored "idle${entry%%|*}" >/dev/null; done
sleep 5
declare -A CPU0
for entry in "${IDLE[@]}"; do CPU0[${entry%%|*}]=$(cpu_ticks "${entry#*|}"); done
log "idling for $IDLE_SECONDS s"
sleep "$IDLE_SECONDS"
: >"$WORK/idle"
for entry in "${IDLE[@]}"; do
  n=${entry%%|*} pid=${entry#*|}
  kill -0 "$pid" 2>/dev/null || { echo "the idle agent $n ended" >&2; cat "$WORK/idle$n.log" >&2; exit 1; }
  cpu1=$(cpu_ticks "$pid")
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
  threads=$(awk '/^Threads/ { print $2 }' "/proc/$pid/status")
  # PSS shares the pages of files mapped by other processes too (the .NET runtime of other dotnet processes here);
  # private dirty pages are the agent's own (heap, stacks, JIT code).
  pss=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup")
  dirty=$(awk '/^Private_Dirty:/ { print $2 }' "/proc/$pid/smaps_rollup")
  beats=$("${PSQL[@]}" -tAc "select count(*) from public.agent_heartbeats h join public.agents a on a.id = h.agent_id where a.name = 'idle$n'" 2>/dev/null || echo "?")
  echo "$n|$(( cpu1 - ${CPU0[$n]} ))|$rss|$hwm|$threads|$beats|$pss|$dirty" >>"$WORK/idle"
done
SIZES="framework-abhängig $(du -sk "$ROOT/agent/bin/Release/net10.0" | cut -f1) KB (Ordner, braucht die .NET-Laufzeit)"
for build in "${BUILDS[@]:1}"; do SIZES+=", ${build%%|*} $(du -k "${build#*|}" | cut -f1) KB"; done

REPORT="$WORK/report.md"
{
  echo "# leitstand-agent beim Kunden (bench/agent.sh)"
  echo
  echo "Commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- agent || echo ' + Änderungen'), $(date -u +'%Y-%m-%d %H:%M') UTC, $(nproc) Kerne, .NET $(dotnet --version); $RUNS Starts je Build, Leerlauf $IDLE_SECONDS s; Load Average vorher $LOAD_BEFORE, nachher $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Größe: $SIZES."
  echo
  echo "| Build | Start bis erster Heartbeat gespeichert: Median / Max | curl bis 200: Median / Max | curl bis gespeichert: Median / Max | CPU im Leerlauf ($IDLE_SECONDS s) | VmRSS / VmHWM | PSS / privat | Threads | Heartbeats | Ziele |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  b=0
  for build in "${BUILDS[@]}"; do
    IFS='|' read -r label bin <<<"$build"
    b=$((b + 1))
    stats() { # column → "median max" in ms
      awk -F'|' -v b="$b" -v c="$1" '$1 == b { print $c }' "$WORK/starts" | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2); printf "%.0f %.0f\n", m / 1000, a[NR] / 1000 }'
    }
    read -r am ax < <(stats 2); read -r cm cx < <(stats 3); read -r sm sx < <(stats 4)
    IFS='|' read -r _ dcpu rss hwm threads beats pss dirty < <(awk -F'|' -v b="$b" '$1 == b' "$WORK/idle")
    awk -v label="$label" -v am="$am" -v ax="$ax" -v cm="$cm" -v cx="$cx" -v sm="$sm" -v sx="$sx" -v dcpu="$dcpu" -v t="$ticks" \
        -v s="$IDLE_SECONDS" -v rss="$rss" -v hwm="$hwm" -v th="$threads" -v pss="$pss" -v dirty="$dirty" -v beats="$beats" -v gs="$GOAL_START_MS" -v gc="$GOAL_CPU_PERCENT" -v gr="$GOAL_RSS_MB" 'BEGIN {
      cpu = dcpu / t / s * 100; mb = rss / 1024; hmb = hwm / 1024
      printf "| %s | %d / %d ms | %d / %d ms | %d / %d ms | %.3f %% (%d ms) | %.1f / %.1f MB | %.1f / %.1f MB | %d | %s | Start < 1 s %s, CPU < 0,1 %% %s, RSS ≤ 40 MB %s |\n",
        label, am, ax, cm, cx, sm, sx, cpu, dcpu * 1000 / t, mb, hmb, pss / 1024, dirty / 1024, th, beats,
        (ax < gs ? "erreicht" : "**verfehlt**"), (cpu < gc ? "erreicht" : "**verfehlt**"), (mb <= gr ? "erreicht" : "**verfehlt**") }' 
  done
  echo
  echo "Gemessen: Start = vom Aufruf von \`leitstand-agent run --url … --key-file F --interval 60 -- sleep 3600\` bis \`agents.last_heartbeat_at\`"
  echo "des neuen Agenten (der Server schreibt ihn vor der 200); curl im selben Lauf mit demselben Body an einen eigenen Agenten."
  echo "CPU = utime + stime aus \`/proc/<pid>/stat\` (ohne das Kind, Auflösung $(( 1000 / ticks )) ms), $IDLE_SECONDS s ab 5 s nach dem ersten Heartbeat;"
  echo "Speicher am Ende der Minute (\`/proc/<pid>/status\`, PSS und privat aus \`smaps_rollup\`); Heartbeats = gespeicherte des Leerlauf-Agenten."
} >"$REPORT"

save_report agent "$REPORT"
