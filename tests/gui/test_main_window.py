"""The main window: demo cohort at start, status bar, menus, recent files, drops."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from imft_desktop.qt.main_window import MESSAGES, demo_path


def test_demo_cohort_opens_with_summary_line_and_synthetic_marks(demo_window):
    win = demo_window
    cohort = win.cohort
    assert cohort is not None and cohort.is_synthetic
    assert win.cohort_label.text() == cohort.summary_line()
    assert win.cohort_label.text().startswith(f"{cohort.n_samples} samples")
    assert win.windowTitle().endswith("SYNTHETIC DEMO DATA")
    assert win.synthetic_badge.isVisible()
    # The demo is not a "recent file" of the user's.
    assert win.settings.recent_files() == []
    # The Samples tab shows every sample.
    assert win.samples_tab.model.rowCount() == cohort.n_samples


def test_opening_a_file_remembers_it_and_replaces_the_cohort(demo_window, qtbot, case_sheet):
    win = demo_window
    with qtbot.waitSignal(win.load_finished, timeout=30000) as blocker:
        win.open_path(str(case_sheet))
    assert blocker.args == [True]
    assert not win.cohort.is_synthetic
    assert "SYNTHETIC" not in win.windowTitle()
    assert not win.synthetic_badge.isVisible()
    assert win.cohort.n_samples == 12
    assert win.settings.recent_files() == [str(case_sheet.resolve())]
    win._rebuild_recent_menu()
    texts = [a.text() for a in win.recent_menu.actions() if a.text()]
    assert texts[0] == str(case_sheet.resolve())
    assert texts[-1] == "Clear Recent Files"
    qtbot.waitUntil(lambda: win.samples_tab.is_ready)


def test_recent_files_clear_and_missing_files(window, tmp_path):
    gone = tmp_path / "gone.xlsx"
    window.settings.add_recent_file(str(gone))
    window._rebuild_recent_menu()
    first = window.recent_menu.actions()[0]
    assert first.text() == MESSAGES["recent_missing"].format(path=str(gone.resolve()))
    assert not first.isEnabled()
    window.settings.clear_recent_files()
    window._rebuild_recent_menu()
    assert [a.text() for a in window.recent_menu.actions()] == ["Clear Recent Files"]


def test_dropping_a_file_opens_it(window, qtbot, case_sheet):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(case_sheet))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.load_finished, timeout=30000) as blocker:
        window.dropEvent(event)
    assert blocker.args == [True]
    assert window.cohort.n_samples == 12
    qtbot.waitUntil(lambda: window.samples_tab.is_ready)


def test_geometry_is_saved_on_close(qtbot, app_settings):
    from imft_desktop.qt.main_window import MainWindow

    win = MainWindow(app_settings)
    qtbot.addWidget(win)
    win.resize(760, 520)
    win.show()
    win.close()
    assert app_settings.window_geometry() is not None
    again = MainWindow(app_settings)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (760, 520)


def test_menus_and_shortcuts(window):
    assert window.open_action.shortcut().toString() == "Ctrl+O"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert window.print_action.shortcut().toString() == "Ctrl+P"
    window._check_printing()
    import importlib

    printing = importlib.import_module("imft_desktop.qt.printing")
    for action, function in window._print_functions.items():
        # Enabled exactly when the printing module provides the function.
        assert action.isEnabled() == hasattr(printing, function), function


def test_new_template_is_written(window, tmp_path):
    target = tmp_path / "template.xlsx"
    assert window.write_template(str(target))
    assert target.is_file() and target.stat().st_size > 0


def test_about_lists_library_versions():
    from imft_desktop.qt.about import about_text

    text = about_text()
    for name in ("Python", "Qt", "PySide6", "pandas", "numpy", "scipy", "matplotlib",
                 "lifelines", "openpyxl", "python-calamine"):
        assert f"\n{name}: " in text
    assert "not installed" not in text


def test_demo_is_packaged():
    path = demo_path()
    assert path is not None and Path(path).name == "demo_cohort_synthetic.xlsx"


def test_print_shortcut_before_the_menu_opened_never_raises(window):
    from imft_desktop.qt import error_dialog

    window.print_action.trigger()
    assert error_dialog.error_history() == []


def test_printing_helpers_for_the_printing_module(demo_window):
    assert demo_window.current_cohort() is demo_window.cohort
    demo_window.tabs.setCurrentWidget(demo_window.samples_tab)
    assert demo_window.current_tab() is demo_window.samples_tab


def test_export_results_menu_writes_the_analysis_workbook(demo_window, monkeypatch, tmp_path):
    """File > Export Results to Excel (Ctrl+E) goes through the printing module."""
    import openpyxl
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    target = tmp_path / "results.xlsx"
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.No)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    action = demo_window.export_workbook_action
    assert action.shortcut().toString() == "Ctrl+E"
    demo_window._check_printing()
    assert action.isEnabled()
    action.trigger()
    assert target.is_file()
    sheets = openpyxl.load_workbook(target, read_only=True).sheetnames
    assert sheets[0] == "Methods and provenance"
