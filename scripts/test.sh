#!/usr/bin/env bash
# The whole test suite (`make test`): lint, types, the tests on SQLite, then the database
# tests again on PostgreSQL.
#
# It sets up what it can by itself: run as root on Debian/Ubuntu, it installs Chromium (for
# the browser tests), nginx (for the reverse-proxy test of deploy/nginx) and PostgreSQL from
# Debian's packages when they are missing; unless
# QUALKIT_TEST_DB names a server, it starts a throwaway PostgreSQL server on a free port
# and stops it at the end. What it cannot set up is skipped, and the end of the run says
# in one line per missing piece which tests were skipped and how to get them.
# QUALKIT_TEST_REQUIRE_ALL=1 (set by .ci/run) turns a missing piece into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS="" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
REQUIRE="${QUALKIT_TEST_REQUIRE_ALL:-}"
CHROMIUM="${QUALKIT_CHROMIUM:-/usr/bin/chromium}"
PG_URL="${QUALKIT_TEST_DB:-}"
# The SQLite run is spread over this many processes, a test file to each at a time (so a
# file's shared fixtures are built once); the PostgreSQL run shares one database, so it
# runs in one process.
WORKERS="${QUALKIT_TEST_WORKERS:-2}"
missing=()

have_postgres() { ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; }
have_nginx() { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; }

# -- system packages (root only) ---------------------------------------------------------
want=()
if [ ! -x "$CHROMIUM" ] && [ -z "${QUALKIT_CHROMIUM:-}" ]; then want+=(chromium); fi
if [ -z "$PG_URL" ] && ! have_postgres; then want+=(postgresql); fi
if ! have_nginx; then want+=(nginx); fi
# The system libraries PyQt6 needs to run QualCoder's importer headless
# (tests/test_refiqda_qualcoder.py).
if ! QT_QPA_PLATFORM=offscreen "$BIN/python" -c "from PyQt6 import QtWidgets" 2>/dev/null; then
  want+=(libegl1 libgl1 libfontconfig1 libxkbcommon0 libglib2.0-0 libdbus-1-3)
fi
if [ ${#want[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing ${want[*]} from Debian's packages"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq "${want[@]}" >/dev/null; }; then
      echo "(could not install ${want[*]})"
    fi
  fi
fi

# -- a throwaway PostgreSQL server --------------------------------------------------------
PGDATA_OWN=""
stop_postgres() {
  if [ -n "$PGDATA_OWN" ] && [ -f "$PGDATA_OWN/postmaster.pid" ]; then
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    if [ "$(id -u)" = 0 ]; then
      su postgres -s /bin/bash -c "$PGBIN/pg_ctl -D $PGDATA_OWN stop -m fast" >/dev/null || true
    else
      "$PGBIN/pg_ctl" -D "$PGDATA_OWN" stop -m fast >/dev/null || true
    fi
  fi
  [ -n "$PGDATA_OWN" ] && rm -rf "$PGDATA_OWN"
  return 0
}
if [ -z "$PG_URL" ] && have_postgres; then
  PGPORT=$("$BIN/python" -c "from qualkit.ui.server import free_port; print(free_port())")
  PGDATA_OWN="/tmp/qualkit-test-pg-$PGPORT"
  trap stop_postgres EXIT
  echo "== starting a throwaway PostgreSQL server on port $PGPORT"
  if ! PG_URL="$(PGPORT=$PGPORT PGDATA=$PGDATA_OWN bash scripts/start_postgres.sh)"; then
    echo "(could not start PostgreSQL; see $PGDATA_OWN/server.log)"
    PG_URL=""
  fi
fi

if [ ! -x "$CHROMIUM" ]; then
  missing+=("Chromium not found at $CHROMIUM: the browser tests (tests/test_browser_*.py) were skipped; to run them: \`make test\` as root, or \`sudo apt-get install chromium\`, or QUALKIT_CHROMIUM=/path/to/chromium")
fi
if ! have_nginx; then
  missing+=("nginx not found: the reverse-proxy test (tests/test_hosting_proxy.py) was skipped; to run it: \`make test\` as root, or \`sudo apt-get install nginx\`")
fi
if [ -z "$PG_URL" ]; then
  missing+=("PostgreSQL not available: the database tests (pytest -m db) ran on SQLite only; to run them on PostgreSQL too: \`make test\` as root, or \`sudo apt-get install postgresql\`, or QUALKIT_TEST_DB=postgresql+psycopg://USER@HOST/DB")
fi
if [ -n "$REQUIRE" ] && [ ${#missing[@]} -gt 0 ]; then
  printf '%s\n' "${missing[@]}" >&2
  echo "QUALKIT_TEST_REQUIRE_ALL is set: every piece is required" >&2
  exit 1
fi

# -- the suite -----------------------------------------------------------------------------
echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check .
echo "== mypy"
$BIN/mypy
echo "== tests on SQLite ($WORKERS workers)"
QUALKIT_TEST_DB= $BIN/pytest -q -p no:cacheprovider --durations=15 -n "$WORKERS" --dist loadfile "$@"
if [ -n "$PG_URL" ]; then
  echo "== database tests on PostgreSQL"
  QUALKIT_TEST_DB="$PG_URL" $BIN/pytest -q -p no:cacheprovider -m db "$@"
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "== skipped"
  printf '%s\n' "${missing[@]}"
fi
