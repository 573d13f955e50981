#!/usr/bin/env bash
# The whole test suite: lint, types, tests on SQLite, then the database tests again on
# PostgreSQL when QUALKIT_TEST_DB names a server.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS="" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check .
echo "== mypy"
$BIN/mypy
echo "== tests on SQLite"
PG_URL="${QUALKIT_TEST_DB:-}"
QUALKIT_TEST_DB= $BIN/pytest -q -p no:cacheprovider "$@"
if [ -n "$PG_URL" ]; then
  echo "== database tests on PostgreSQL"
  QUALKIT_TEST_DB="$PG_URL" $BIN/pytest -q -p no:cacheprovider -m db "$@"
else
  echo "(QUALKIT_TEST_DB not set: PostgreSQL tests skipped; .ci/run sets it)"
fi
