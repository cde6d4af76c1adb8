#!/usr/bin/env bash
# Alert delivery benchmark (issue #8): builds bench/Alerts in Release and runs it. Options are passed on,
# e.g. bash bench/alerts.sh --rate 20 --rate-seconds 30 --burst 1400. About 2 minutes on 2 cores.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund
dotnet build bench/Alerts/Leitstand.Bench.Alerts.csproj -c Release -nologo -v q
exec dotnet bench/Alerts/bin/Release/net10.0/Leitstand.Bench.Alerts.dll "$@"
