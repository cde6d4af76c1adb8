# Sourced by the benchmarks that measure with psql, pgbench or the local host (bench/tasks.sh, bench/kpi.sh):
# starts bench/stack.sh (host/Stack) in the background and waits until its environment file is written.
# Sets STACK_PID, exports PGHOST, PGPORT, … from the file, and PSQL (psql without .psqlrc, stopping on errors).

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

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
