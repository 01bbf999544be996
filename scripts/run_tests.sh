#!/usr/bin/env bash
# The whole test suite: lint, types, the import layers, then pytest on SQLite (with the browser tests) and on PostgreSQL.
# The two database runs go side by side (each in its own PostgreSQL schema or SQLite file, so they
# share nothing); each writes to its own log, printed whole when both are done.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# Cache bytecode even where the environment says not to: each pytest process and each subprocess a test starts
# (iop serve, the expression sandbox) would compile the whole app again.
export PYTHONDONTWRITEBYTECODE=
PG_TEST_URL="${IOP_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
LOGS="$(mktemp -d)"
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
echo "== import-linter (the layers, docs/architecture.md)"; "$BIN/lint-imports" --no-cache || status=1

start=$(date +%s)
(IOP_TEST_DATABASE_URL= run_pytest "SQLite" tests > "$LOGS/sqlite.log" 2>&1; echo $? > "$LOGS/sqlite.rc") &
(IOP_TEST_DATABASE_URL="$PG_TEST_URL" run_pytest "PostgreSQL" tests -m "not browser" \
  > "$LOGS/postgresql.log" 2>&1; echo $? > "$LOGS/postgresql.rc") &
wait
for label in sqlite postgresql; do
  cat "$LOGS/$label.log"
  rc="$(cat "$LOGS/$label.rc" 2>/dev/null || echo 1)"
  echo "== pytest $label exit code $rc"
  [ "$rc" -eq 0 ] || status=1
done
echo "== both database runs took $(( $(date +%s) - start )) s"
rm -rf "$LOGS"
exit "$status"
