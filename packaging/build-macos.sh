#!/usr/bin/env bash
# Builds the macOS double-click app: dist/IMFT Desktop.app (with the .icns icon and the
# file types it opens) and dist/imft-desktop-VERSION-macos-ARCH.zip.  Run on a Mac with
# Python 3.11+ (python.org or Homebrew); PyInstaller builds for the machine's own
# architecture.  The app is not signed: the first start needs right-click > Open, or
# sign and notarise it with your Developer ID (codesign, notarytool).
# Usage: bash packaging/build-macos.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
bash "$here/setup-venv.sh"
VENV="${IMFT_VENV:-.venv}"
PY="$VENV/bin/python"
"$PY" -m pip install -q "pyinstaller>=6.5,<7"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN packaging/imft_desktop.spec
version="$("$PY" -c 'import imft_desktop; print(imft_desktop.__version__)')"
zip="dist/imft-desktop-$version-macos-$(uname -m).zip"
ditto -c -k --keepParent "dist/IMFT Desktop.app" "$zip"
echo "Built: dist/IMFT Desktop.app ($(du -sh "dist/IMFT Desktop.app" | cut -f1)) and $zip"
echo "Install: unzip, drag IMFT Desktop.app to Applications."
