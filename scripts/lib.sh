# Shared checks of the start and test scripts. Sourced, not run.
# Each check either finds what it needs, installs it (npm packages; Debian packages when root),
# or says exactly what to install.

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
export PG_BIN
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() { echo "Fehler: $*" >&2; exit 1; }

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || fail "Das .NET 10 SDK fehlt. Installiere es (z. B. apt-get install dotnet-sdk-10.0) und starte erneut."
  dotnet --list-sdks | grep -q '^10\.' || fail "Es wird das .NET 10 SDK gebraucht; gefunden: $(dotnet --list-sdks | tr '\n' ' ')"
}

require_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
    || fail "Node.js 20 und npm fehlen (für Azurite). Installiere sie: apt-get install nodejs npm"
}

require_postgres() {
  [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] \
    || fail "Die PostgreSQL-15-Programme fehlen in $PG_BIN. Installiere sie: apt-get install postgresql-15 (oder setze PG_BIN auf den Ordner mit initdb und pg_ctl)."
}

# Azurite and friends from package-lock.json, only when missing or when the lock file changed.
ensure_npm_packages() {
  if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "Installiere npm-Pakete (Azurite, Vite) …"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# The status center (web/status → web/status/dist, served at /status/): a Vite build, offline once npm ci ran.
build_status_center() {
  echo "Baue das Status-Center …"
  npm run --silent build:status -- --logLevel warn || fail "Der Build des Status-Centers (npm run build:status) ist fehlgeschlagen."
}

# Debian packages; installed when running as root, otherwise named.
ensure_debian_packages() {
  local missing=()
  local entry
  for entry in "$@"; do
    local package="${entry%%:*}" probe="${entry#*:}"
    [ -e "$probe" ] || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    fail "Es fehlen Debian-Pakete. Installiere sie: sudo apt-get install ${missing[*]}"
  fi
  echo "Installiere Debian-Pakete: ${missing[*]} …"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
