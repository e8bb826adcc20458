"""Habits of a desktop program: shortcuts whatever has the focus, copy tables, save
figures at print resolution."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QImage, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit

from imft_desktop.qt import clipboard
from imft_desktop.qt.mpl_canvas import MplCanvas


def test_a_text_box_does_not_take_the_menu_shortcuts(qapp):
    """On X11 a QLineEdit takes Ctrl+E (end of line) before the menu: the filter lets
    the menu have it, and leaves the text box its own keys (Ctrl+C, letters)."""
    clipboard.install(qapp)
    box = QLineEdit()
    for keys, taken_by_box in (("Ctrl+E", False), ("F1", False), ("Ctrl+C", True)):
        seq = QKeySequence(keys)[0]
        event = QKeyEvent(QEvent.Type.ShortcutOverride, seq.key(), seq.keyboardModifiers())
        event.setAccepted(True)  # as a text box that wants the key would leave it
        QApplication.sendEvent(box, event)
        assert event.isAccepted() is taken_by_box, keys


PROBE = """
import sys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow
from imft_desktop.qt import clipboard
app = QApplication(sys.argv)
clipboard.install(app)
w = QMainWindow(); box = QLineEdit(); w.setCentralWidget(box)
act = QAction("Export", w); act.setShortcut(QKeySequence("Ctrl+E"))
w.menuBar().addMenu("File").addAction(act)
fired = []; act.triggered.connect(lambda: fired.append(1))
w.show(); w.activateWindow(); box.setFocus()
def go():
    QTest.keyClick(box, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    print("FIRED", len(fired)); app.quit()
QTimer.singleShot(500, go); app.exec()
"""


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (X11)")
def test_ctrl_e_fires_the_menu_on_x11_while_a_text_box_has_the_focus(tmp_path: Path):
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    out = subprocess.run(["xvfb-run", "-a", sys.executable, str(script)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert "FIRED 1" in out.stdout, out.stdout + out.stderr


def test_ctrl_c_copies_a_result_table_as_tab_separated_text(demo_window, qtbot, qapp):
    clipboard.install(qapp)
    view = demo_window.import_tab.findings_view
    model = view.model()
    assert model.rowCount() > 0
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    text = QGuiApplication.clipboard().text()
    lines = text.splitlines()
    assert lines[0].split("\t")[:2] == ["Level", "Where"]
    assert len(lines) == 2 and lines[1].split("\t")[2] == model.index(0, 2).data()
    whole = clipboard.table_text(view, selection_only=False).splitlines()
    assert len(whole) == model.rowCount() + 1


def test_a_figure_saves_as_png_300_dpi_svg_and_pdf(qtbot, tmp_path: Path):
    canvas = MplCanvas(toolbar=False, figsize=(4.0, 3.0))
    qtbot.addWidget(canvas)
    ax = canvas.figure.add_subplot()
    ax.plot([0, 1, 2], [1, 0.6, 0.4])
    canvas.draw()
    png, svg, pdf = tmp_path / "f.png", tmp_path / "f.svg", tmp_path / "f.pdf"
    canvas.save_figure(str(png))
    canvas.save_figure(str(svg))
    canvas.save_figure(str(pdf))
    image = QImage(str(png))
    assert image.width() == 1200 and image.height() == 900  # 4 x 3 inches at 300 dpi
    assert svg.read_text().lstrip().startswith("<?xml") and "<svg" in svg.read_text()
    assert pdf.read_bytes()[:5] == b"%PDF-"
    canvas.copy_image()
    assert not QGuiApplication.clipboard().image().isNull()


def test_file_dialogs_start_beside_the_last_file(window, tmp_path: Path):
    folder = tmp_path / "cohorts"
    folder.mkdir()
    assert window.settings.beside_last("imft-template.xlsx") == "imft-template.xlsx"
    window.settings.remember_file(str(folder / "batch1.xlsx"))
    assert window.settings.beside_last("report.pdf") == str(folder / "report.pdf")
    window.settings.remember_file(str(tmp_path / "gone" / "x.xlsx"))  # folder since deleted
    assert window.settings.beside_last("report.pdf") == "report.pdf"


def test_styled_cells_keep_dark_text_under_a_dark_palette(demo_window, qtbot):
    """Call cells have light backgrounds: their text must stay dark whatever the palette."""
    tab = demo_window.samples_tab
    qtbot.waitUntil(lambda: tab.is_ready)
    model = tab.model
    checked = 0
    for r in range(min(model.rowCount(), 24)):
        for c in range(model.columnCount()):
            index = model.index(r, c)
            bg = index.data(Qt.ItemDataRole.BackgroundRole)
            if bg is None:
                continue
            fg = index.data(Qt.ItemDataRole.ForegroundRole)
            assert fg is not None, index.data()
            assert bg.color().lightness() - fg.color().lightness() > 100
            checked += 1
    assert checked > 20
