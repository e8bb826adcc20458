"""The files that make the double-click app: desktop entry, file types, scripts, README.

The bundle itself is built and tried by ``packaging/test-bundle.sh``, which
``packaging/test.sh`` runs under CI.
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "packaging" / "linux"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(LINUX / "imft-desktop.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_opens_every_file_type_the_app_reads():
    entry = desktop_entry()
    assert entry["Exec"] == "imft-desktop %f"
    assert entry["Icon"] == "imft-desktop"
    types = set(entry["MimeType"].rstrip(";").split(";"))
    for mime in ("application/x-imft-project", "text/x-maf", "text/csv",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
        assert mime in types, mime


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (Debian desktop-file-utils) not installed")
def test_desktop_entry_passes_desktop_file_validate():
    out = subprocess.run(["desktop-file-validate", str(LINUX / "imft-desktop.desktop")],
                         capture_output=True, text=True)
    assert out.returncode == 0 and not out.stdout.strip(), out.stdout + out.stderr


def test_mime_xml_defines_the_types_the_desktop_entry_names():
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    root = ET.parse(LINUX / "imft-desktop-mime.xml").getroot()
    globs = {t.get("type"): [g.get("pattern") for g in t.findall("m:glob", ns)]
             for t in root.findall("m:mime-type", ns)}
    assert globs == {"application/x-imft-project": ["*.imftproj"], "text/x-maf": ["*.maf"]}
    types = set(desktop_entry()["MimeType"].rstrip(";").split(";"))
    assert set(globs) <= types


@pytest.mark.parametrize("script", ["install.sh", "uninstall.sh"])
def test_install_scripts_are_posix_sh(script):
    path = LINUX / script
    assert path.stat().st_mode & 0o111, f"{script} is not executable"
    assert path.read_text().startswith("#!/bin/sh\n")
    assert subprocess.run(["sh", "-n", str(path)]).returncode == 0


def test_build_scripts_exist_for_every_platform_and_the_readme_names_them():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for script in ("build-linux.sh", "build-macos.sh", "build-windows.ps1"):
        assert (ROOT / "packaging" / script).is_file(), script
        assert script in readme, script
    for sh in ("build-linux.sh", "build-macos.sh", "test-bundle.sh"):
        assert subprocess.run(["bash", "-n", str(ROOT / "packaging" / sh)]).returncode == 0
    assert "install.sh" in readme and "THIRD-PARTY-NOTICES.txt" in readme
    # CI runs exactly the README's test command, which tries the bundle under CI
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith("bash packaging/test.sh")
    assert "test-bundle.sh" in (ROOT / "packaging" / "test.sh").read_text()


def test_spec_is_python_and_needs_no_committed_icon():
    source = (ROOT / "packaging" / "imft_desktop.spec").read_text(encoding="utf-8")
    compile(source, "imft_desktop.spec", "exec")
    assert "--platform-icons" in source  # icons are rendered at build time
    assert "copy_metadata" in source  # importlib.metadata versions in the bundle
