"""resources/render_icons.py: the .ico and .icns the bundles use, from the SVG."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_renderer():
    path = ROOT / "resources" / "render_icons.py"
    spec = importlib.util.spec_from_file_location("render_icons", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ico_and_icns_hold_png_images_of_every_size(tmp_path, qapp):
    from PySide6.QtSvg import QSvgRenderer

    icons = load_renderer()
    icons.write_platform_icons(tmp_path, QSvgRenderer(str(icons.SVG)))
    ico = (tmp_path / "imft-desktop.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind, count) == (0, 1, len(icons.ICO_SIZES))
    for i, size in enumerate(icons.ICO_SIZES):
        width, _, _, _, _, _, length, offset = struct.unpack_from("<BBBBHHII", ico, 6 + 16 * i)
        assert width == (0 if size == 256 else size)
        assert ico[offset:offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(ico)
    icns = (tmp_path / "imft-desktop.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    pos, kinds = 8, []
    while pos < len(icns):
        kinds.append(icns[pos:pos + 4])
        assert icns[pos + 8:pos + 16] == b"\x89PNG\r\n\x1a\n"
        pos += struct.unpack(">I", icns[pos + 4:pos + 8])[0]
    assert kinds == [k for k, _ in icons.ICNS_TYPES]
    assert (tmp_path / "hicolor" / "scalable" / "apps" / "imft-desktop.svg").is_file()
    assert (tmp_path / "hicolor" / "512x512" / "apps" / "imft-desktop.png").is_file()
