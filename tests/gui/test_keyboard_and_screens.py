"""A hospital workstation: keyboard alone, high-DPI screens, the desktop entry.

What a keyboard user needs: Tab reaches every control of the Import tab and leaves
tables (arrow keys move inside them), Ctrl+PgDown/PgUp and Ctrl+Tab change tab from any
widget, Alt+letter mnemonics are unique in the window.  On a high-DPI screen the
matplotlib canvas renders at the screen's pixel ratio; on Wayland the window names its
desktop entry.  (Checked by hand under Xvfb with xdotool as well: see the report.)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from control_tips import CONTROL_TYPES
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLabel,
    QTableView,
    QWidget,
)

from imft_desktop.qt.app_setup import DESKTOP_FILE_NAME, install_tab_keys

ROOT = Path(__file__).resolve().parents[2]
MNEMONIC = re.compile(r"&([^&\s])")


def _case_csv(tmp_path: Path) -> Path:
    path = tmp_path / "cases.csv"
    path.write_text("Case;Age;ALK FISH %;PFS (months);PFS event\nIMT-01;34;22;12;1\n"
                    "IMT-02;41;8;3;0\n", encoding="utf-8")
    return path


def _read(window, qtbot, path) -> None:
    with qtbot.waitSignal(window.load_finished, timeout=30000):
        window.open_path(str(path))
    qtbot.waitUntil(lambda: window.samples_tab.is_ready)


def _tab_chain(start: QWidget) -> list[QWidget]:
    """The widgets Tab visits from ``start`` round to it again (Qt's own rule: the focus
    chain, keeping visible, enabled widgets that accept Tab focus)."""
    out: list[QWidget] = []
    w = start.nextInFocusChain()
    while w is not start and len(out) < 500:
        if (w.isVisible() and w.isEnabled()
                and w.focusPolicy() & Qt.FocusPolicy.TabFocus
                and (w.focusProxy() is None)):
            out.append(w)
        w = w.nextInFocusChain()
    return out


def test_tab_reaches_every_control_of_the_import_tab(window, qtbot, tmp_path):
    _read(window, qtbot, _case_csv(tmp_path))  # one row per case: every control shown
    tab = window.import_tab
    window.tabs.setCurrentWidget(tab)
    assert tab.text_options.isVisible() and tab.header_row_spin.isVisible()
    reached = set(_tab_chain(window.tabs.tabBar()))
    controls = [w for w in tab.findChildren(QWidget)
                if isinstance(w, (*CONTROL_TYPES, QAbstractItemView)) and w.isVisible()
                and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
                and w.focusProxy() is None]
    missed = [f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}" for w in controls
              if w not in reached]
    assert missed == []
    assert tab.load_profile_button in reached and tab.reading_panel.event_combo in reached
    # Tables let Tab go on to the next control (arrows move between cells).
    for view in tab.findChildren(QTableView) + window.samples_tab.findChildren(QTableView):
        assert not view.tabKeyNavigation(), view


def test_ctrl_page_down_and_ctrl_tab_change_tab_from_any_widget(window, qtbot, tmp_path,
                                                                 qapp):
    install_tab_keys(qapp)  # what configure_application does at start-up
    _read(window, qtbot, _case_csv(tmp_path))
    window.activateWindow()
    tabs = window.tabs
    tabs.setCurrentWidget(window.samples_tab)
    view = window.samples_tab.view
    view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    qtbot.keyClick(view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentIndex() == tabs.indexOf(window.samples_tab) + 1
    assert QApplication.focusWidget() is tabs.tabBar()  # the old page is hidden
    qtbot.keyClick(tabs.tabBar(), Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(tabs.tabBar(), Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentWidget() is window.import_tab

    # A spin box keeps PgUp/PgDn for itself, not Ctrl+PgDown: the main tabs change.
    spin = window.import_tab.reading_panel.fish_spin
    spin.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is spin)
    qtbot.keyClick(spin, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentWidget() is window.samples_tab
    assert window.import_tab.reading_panel.fish_threshold is None  # not stepped
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert tabs.currentWidget() is window.import_tab

    # Ctrl+Tab in a table of the Import tab's right pane: the nearest tabs (Qt's rule).
    right = window.import_tab.right_tabs
    preview = window.import_tab.preview_view
    preview.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is preview)
    qtbot.keyClick(preview, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert right.currentIndex() == 1 and tabs.currentWidget() is window.import_tab


def _mnemonics(root: QWidget) -> list[str]:
    """Alt letters of the visible labels with a buddy and buttons under ``root``."""
    letters = []
    for w in root.findChildren(QWidget):
        if not w.isVisible():
            continue
        if (isinstance(w, QLabel) and w.buddy() is not None) or isinstance(w, QAbstractButton):
            letters += [m.casefold() for m in MNEMONIC.findall(w.text())]
    return letters


def test_alt_letters_are_unique_in_the_window(window, qtbot, tmp_path):
    _read(window, qtbot, _case_csv(tmp_path))
    window.tabs.setCurrentWidget(window.import_tab)
    menus = [MNEMONIC.search(a.text()).group(1).casefold()
             for a in window.menuBar().actions() if MNEMONIC.search(a.text())]
    assert sorted(menus) == ["e", "f", "h", "r", "v"]  # File Edit View Report Help
    for right_page in (0, 1):  # the Source rows and the Values page
        window.import_tab.right_tabs.setCurrentIndex(right_page)
        letters = menus + _mnemonics(window.import_tab)
        assert [k for k, n in Counter(letters).items() if n > 1] == []
        assert len(letters) >= 15


def test_file_and_edit_menu_letters_of_the_project_actions_are_their_own(window):
    file_menu = window.file_menu
    letters = [MNEMONIC.search(a.text()).group(1).casefold() for a in file_menu.actions()
               if not a.isSeparator() and MNEMONIC.search(a.text())]
    projects = window.projects
    mine = [MNEMONIC.search(a.text()).group(1).casefold()
            for a in (projects.new_action, projects.open_action, projects.save_action,
                      projects.save_as_action, projects.close_action, projects.add_action)]
    assert all(letters.count(m) == 1 for m in mine), letters


def test_high_dpi_canvas_renders_at_the_screen_ratio_and_names_its_desktop_entry():
    entry = ROOT / "packaging" / "linux" / f"{DESKTOP_FILE_NAME}.desktop"
    assert entry.is_file()
    code = (
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from imft_desktop.qt.app_setup import configure_application\n"
        "configure_application(app)\n"
        "from imft_desktop.qt.mpl_canvas import MplCanvas\n"
        "c = MplCanvas(toolbar=False); c.resize(400, 300); c.show(); app.processEvents()\n"
        "c.figure.add_subplot().plot([0, 1], [1, 0]); c.draw(); app.processEvents()\n"
        "w, h = c.canvas.get_width_height(physical=True)\n"
        "print(app.desktopFileName(), c.device_pixel_ratio, c.canvas.width(), w,\n"
        "      c.canvas.buffer_rgba().shape[1])\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="2")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    name, ratio, logical, physical, buffer = out.stdout.split()
    assert name == DESKTOP_FILE_NAME
    assert float(ratio) == 2.0
    # twice the pixels of the widget: sharp lines and text, not an image scaled up
    assert int(physical) == int(buffer) == 2 * int(logical)


@pytest.mark.parametrize("ratio", [1.0, 2.0])
def test_copied_figure_has_the_same_pixels_on_any_screen(qtbot, monkeypatch, ratio):
    from PySide6.QtGui import QGuiApplication

    from imft_desktop.qt.mpl_canvas import MplCanvas

    canvas = MplCanvas(toolbar=False, figsize=(4, 3), dpi=100)
    qtbot.addWidget(canvas)
    monkeypatch.setattr(type(canvas), "device_pixel_ratio", property(lambda _s: ratio))
    canvas.figure.set_dpi(100 * ratio)  # what matplotlib does on such a screen
    canvas.copy_image()
    image = QGuiApplication.clipboard().image()
    assert (image.width(), image.height()) == (800, 600)
