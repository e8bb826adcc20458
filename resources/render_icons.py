"""Render the application icon SVG to the PNG sizes shipped in imft_desktop/qt/icons.

PNGs rather than the SVG at run time: loading Qt's SVG plugin costs start-up time and
the Essentials wheel's plugin set can differ between platforms.

Run: python resources/render_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "imft_desktop" / "qt" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(HERE / "imft-desktop.svg"))
    if not renderer.isValid():
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(OUT / f"imft-desktop-{size}.png"))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
