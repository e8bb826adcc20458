#!/bin/sh
# Removes what install.sh installed for the current user: the program, the command, the
# desktop entry, icons and file types, and IMFT Desktop as a default program.  Your
# files, settings (~/.config) and logs are left alone.
set -eu

DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
# The installed copy of this script lives in the program's folder: that is the prefix.
self_dir=$(cd "$(dirname "$0")" && pwd)
if [ -z "${IMFT_PREFIX:-}" ] && [ -x "$self_dir/imft-desktop" ] && [ -d "$self_dir/_internal" ]; then
    IMFT_PREFIX="$self_dir"
fi
PREFIX="${IMFT_PREFIX:-$HOME/.local/opt/imft-desktop}"
BIN="${IMFT_BIN:-$HOME/.local/bin}"
CONFIG="${XDG_CONFIG_HOME:-$HOME/.config}"
APP_ID=imft-desktop.desktop

if [ -L "$BIN/imft-desktop" ]; then
    rm -f "$BIN/imft-desktop"
fi
rm -f "$DATA/applications/$APP_ID" "$DATA/mime/packages/imft-desktop.xml"
for icon in "$DATA"/icons/hicolor/*/apps/imft-desktop.png "$DATA"/icons/hicolor/scalable/apps/imft-desktop.svg; do
    rm -f "$icon"
done
# Forget the default-program choices install.sh made (mimeapps.list lines naming us).
for list in "$CONFIG/mimeapps.list" "$DATA/applications/mimeapps.list"; do
    if [ -f "$list" ]; then
        sed -i -e "s/$APP_ID;//g" -e "/=$APP_ID\$/d" -e "/=\$/d" "$list"
    fi
done
if command -v update-mime-database >/dev/null 2>&1 && [ -d "$DATA/mime/packages" ]; then
    update-mime-database "$DATA/mime"
fi
if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$DATA/applications" ]; then
    update-desktop-database -q "$DATA/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$DATA/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t -f "$DATA/icons/hicolor" || true
fi
case "$PREFIX" in
    */imft-desktop) rm -rf "$PREFIX" ;;
    *) echo "uninstall.sh: not removing $PREFIX (unexpected name)" >&2 ;;
esac
echo "IMFT Desktop removed."
