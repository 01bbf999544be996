#!/usr/bin/env bash
# The whole test suite: lint, types, then pytest on SQLite (with the browser test) and on PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_TEST_URL="${IOP_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
status=0

run_pytest() {
  local label="$1"; shift
  echo "== pytest ($label)"
  "$BIN/python" -m pytest "$@"
  local rc=$?
  if [ "$rc" -eq 5 ]; then
    echo "no tests were collected for $label: failing" >&2
    return 1
  fi
  return "$rc"
}

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium for the browser tests"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi

echo "== ruff"; "$BIN/ruff" check app handlers tests bench scripts || status=1
echo "== mypy"; "$BIN/mypy" || status=1
IOP_TEST_DATABASE_URL= run_pytest "SQLite" tests || status=1
IOP_TEST_DATABASE_URL="$PG_TEST_URL" run_pytest "PostgreSQL" tests -m "not browser" || status=1
exit "$status"
