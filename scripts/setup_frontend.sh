#!/usr/bin/env bash
# Installs the browser-side packages (bpmn-js for the modeller) from npm when package.json exists.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f package.json ] && command -v npm >/dev/null 2>&1; then
  if [ ! -d node_modules ] || [ package.json -nt node_modules ]; then
    npm install --no-audit --no-fund --loglevel=error
    touch node_modules
  fi
fi
