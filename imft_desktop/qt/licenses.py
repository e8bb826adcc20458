"""Licence notices for everything the app runs on: Help > About > Licences.

The list is every distribution the ``imft-desktop`` package needs at run time (its
requirements, followed recursively, extras left out), read from package metadata with
``importlib.metadata``: the licence named in the metadata and the text of each licence
file shipped in the ``.dist-info`` folder.  Qt and PySide6 ship no licence file in their
wheels; their LGPL-3.0 (and the GPL-3.0 it builds on) come from ``data/licenses``.
Python's own licence is read from the interpreter's installation, or from the
``licenses`` folder of a packaged build.

A packaged build (``packaging/imft_desktop.spec``) writes the same text to
``THIRD-PARTY-NOTICES.txt`` next to the executable, so the notices ship as a file too.
"""

from __future__ import annotations

import platform
import re
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from imft_desktop import APP_NAME, __version__

ROOT_DIST = "imft-desktop"
DATA = Path(__file__).resolve().parent.parent / "data" / "licenses"
#: Distributions that are Qt itself (their wheels carry no licence file).
QT_DISTS = {"pyside6", "pyside6-essentials", "pyside6-addons", "shiboken6"}
_LICENSE_FILE = re.compile(r"^(licen[cs]e|copying|notice)", re.IGNORECASE)
_REQ_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")

QT_NOTICE = (
    "Qt {qt} and PySide6 {pyside} (Qt for Python, The Qt Company) are used under the GNU "
    "Lesser General Public License version 3 (LGPL-3.0). Its text follows, and then the "
    "GNU GPL version 3 that it refers to.\n\n"
    "The Qt and PySide6 libraries are shipped unmodified, as separate shared libraries "
    "(the PySide6 and shiboken6 folders of this program). You may replace them with "
    "your own build of the same version. The corresponding source code is available "
    "from https://download.qt.io/official_releases/qt/ and "
    "https://download.qt.io/official_releases/QtForPython/ (or write to the "
    "developers of {app} for a copy).\n\n"
    "Qt contains third-party code under permissive licences, listed at "
    "https://doc.qt.io/qt-6/licenses-used-in-qt.html."
)


@dataclass
class Notice:
    """One component: its name, version, licence and the licence texts it ships."""

    name: str
    version: str
    license: str
    texts: list[tuple[str, str]] = field(default_factory=list)  # (file name, text)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions(root: str = ROOT_DIST) -> list[metadata.Distribution]:
    """``root`` and every distribution it requires at run time, installed ones only."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [root]
    while todo:
        name = todo.pop()
        if _canonical(name) in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[_canonical(name)] = dist
        for requirement in dist.requires or []:
            if "extra" in requirement.partition(";")[2]:
                continue
            match = _REQ_NAME.match(requirement)
            if match:
                todo.append(match.group(1))
    return sorted(seen.values(), key=lambda d: _canonical(d.metadata["Name"]))


def license_name(dist: metadata.Distribution) -> str:
    """The licence as the metadata names it (SPDX expression, short field or classifier)."""
    meta: Any = dist.metadata  # an email.Message: .get() is there, the stub omits it
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    short = (meta.get("License") or "").strip()
    if short and "\n" not in short and len(short) <= 80:
        return short
    classifiers = [
        c.split("::")[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    if classifiers:
        return "; ".join(classifiers)
    if short:
        return short.splitlines()[0].strip()
    return "see the licence text"


def license_texts(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """(file name, text) of every licence file in the distribution's .dist-info folder."""
    out: list[tuple[str, str]] = []
    for path in dist.files or []:
        parts = path.parts
        if len(parts) < 2 or not parts[0].endswith(".dist-info"):
            continue
        if parts[1] != "licenses" and not _LICENSE_FILE.match(path.name):
            continue
        try:
            text = Path(str(dist.locate_file(path))).read_text("utf-8", errors="replace")
        except OSError:
            continue
        out.append(("/".join(parts[1:]), text))
    meta: Any = dist.metadata
    long_field = (meta.get("License") or "").strip()
    if not out and "\n" in long_field:
        out.append(("License (from the package metadata)", long_field))
    return out


def _data_text(name: str) -> str:
    try:
        return (DATA / name).read_text(encoding="utf-8")
    except OSError:
        return f"({name} is missing from this installation.)"


def python_license_file() -> Path | None:
    """Python's LICENSE.txt: in a packaged build, or beside the interpreter's library."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "licenses" / "python-LICENSE.txt")
    base = Path(sys.base_prefix)
    candidates += [
        base / "lib" / f"python{version}" / "LICENSE.txt",
        base / "LICENSE.txt",  # Windows
        Path(f"/usr/lib/python{version}/LICENSE.txt"),
        Path(f"/usr/share/doc/python{version}/copyright"),
    ]
    return next((p for p in candidates if p.is_file()), None)


def notices() -> list[Notice]:
    """Every component the app runs on, with its licence texts."""
    out = []
    python = Notice("Python", platform.python_version(), "PSF-2.0 (Python Software Foundation)")
    license_file = python_license_file()
    if license_file is not None:
        python.texts.append(("LICENSE.txt", license_file.read_text("utf-8", errors="replace")))
    out.append(python)
    for dist in runtime_distributions():
        name = str(dist.metadata["Name"])
        notice = Notice(name, dist.version, license_name(dist), license_texts(dist))
        if _canonical(name) in QT_DISTS and not notice.texts:
            notice.license = "LGPL-3.0-only (also offered under GPL-2.0 or GPL-3.0)"
            intro = QT_NOTICE.format(qt=qVersion(), pyside=dist.version, app=APP_NAME)
            notice.texts = [
                ("Qt and PySide6", intro),
                ("LGPL-3.0", _data_text("LGPL-3.0.txt")),
                ("GPL-3.0", _data_text("GPL-3.0.txt")),
            ]
        out.append(notice)
    return out


def bundled_notices_file() -> Path | None:
    """THIRD-PARTY-NOTICES.txt beside the executable of a packaged build, if any."""
    if not getattr(sys, "frozen", False):
        return None
    exe_dir = Path(sys.executable).resolve().parent
    for candidate in (exe_dir / "THIRD-PARTY-NOTICES.txt",
                      exe_dir.parent / "Resources" / "THIRD-PARTY-NOTICES.txt"):
        if candidate.is_file():
            return candidate
    return None


def notices_text(items: list[Notice] | None = None) -> str:
    """All notices as one plain-text document (THIRD-PARTY-NOTICES.txt)."""
    items = notices() if items is None else items
    rule = "=" * 78
    lines = [
        f"{APP_NAME} {__version__}: licences of the software it includes",
        "",
        f"{APP_NAME} itself is BSD-3-Clause. It includes the components below, each under",
        "its own licence.",
        "",
    ]
    lines += [f"  {n.name} {n.version}: {n.license}" for n in items]
    for notice in items:
        lines += ["", rule, f"{notice.name} {notice.version}: {notice.license}", rule]
        for title, text in notice.texts:
            lines += ["", f"--- {title} ---", "", text.rstrip()]
    return "\n".join(lines) + "\n"


class LicensesDialog(QDialog):
    """Components on the left, the selected one's licence texts on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME}: licences")
        self.items = notices()
        bundled = bundled_notices_file()
        if bundled is not None:  # also lists the system libraries the build copied
            text = bundled.read_text("utf-8", errors="replace")
            self.items.insert(0, Notice("All notices", f"({bundled.name})", "each its own",
                                        [(str(bundled), text)]))
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.list = QListWidget()
        self.list.addItems([f"{n.name} {n.version}" for n in self.items])
        self.text = QTextBrowser()
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        splitter.addWidget(self.list)
        splitter.addWidget(self.text)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show)
        self.list.setCurrentRow(0)
        self.resize(900, 600)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.items):
            return
        notice = self.items[row]
        parts = [f"{notice.name} {notice.version}\nLicence: {notice.license}"]
        parts += [f"--- {title} ---\n\n{text.rstrip()}" for title, text in notice.texts]
        if not notice.texts:
            parts.append("(No licence file ships with this package; see its licence name.)")
        self.text.setPlainText("\n\n".join(parts))
        self.text.setFont(QFont(self.text.font()))
