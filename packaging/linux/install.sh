#!/bin/sh
# Installs IMFT Desktop for the current user, without root: the program goes to
# ~/.local/opt/imft-desktop, a command to ~/.local/bin/imft-desktop, and the desktop entry,
# icons and file types to ~/.local/share, so that the app starts from the applications
# menu and opens .imftproj, .maf, .xlsx, .csv ... files by double-click.
#
#   ./install.sh              install (again: replaces the previous version)
#   ./install.sh --default    also make it the default program for .xlsx/.xls/.ods/.csv/.tsv
#                             (without it, only when no other program is the default)
#
# Remove it with ~/.local/opt/imft-desktop/uninstall.sh (or ./uninstall.sh).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
PREFIX="${IMFT_PREFIX:-$HOME/.local/opt/imft-desktop}"
BIN="${IMFT_BIN:-$HOME/.local/bin}"
APP_ID=imft-desktop.desktop
OWN_TYPES="application/x-imft-project text/x-maf"
SHARED_TYPES="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
application/vnd.ms-excel.sheet.macroEnabled.12 application/vnd.ms-excel
application/vnd.oasis.opendocument.spreadsheet text/csv text/tab-separated-values"

make_default=no
case "${1:-}" in
    --default) make_default=yes ;;
    "") ;;
    *) echo "usage: $0 [--default]" >&2; exit 2 ;;
esac

if [ ! -x "$here/imft-desktop/imft-desktop" ]; then
    echo "install.sh: $here/imft-desktop/imft-desktop is missing; run me from the unpacked folder." >&2
    exit 1
fi

echo "Installing IMFT Desktop into $PREFIX"
mkdir -p "$(dirname "$PREFIX")"
rm -rf "$PREFIX.new"
cp -R "$here/imft-desktop" "$PREFIX.new"
cp "$here/uninstall.sh" "$PREFIX.new/uninstall.sh"
rm -rf "$PREFIX"
mv "$PREFIX.new" "$PREFIX"

mkdir -p "$BIN" "$DATA/applications" "$DATA/mime/packages" "$DATA/icons/hicolor"
ln -sf "$PREFIX/imft-desktop" "$BIN/imft-desktop"

# The desktop entry, with the program's absolute path (it need not be on PATH), quoted
# only when the path needs it (xdg-open's generic mode cannot read a quoted program).
program="$PREFIX/imft-desktop"
case "$program" in
    *[[:space:]\"\'\\\>\<~\|\&\;\$\*\?\#\(\)\`]*) exec_program="\"$program\"" ;;
    *) exec_program="$program" ;;
esac
sed -e "s|^TryExec=.*|TryExec=$program|" \
    -e "s|^Exec=imft-desktop|Exec=$exec_program|" \
    "$here/share/applications/$APP_ID" > "$DATA/applications/$APP_ID"
cp "$here/share/mime/packages/imft-desktop.xml" "$DATA/mime/packages/imft-desktop.xml"
cp -R "$here/share/icons/hicolor/." "$DATA/icons/hicolor/"

# Databases the desktop reads (each tool is optional: a missing one is skipped).
if command -v update-mime-database >/dev/null 2>&1; then
    update-mime-database "$DATA/mime"
fi
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$DATA/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$DATA/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t -f "$DATA/icons/hicolor" || true
fi

# Double-click: IMFT Desktop's own types always open in it; spreadsheets and tables only
# when nothing else is their default (or with --default).
if command -v xdg-mime >/dev/null 2>&1; then
    for t in $OWN_TYPES; do
        xdg-mime default "$APP_ID" "$t"
    done
    for t in $SHARED_TYPES; do
        current=$(xdg-mime query default "$t" 2>/dev/null || true)
        if [ "$make_default" = yes ] || [ -z "$current" ] || [ "$current" = "$APP_ID" ]; then
            xdg-mime default "$APP_ID" "$t"
        fi
    done
fi

echo "Done. Start IMFT Desktop from the applications menu, double-click a file, or run"
echo "  $BIN/imft-desktop [FILE]"
echo "Uninstall with: $PREFIX/uninstall.sh"
