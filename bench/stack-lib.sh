# Sourced by the benchmarks that measure with psql, pgbench or the local host (bench/tasks.sh, bench/kpi.sh, …):
# stack_up starts bench/stack.sh (host/Stack) in the background and waits until its environment file is written;
# host_up starts the local host (Release) against it, team_token signs a team member in, stack_down ends both.

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# Stops the script unless every command named is installed (Debian's package of the same name).
require_commands() {   # command names
  local c
  for c in "$@"; do command -v "$c" >/dev/null || { echo "$c is missing: apt-get install $c" >&2; exit 1; }; done
}

# A fresh work directory in WORK (/tmp/leitstand-<name>.XXXXXX) and the EXIT trap that removes it with the host and the
# stack (stack_down); a script with more to stop sets its own trap and calls stack_down from it.
bench_work() {   # the benchmark's name
  WORK="$(mktemp -d "/tmp/leitstand-$1.XXXXXX")"
  HOST_PID="" STACK_PID=""
  trap 'stack_down "$WORK"' EXIT
}

build_host() { dotnet build host/Leitstand.LocalHost.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null; }

# Sets STACK_PID, exports PGHOST, PGPORT, … from the file, and PSQL (psql without .psqlrc, stopping on errors).
stack_up() {   # work directory, then options of bench/stack.sh (e.g. --no-azurite)
  local work=$1; shift
  bash bench/stack.sh --env-file "$work/stack.env" --parent $$ "$@" >"$work/stack.log" 2>&1 &
  STACK_PID=$!
  until [ -f "$work/stack.env" ]; do
    kill -0 "$STACK_PID" 2>/dev/null || { cat "$work/stack.log" >&2; return 1; }
    sleep 0.2
  done
  set -a; source "$work/stack.env"; set +a
  PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1)
  log "stack up: PostgreSQL on 127.0.0.1:$PGPORT ($PG_MIGRATIONS migrations)"
}

# The KPI benchmark's data (bench/kpi/seed.sql): $WEEKS weeks × $PER_WEEK leads with history, touchpoints and deals up
# to now (END, UTC); LOAD_START is when the load began (date +%s).
load_kpi_data() {   # work directory (seed.log)
  END="$(date -u +'%Y-%m-%d %H:%M:%S+00')"
  log "loading $WEEKS weeks × $PER_WEEK leads up to $END (bench/kpi/seed.sql)"
  LOAD_START=$(date +%s)
  "${PSQL[@]}" -v weeks="$WEEKS" -v per_week="$PER_WEEK" -v end="$END" -f bench/kpi/seed.sql >"$1/seed.log"
}

# Keeps a report as bench/results/<name>-<UTC time>.md and <name>-latest.md (git ignores bench/results/) and prints it.
save_report() {   # the benchmark's name, the report file
  local out
  out="bench/results/$1-$(date -u +%Y%m%dT%H%M%SZ).md"
  mkdir -p bench/results
  cp "$2" "$out"
  cp "$2" "bench/results/$1-latest.md"
  cat "$2"
  log "written to $out"
}

# For the EXIT trap: stops the local host (if started) and the stack, waits for them and removes the work directory.
stack_down() {   # work directory
  if [ -n "${HOST_PID:-}" ]; then kill "$HOST_PID" 2>/dev/null || true; wait "$HOST_PID" 2>/dev/null || true; fi
  if [ -n "${STACK_PID:-}" ]; then kill "$STACK_PID" 2>/dev/null || true; wait "$STACK_PID" 2>/dev/null || true; fi
  rm -rf "$1"
}

free_port() {   # a port nobody listens on (as bench/run.sh)
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 12000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

# Fills TIMERS_OFF with AzureWebJobs.<name>.Disabled=true for each timer named, as Azure switches a function off (for
# host_up): a benchmark measures its endpoint, not a job that writes to the same tables or takes a core.
timers_off() {   # function names
  TIMERS_OFF=()
  local timer
  for timer in "$@"; do TIMERS_OFF+=("AzureWebJobs.$timer.Disabled=true"); done
}

# Starts the local host (host/, built in Release beforehand) in the background on a free port of 127.0.0.1, against the
# stack's database as the functions' role and its Azurite; logs to <work>/host.log. --dev-sign-in serves the local
# development sign-in (for team_token); NAME=value arguments are further settings (e.g. "${TIMERS_OFF[@]}").
# Sets HTTP_PORT and HOST_PID; the host is ready when it answers (team_token, or the script's own first request).
host_up() {   # work directory, then [--dev-sign-in] [NAME=value …]
  local work=$1 sign_in=()
  shift
  if [ "${1:-}" = --dev-sign-in ]; then sign_in=(--dev-sign-in-db "$ADMIN_CONNECTION_STRING"); shift; fi
  HTTP_PORT=$(free_port)
  log "local host (Release) on 127.0.0.1:$HTTP_PORT"
  env Database__ConnectionString="Host=127.0.0.1;Port=$PGPORT;Database=postgres;Username=leitstand_functions;Maximum Pool Size=8;Max Auto Prepare=20" \
    AzureWebJobsStorage="$STORAGE_CONNECTION_STRING" Logging__LogLevel__Default=Warning "$@" \
    dotnet host/bin/Release/net10.0/Leitstand.LocalHost.dll --port "$HTTP_PORT" "${sign_in[@]}" >"$work/host.log" 2>&1 &
  HOST_PID=$!
}

# Stops the script when the host has ended or when <what> did not happen: the reason and the host's last log lines.
host_failed() {   # work directory, what did not happen (empty: the host ended)
  [ -n "${2:-}" ] && echo "$2" >&2
  tail -20 "$1/host.log" >&2
  exit 1
}

# A team member's access token from the host's development sign-in (host_up --dev-sign-in), verified by the same code as
# in Azure; waits up to a minute for the host to come up. Sets TOKEN, AUTH (curl's header) and USER_ID (bench@example.de).
team_token() {   # work directory
  local work=$1
  TOKEN=""
  for _ in $(seq 1 300); do
    kill -0 "$HOST_PID" 2>/dev/null || host_failed "$work"
    TOKEN=$(curl -s -X POST "http://127.0.0.1:$HTTP_PORT/admin/dev-sign-in" -H 'Content-Type: application/json' \
      -d '{"email":"bench@example.de"}' 2>/dev/null | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' || true)
    [ -n "$TOKEN" ] && break
    sleep 0.2
  done
  [ -n "$TOKEN" ] || host_failed "$work" "no token from the development sign-in"
  AUTH=(-H "Authorization: Bearer $TOKEN")
  USER_ID=$("${PSQL[@]}" -tAc "select id from auth.users where email = 'bench@example.de'")
}

# GETs <url> with the team token (team_token) until it answers 200, the body in <file>; stops the script after 30 s.
get_until_ok() {   # work directory, file, url
  local work=$1 file=$2 url=$3 code=000
  for _ in $(seq 1 150); do
    kill -0 "$HOST_PID" 2>/dev/null || host_failed "$work"
    code=$(curl -s "${AUTH[@]}" -o "$file" -w '%{http_code}' "$url" || true)
    [ "$code" = "200" ] && return 0
    sleep 0.2
  done
  host_failed "$work" "GET $url answered $code"
}
