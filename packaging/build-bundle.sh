#!/usr/bin/env bash
# Builds the double-click bundle for this OS into dist/ (not committed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/setup-venv.sh"
cd "$here/.."
VENV="${IMFT_VENV:-.venv}"
"$VENV/bin/python" -m pip install -q "pyinstaller>=6.5"
"$VENV/bin/pyinstaller" --noconfirm --clean packaging/imft_desktop.spec
echo "Built: dist/IMFT Desktop/"
