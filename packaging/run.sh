#!/usr/bin/env bash
# Sets up everything on a fresh machine and starts IMFT Desktop.
# Usage: bash packaging/run.sh [FILE]   (no FILE: the bundled synthetic demo cohort)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/system-deps.sh"
bash "$here/setup-venv.sh"
cd "$here/.."
exec "${IMFT_VENV:-.venv}/bin/imft-desktop" "$@"
