#!/usr/bin/env bash
# Sets up everything on a fresh machine and runs the whole test suite:
# ruff, mypy on the lower layers, import-linter's layer contracts, then pytest
# (GUI tests run offscreen).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/system-deps.sh"
bash "$here/setup-venv.sh" --test
cd "$here/.."
VENV="${IMFT_VENV:-.venv}"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" LANG="${LANG:-C.UTF-8}"
export MPLBACKEND=Agg

echo "== ruff"
"$VENV/bin/ruff" check .
echo "== mypy (model, io, analysis, reports)"
"$VENV/bin/mypy"
echo "== import-linter (layers)"
"$VENV/bin/lint-imports"
echo "== pytest"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
if [ "$#" -eq 0 ]; then
    echo "== pytest: hostile-input and fault suite (under 3 minutes)"
    "$VENV/bin/python" -m pytest -q -p no:cacheprovider -m fuzz tests/fuzz
fi
