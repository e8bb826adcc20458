"""Write THIRD-PARTY-NOTICES.txt into a built bundle (called by imft_desktop.spec).

Usage: python packaging/write_notices.py BUNDLE_DIR

The text is what Help > About > Licences shows (imft_desktop.qt.licenses: Python, Qt and
PySide6 with the LGPL, every Python library with its licence files), followed by
PyInstaller's bootloader licence and, on Debian-like systems, the copyright file of the
Debian package of every other shared library copied from the build machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from imft_desktop.qt.licenses import license_texts, notices_text

RULE = "=" * 78


def pyinstaller_section() -> list[str]:
    try:
        dist = metadata.distribution("pyinstaller")
    except metadata.PackageNotFoundError:
        return []
    lines = ["", RULE,
             f"PyInstaller {dist.version} bootloader (the program's launcher): "
             "GPL-2.0-or-later with the bootloader exception", RULE]
    for title, text in license_texts(dist):
        lines += ["", f"--- {title} ---", "", text.rstrip()]
    return lines


def system_library_sections(internal: Path) -> list[str]:
    """Copyright files of the Debian packages that own the bundled system libraries."""
    libs = sorted(
        p.name for p in internal.glob("*.so*")
        if p.is_file() and not p.is_symlink() and not p.name.startswith("libpython")
    )
    if not libs or not Path("/usr/bin/dpkg").exists():
        return []
    owners: dict[str, list[str]] = {}
    out = subprocess.run(["dpkg", "-S", *(f"*/{lib}" for lib in libs)],
                         capture_output=True, text=True)
    found: dict[str, str] = {}
    for line in out.stdout.splitlines():  # "libfoo1:amd64: /usr/lib/.../libfoo.so.1"
        package, _, path = line.partition(": ")
        found.setdefault(Path(path.strip()).name, package.split(",")[0].split(":")[0])
    for lib in libs:
        owners.setdefault(found.get(lib, "(not from a Debian package)"), []).append(lib)
    lines = ["", RULE, "Shared libraries copied from the build system", RULE, ""]
    lines += [f"  {package}: {', '.join(names)}" for package, names in sorted(owners.items())]
    for package in sorted(owners):
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        if not copyright_file.is_file():
            continue
        lines += ["", RULE, f"{package} (Debian package): {', '.join(owners[package])}", RULE,
                  "", copyright_file.read_text("utf-8", errors="replace").rstrip()]
    return lines


def main(argv: list[str]) -> int:
    bundle = Path(argv[1])
    internal = bundle / "_internal" if (bundle / "_internal").is_dir() else bundle
    text = notices_text().rstrip("\n").splitlines()
    text += pyinstaller_section()
    if sys.platform.startswith("linux"):
        text += system_library_sections(internal)
    target = bundle / "THIRD-PARTY-NOTICES.txt"
    target.write_text("\n".join(text) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {target} ({target.stat().st_size // 1024} KiB)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
