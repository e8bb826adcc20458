#!/usr/bin/env bash
# Creates (or refreshes) the project's virtual environment and installs the app into it.
# Usage: packaging/setup-venv.sh [--test]   (--test also installs the test tools)
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${IMFT_VENV:-.venv}"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
fi
extra=""
if [ "${1:-}" = "--test" ]; then
    extra="[test]"
fi
# Re-install only when pyproject.toml changed since the last install.
stamp="$VENV/.imft-installed$extra"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install -q -e ".$extra"
    touch "$stamp"
fi
