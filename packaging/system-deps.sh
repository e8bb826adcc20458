#!/usr/bin/env bash
# Installs the few system libraries the Qt wheels need on Debian/Ubuntu (offscreen and
# X11), plus fonts (without them Qt draws every label as empty boxes, silently).
# Does nothing when everything is present; uses sudo when not run as root.
set -euo pipefail

PKGS=(python3 python3-venv ca-certificates
      libglib2.0-0 libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libxkbcommon0
      fonts-dejavu-core
      libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
      libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1 libxcb-randr0)
# Only for trying the real window and the PDF pages as a person would (see README).
EXTRA=(${IMFT_EXTRA_PKGS:-})

if ! command -v dpkg >/dev/null 2>&1; then
    echo "system-deps: not a Debian-like system; install Qt's runtime libraries and a font yourself." >&2
    exit 0
fi

missing=()
for p in "${PKGS[@]}" "${EXTRA[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
