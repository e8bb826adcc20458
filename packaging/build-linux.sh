#!/usr/bin/env bash
# Builds the Linux double-click app:
#   dist/imft-desktop/                                  the one-folder bundle (windowed)
#   dist/imft-desktop-VERSION-linux-ARCH.tar.gz         the bundle with install.sh,
#                                                       uninstall.sh, desktop entry, icons
#                                                       and file types, for users
# Usage: bash packaging/build-linux.sh [--dist DIR] [--work DIR]
#   (defaults dist/ and build/ in the repository; neither is committed)
# The environment is IMFT_VENV (default .venv, set up by setup-venv.sh) plus PyInstaller.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
DIST="$root/dist"
WORK="$root/build"
while [ $# -gt 0 ]; do
    case "$1" in
        --dist) DIST="$(realpath -m "$2")"; shift 2 ;;
        --work) WORK="$(realpath -m "$2")"; shift 2 ;;
        *) echo "usage: $0 [--dist DIR] [--work DIR]" >&2; exit 2 ;;
    esac
done

# PyInstaller reads and strips ELF files with binutils (objdump, strip), and bundles the
# shared libpython, which Debian's python3 keeps in its own package: neither is in a bare
# Debian image.
extra="binutils"
py_version="$("${PYTHON:-python3}" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if command -v dpkg >/dev/null 2>&1 && dpkg -S "$(command -v "${PYTHON:-python3}")" >/dev/null 2>&1; then
    extra="$extra libpython$py_version"
fi
IMFT_EXTRA_PKGS="${IMFT_EXTRA_PKGS:-} $extra" bash "$here/system-deps.sh"
bash "$here/setup-venv.sh"
cd "$root"
VENV="${IMFT_VENV:-.venv}"
PY="$VENV/bin/python"
"$PY" -m pip install -q "pyinstaller>=6.5,<7"

start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --workpath "$WORK" --distpath "$DIST" packaging/imft_desktop.spec
bundle="$DIST/imft-desktop"
test -x "$bundle/imft-desktop"

# The tarball: the bundle beside what install.sh puts into ~/.local/share.
version="$("$PY" -c 'import imft_desktop; print(imft_desktop.__version__)')"
name="imft-desktop-$version-linux-$(uname -m)"
stage="$WORK/stage/$name"
rm -rf "$WORK/stage"
mkdir -p "$stage/share/applications" "$stage/share/mime/packages" "$stage/share/icons"
cp -al "$bundle" "$stage/imft-desktop" 2>/dev/null || cp -a "$bundle" "$stage/imft-desktop"
cp packaging/linux/install.sh packaging/linux/uninstall.sh "$stage/"
cp packaging/linux/README.txt "$stage/README.txt"
cp packaging/linux/imft-desktop.desktop "$stage/share/applications/"
cp packaging/linux/imft-desktop-mime.xml "$stage/share/mime/packages/imft-desktop.xml"
cp -R "$WORK/imft_desktop/icons/hicolor" "$stage/share/icons/"
tar -C "$WORK/stage" -czf "$DIST/$name.tar.gz" "$name"
rm -rf "$WORK/stage"
end=$(date +%s)

echo "Built in $((end - start)) s:"
echo "  $bundle/  ($(du -sh "$bundle" | cut -f1))"
echo "  $DIST/$name.tar.gz  ($(du -sh "$DIST/$name.tar.gz" | cut -f1))"
echo "Install for this user: tar xzf $name.tar.gz && $name/install.sh"
