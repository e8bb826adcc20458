"""Help > About: the program's version and the versions of what it runs on.

Library versions come from package metadata (``importlib.metadata``), so showing the
dialog does not import pandas, scipy, matplotlib or lifelines.
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication, QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imft_desktop import APP_NAME, __version__

ICON_DIR = Path(__file__).resolve().parent / "icons"

#: Distributions listed in the About box, with the names shown.
LIBRARIES = (
    ("PySide6", ("PySide6-Essentials", "PySide6")),
    ("pandas", ("pandas",)),
    ("numpy", ("numpy",)),
    ("scipy", ("scipy",)),
    ("matplotlib", ("matplotlib",)),
    ("lifelines", ("lifelines",)),
    ("openpyxl", ("openpyxl",)),
    ("python-calamine", ("python-calamine",)),
)


def app_icon() -> QIcon:
    """The application icon, from the PNGs rendered from resources/imft-desktop.svg."""
    icon = QIcon()
    for png in sorted(ICON_DIR.glob("imft-desktop-*.png")):
        icon.addFile(str(png))
    return icon


def library_versions() -> list[tuple[str, str]]:
    """(name, version) of Python, Qt and every library the app depends on."""
    from importlib import metadata  # not at start-up: it costs ~60 ms to import

    out = [
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("Qt", qVersion()),
    ]
    for label, dists in LIBRARIES:
        version = "not installed"
        for dist in dists:
            try:
                version = metadata.version(dist)
                break
            except metadata.PackageNotFoundError:
                continue
        out.append((label, version))
    out.append(("Platform", f"{platform.system()} {platform.release()} ({sys.platform})"))
    return out


def about_text() -> str:
    """Plain-text version report (also what the Copy button copies)."""
    lines = [f"{APP_NAME} {__version__}"]
    lines += [f"{name}: {version}" for name, version in library_versions()]
    return "\n".join(lines)


class AboutDialog(QDialog):
    """Version of the program and of its libraries, with a Copy button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(QPixmap(str(ICON_DIR / "imft-desktop-64.png")))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(icon)
        rows = "".join(
            f"<tr><td>{name}</td><td>&nbsp;&nbsp;{version}</td></tr>"
            for name, version in library_versions()
        )
        text = QLabel(
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Cohort analysis of IHC, FISH and sequencing results with response and "
            "survival, for IMFT and other rare fusion-driven tumours.</p>"
            "<p>Runs entirely on this computer: it makes no network connections.</p>"
            "<p>BSD-3-Clause. Uses Qt and PySide6 under the LGPL-3.0 and other libraries "
            "under their own licences (Licences…).</p>"
            f"<table>{rows}</table>"
        )
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(text, 1)
        layout.addLayout(top)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("&Copy versions")
        copy.setToolTip("Copy the program's and libraries' versions, e.g. for a support "
                        "request or a methods section")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(about_text()))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        licences = QPushButton("&Licences…")  # Qt/PySide6 LGPL and every other library
        licences.setToolTip("The licence of every library the program runs on")
        licences.clicked.connect(self.show_licences)
        buttons.addButton(licences, QDialogButtonBox.ButtonRole.HelpRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def show_licences(self) -> None:
        from imft_desktop.qt.licenses import LicensesDialog

        LicensesDialog(self).exec()
