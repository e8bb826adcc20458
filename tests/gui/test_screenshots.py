"""``imft-desktop --screenshot DIR`` end to end (a child process, offscreen)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QColor, QFontDatabase, QImage, QPainter

from imft_desktop.qt.screenshots import image_is_blank


def test_fonts_are_available(qapp):
    # Without fonts every label renders as empty boxes; the screenshots would be useless.
    assert QFontDatabase.families()


def test_blank_detection(qapp):
    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("#eeeeee"))  # (fill(int) trips a PySide 6.12 refcount bug)
    assert image_is_blank(image)
    painter = QPainter(image)
    for i, colour in enumerate(("#c2410c", "#1f5f7a", "#2e6b34", "#000000")):
        painter.fillRect(i * 50, 0, 50, 100, QColor(colour))
    painter.end()
    assert not image_is_blank(image)


@pytest.mark.slow
def test_every_tab_is_saved_and_none_is_blank(demo_window, tmp_path):
    # In-process (the CLI wiring is covered by the subprocess tests below): the same
    # take_screenshots() that ``--screenshot`` runs, on the window with the demo.
    from imft_desktop.qt.screenshots import take_screenshots

    out = tmp_path / "shots"
    messages: list[str] = []
    demo_window.resize(1280, 820)
    code = take_screenshots(demo_window, out, messages.append, wait_for_load=False)
    assert code == 0, messages
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert len(pngs) == demo_window.tabs.count()
    assert pngs[:2] == ["01-import.png", "02-samples.png"]
    for name in pngs:
        image = QImage(str(out / name))
        assert image.width() > 600 and image.height() > 400, name
        assert not image_is_blank(image), name


@pytest.mark.slow
def test_screenshot_option_end_to_end(tmp_path, case_sheet):
    """``imft-desktop --screenshot DIR FILE`` in a child process, offscreen."""
    out = tmp_path / "shots"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-m", "imft_desktop", "--screenshot", str(out), str(case_sheet)],
        capture_output=True, text=True, timeout=240, env=env,
    )
    assert proc.returncode == 0, proc.stderr
    pngs = sorted(out.glob("*.png"))
    assert [p.name for p in pngs[:2]] == ["01-import.png", "02-samples.png"]
    for png in pngs:
        assert not image_is_blank(QImage(str(png))), png.name


def test_version_option():
    proc = subprocess.run(
        [sys.executable, "-m", "imft_desktop", "--version"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0
    assert proc.stdout.strip().startswith("imft-desktop ")


def test_screenshot_option_exits_non_zero_when_the_file_fails(tmp_path):
    # The CLI wiring of --screenshot DIR FILE, in a child process; the rendering of
    # every tab is checked in-process above.
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-m", "imft_desktop", "--screenshot", str(tmp_path / "s"), str(bad)],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert proc.returncode != 0
    assert "cannot be read" in proc.stderr


def test_a_mistyped_option_is_an_error_not_ignored():
    from imft_desktop.app import main

    with pytest.raises(SystemExit) as exc:
        main(["--screnshot", "x"])
    assert exc.value.code == 2
