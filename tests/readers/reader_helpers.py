"""Builders for the reader tests: workbooks and texts made on the fly, zip surgery."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from imft_desktop.io.read.raw import RawWorkbook
from imft_desktop.model.findings import Finding


def rezip(src: Path, dst: Path, replace: dict[str, bytes] | None = None,
          add: dict[str, bytes] | None = None) -> Path:
    """Copy a zip member by member, replacing or adding members (zip surgery)."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, data)
        for member, data in (add or {}).items():
            zout.writestr(member, data)
    return dst


def member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def fingerprint(path: Path) -> tuple[bytes, int]:
    """Bytes and modification time (ns) of a file, to prove it was not touched."""
    return path.read_bytes(), os.stat(path).st_mtime_ns


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def codes(wb: RawWorkbook) -> set[str]:
    return {f.code for f in wb.findings}


def only(wb: RawWorkbook, code: str) -> Finding:
    """The single finding with ``code`` (fails if there are none or several)."""
    found = [f for f in wb.findings if f.code == code]
    assert len(found) == 1, (code, wb.findings)
    return found[0]
