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
echo "== mypy (every package: model, io, analysis, reports, plotting, cli, qt)"
"$VENV/bin/mypy"
echo "== import-linter (layers)"
"$VENV/bin/lint-imports"
if [ "$#" -eq 0 ] && [ -n "${CI:-}${IMFT_TEST_BUNDLE:-}" ]; then
    # The double-click app as a user gets it (CI, or IMFT_TEST_BUNDLE=1): build the Linux
    # bundle and tarball in a temporary folder (removed afterwards), start it headless
    # with --screenshot, install it for a throwaway user, check the desktop entry and
    # file types, uninstall.  About 3 minutes on 2 cores.
    echo "== double-click bundle"
    IMFT_EXTRA_PKGS="desktop-file-utils shared-mime-info libglib2.0-bin xdg-utils" \
        bash "$here/test-bundle.sh"
fi
echo "== pytest"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
if [ "$#" -eq 0 ]; then
    echo "== pytest: hostile-input and fault suite (under 3 minutes)"
    "$VENV/bin/python" -m pytest -q -p no:cacheprovider -m fuzz tests/fuzz
fi
