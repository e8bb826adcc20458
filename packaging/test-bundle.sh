#!/usr/bin/env bash
# Builds the Linux double-click app in a temporary folder and tries it as a user would,
# headless: the bundle starts and renders every tab (--screenshot), every library's
# metadata and licence notices are in it, the tarball installs for a throwaway user
# (HOME inside the temporary folder), its desktop entry is valid, .imftproj/.maf/.xlsx
# resolve to it, and uninstall.sh removes it again.  Removes the folder at the end.
# Run by .ci/run after the test suite.
# Usage: bash packaging/test-bundle.sh [--keep] [--reuse DIST]
#   --keep          leave the temporary folder (bundle, tarball, screenshots) in place
#   --reuse DIST    test the bundle and tarball already built in DIST instead of building
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
keep=no
reuse=""
while [ $# -gt 0 ]; do
    case "$1" in
        --keep) keep=yes; shift ;;
        --reuse) reuse="$(realpath "$2")"; shift 2 ;;
        *) echo "usage: $0 [--keep] [--reuse DIST]" >&2; exit 2 ;;
    esac
done
tmp="$(mktemp -d "${TMPDIR:-/tmp}/imft-bundle.XXXXXX")"
cleanup() { if [ "$keep" = yes ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT
fail() { echo "test-bundle: FAIL: $*" >&2; exit 1; }

echo "== build"
t0=$(date +%s)
if [ -n "$reuse" ]; then
    ln -s "$reuse" "$tmp/dist"
else
    bash "$here/build-linux.sh" --dist "$tmp/dist" --work "$tmp/build"
fi
t1=$(date +%s)
rm -rf "$tmp/build"
bundle="$tmp/dist/imft-desktop"
size_mb=$(du -sm "$bundle" | cut -f1)
echo "build $((t1 - t0)) s, bundle $size_mb MB"
# Under 300 MB (277 MB after stripping every shared library outside the wheels' .libs
# folders, linking the twice-vendored gfortran runtime and leaving OpenSSL out; see
# PACKAGING.md).  Past 290 MB it says so: the margin is going.
max_mb="${IMFT_BUNDLE_MAX_MB:-300}"
[ "$size_mb" -lt "$max_mb" ] || fail "bundle is $size_mb MB (limit $max_mb MB)"
[ "$size_mb" -lt 290 ] || echo "test-bundle: NOTE: bundle is $size_mb MB, close to the $max_mb MB limit"

echo "== metadata and licences in the bundle"
VENV="${IMFT_VENV:-$root/.venv}"
case "$VENV" in /*) ;; *) VENV="$root/$VENV" ;; esac
QT_QPA_PLATFORM=offscreen "$VENV/bin/python" - "$bundle" <<'PY'
import sys
from pathlib import Path
from imft_desktop.qt.licenses import runtime_distributions
internal = Path(sys.argv[1]) / "_internal"
have = {p.name.split("-")[0].split(".")[0].lower().replace("_", "-")
        for p in [*internal.glob("*.dist-info"), *internal.glob("*.egg-info")]}
need = {d.metadata["Name"].lower().replace("_", "-") for d in runtime_distributions()}
missing = sorted(need - have)
assert not missing, f"no metadata in the bundle for {missing}"
notices = (Path(sys.argv[1]) / "THIRD-PARTY-NOTICES.txt").read_text("utf-8")
assert "GNU LESSER GENERAL PUBLIC LICENSE" in notices
for name in need:
    assert name.lower() in notices.lower().replace("_", "-"), name
assert not list(internal.rglob("translations/*.qm")), "Qt translations were bundled"
assert not list(internal.rglob("QtNetwork*")), "QtNetwork was bundled"
print(f"{len(need)} distributions with metadata and notices")
PY

echo "== every stripped library still loads (strip must not misalign a load segment)"
python3 "$here/elf_check.py" "$bundle/_internal" || fail "damaged libraries in the bundle"

echo "== start and render every tab (offscreen)"
t0=$(date +%s%N)
QT_QPA_PLATFORM=offscreen timeout 300 "$bundle/imft-desktop" --screenshot "$tmp/shots" \
    || fail "the bundle exited with $? while taking screenshots"
t1=$(date +%s%N)
n=$(find "$tmp/shots" -name '*.png' | wc -l)
[ "$n" -ge 5 ] || fail "only $n screenshots"
echo "$n screenshots in $(( (t1 - t0) / 1000000 )) ms"

echo "== install for a throwaway user, then uninstall"
home="$tmp/home"
mkdir -p "$home" "$tmp/unpack"
tar -C "$tmp/unpack" -xzf "$tmp"/dist/imft-desktop-*-linux-*.tar.gz
pkg="$(echo "$tmp"/unpack/imft-desktop-*)"
export HOME="$home"
unset XDG_DATA_HOME XDG_CONFIG_HOME
"$pkg/install.sh" >/dev/null
apps="$home/.local/share/applications"
test -x "$home/.local/opt/imft-desktop/imft-desktop" || fail "program not installed"
test -f "$apps/imft-desktop.desktop" || fail "desktop entry not installed"
test -f "$home/.local/share/icons/hicolor/256x256/apps/imft-desktop.png" || fail "icon not installed"
grep -q "^Exec=$home/.local/opt/imft-desktop/imft-desktop %f$" "$apps/imft-desktop.desktop" \
    || fail "Exec line: $(grep ^Exec "$apps/imft-desktop.desktop")"
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$apps/imft-desktop.desktop" || fail "desktop entry invalid"
fi
if command -v update-mime-database >/dev/null; then
    grep -q "application/x-imft-project" "$home/.local/share/mime/globs2" || fail "MIME type not registered"
fi
if command -v gio >/dev/null && command -v update-mime-database >/dev/null; then
    printf 'SQLite format 3\000' > "$tmp/cohort.imftproj"
    printf 'Hugo_Symbol\tChromosome\tTumor_Sample_Barcode\n' > "$tmp/calls.maf"
    cp "$root/imft_desktop/data/demo_cohort_synthetic.xlsx" "$tmp/cohort.xlsx"
    for f in cohort.imftproj calls.maf cohort.xlsx; do
        type=$(gio info -a standard::content-type "$tmp/$f" | sed -n 's/.*standard::content-type: //p')
        default=$(gio mime "$type" 2>/dev/null | sed -n 1p || true)
        echo "  $f: $type -> $default"
        case "$default" in *imft-desktop.desktop*) ;; *) fail "$f does not open in IMFT Desktop" ;; esac
    done
fi
"$home/.local/opt/imft-desktop/uninstall.sh" >/dev/null
left=$(find "$home" -name 'imft-desktop*' | grep -v '/.cache/' || true)
[ -z "$left" ] || fail "left after uninstall: $left"
echo "test-bundle: OK"
