"""Render the application icon SVG to every icon file the app and its bundles use.

* ``python resources/render_icons.py``: the PNG sizes shipped in imft_desktop/qt/icons
  (committed; loaded by the window).  PNGs rather than the SVG at run time: loading Qt's
  SVG plugin costs start-up time and the Essentials wheel's plugin set can differ between
  platforms.
* ``python resources/render_icons.py --platform-icons DIR``: ``imft-desktop.ico``
  (Windows executable) and ``imft-desktop.icns`` (macOS app bundle) into DIR, plus
  ``hicolor/<n>x<n>/apps/imft-desktop.png`` for the Linux desktop entry.  The build
  scripts and the PyInstaller spec call this into the build directory; these files are
  not committed.  Both containers hold PNG images, written here byte by byte (no Pillow),
  so the same SVG and Qt version give the same files.

Needs PySide6 (QtSvg) and no display (offscreen platform).
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SVG = HERE / "imft-desktop.svg"
OUT = HERE.parent / "imft_desktop" / "qt" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
#: Sizes inside the Windows .ico (256 is stored as PNG, as Windows Vista+ expects).
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: macOS .icns element types holding PNG data, by pixel size.
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
    (b"ic09", 512), (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256),
    (b"ic14", 512),
)
#: hicolor theme sizes installed by the Linux desktop entry.
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    """The SVG drawn at ``size`` x ``size`` pixels, as PNG bytes."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding one PNG per size (ICONDIR + ICONDIRENTRY, PNG payloads)."""
    sizes = [s for s in ICO_SIZES if s in pngs]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, payload = b"", b""
    for size in sizes:
        data = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        payload += data
        offset += len(data)
    return header + entries + payload


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG elements (types icp4..ic14)."""
    body = b""
    for kind, size in ICNS_TYPES:
        data = pngs[size]
        body += kind + struct.pack(">I", 8 + len(data)) + data
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_platform_icons(dest: Path, renderer: QSvgRenderer) -> list[Path]:
    """Write imft-desktop.ico, imft-desktop.icns and the hicolor PNGs into ``dest``."""
    wanted = set(ICO_SIZES) | {s for _, s in ICNS_TYPES} | set(HICOLOR_SIZES)
    pngs = {size: render_png(renderer, size) for size in sorted(wanted)}
    dest.mkdir(parents=True, exist_ok=True)
    written = [dest / "imft-desktop.ico", dest / "imft-desktop.icns"]
    written[0].write_bytes(ico_bytes(pngs))
    written[1].write_bytes(icns_bytes(pngs))
    for size in HICOLOR_SIZES:
        path = dest / "hicolor" / f"{size}x{size}" / "apps" / "imft-desktop.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pngs[size])
        written.append(path)
    scalable = dest / "hicolor" / "scalable" / "apps" / "imft-desktop.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(SVG.read_bytes())
    written.append(scalable)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--platform-icons", metavar="DIR", type=Path,
        help="write the .ico, .icns and hicolor PNGs into DIR instead of the app's PNGs",
    )
    args = parser.parse_args(argv)
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        sys.stderr.write(f"render_icons: cannot read {SVG}\n")
        return 1
    if args.platform_icons:
        for path in write_platform_icons(args.platform_icons, renderer):
            sys.stdout.write(f"{path}\n")
    else:
        OUT.mkdir(parents=True, exist_ok=True)
        for size in SIZES:
            (OUT / f"imft-desktop-{size}.png").write_bytes(render_png(renderer, size))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
