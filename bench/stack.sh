#!/usr/bin/env bash
# The benchmarks' throwaway stack (bench/Stack): PostgreSQL 15 with the migrations and an in-memory Azurite, both on
# 127.0.0.1 and free ports, started with host/Stack. Builds bench/Stack in Release (quietly, to stderr) and runs it
# in place of this shell, so a "bash bench/stack.sh … &" has the program's PID in $!. When everything is up, it
# prints NAME='value' lines (PGHOST, PGPORT, PGUSER, connection strings, Azurite ports) and stays up until SIGTERM.
#
#   bash bench/stack.sh --env-file "$WORK/stack.env" --parent $$ &    # from a script; see bench/README.md
#   bash bench/stack.sh                                               # by hand; Ctrl-C stops and removes it
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/lib.sh
require_dotnet
require_postgres
case " $* " in *" --no-azurite "*) ;; *) require_node; ensure_npm_packages >&2 ;; esac
dotnet build bench/Stack/Leitstand.Bench.Stack.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >&2
exec dotnet bench/Stack/bin/Release/net10.0/Leitstand.Bench.Stack.dll "$@"
