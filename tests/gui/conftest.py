"""GUI test set-up: offscreen Qt, isolated settings and logs, no leaked workers.

Settings and logs are sandboxed for the whole suite by ``tests/conftest.py`` (other
folders' tests create Qt tabs too).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

if importlib.util.find_spec("PySide6") is None:
    # A headless run (no Qt installed) checks the lower layers only.
    collect_ignore_glob = ["test_*.py"]


# ------------------------------------------------------------------ test workbooks
#: Headers a pathologist might use; "Resp" is deliberately not recognised.
CASE_HEADERS = [
    "Case no.", "Pt", "ALK D5F3 stain", "ALK break-apart (% split)", "Resp", "PFS (d)",
    "Progressed?", "Lab remark",
]


def case_rows(n: int) -> list[list]:
    rows = []
    for i in range(1, n + 1):
        rows.append([
            f"C{i:05d}", f"P{i:05d}", "pos" if i % 2 else "neg", 40 if i % 2 else 3,
            "PR" if i % 3 else "PD", 100 + (i % 50) * 30, "yes" if i % 2 else "no", "ok",
        ])
    return rows


def write_case_sheet(path: Path, n: int = 12) -> Path:
    """A one-row-per-case sheet with unfamiliar headers."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cases"
    ws.append(CASE_HEADERS)
    for row in case_rows(n):
        ws.append(row)
    wb.save(path)
    return path


def write_large_case_sheet(path: Path, n: int = 10_000) -> Path:
    """The same sheet with ``n`` cases, written in openpyxl's fast write-only mode."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Cases")
    ws.append(CASE_HEADERS)
    for row in case_rows(n):
        ws.append(row)
    wb.save(path)
    return path


def write_broken_sheet(path: Path) -> Path:
    """A case sheet with a duplicated sample ID (row 4), a non-numeric PFS (F3) and
    a second, clean sheet first, so that showing a finding has to switch sheets."""
    import openpyxl

    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes.append(["Written for a test"])
    ws = wb.create_sheet("Cases")
    ws.append(CASE_HEADERS)
    rows = case_rows(6)
    rows[2][0] = rows[0][0]  # Excel row 4 repeats C00001
    rows[1][5] = "about a year"  # F3
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def pytest_configure(config):
    # matplotlib's Qt toolbar reads a Qt attribute deprecated in Qt 6; not ours to fix.
    config.addinivalue_line(
        "filterwarnings", "ignore:.*AA_UseHighDpiPixmaps:DeprecationWarning"
    )


def fail_if_workers_running(test_name: str) -> None:
    """Stop and report worker tasks still running after a test: they would outlive
    the test's widgets and crash a later test."""
    from PySide6.QtWidgets import QApplication

    from imft_desktop.qt.workers import default_runner

    runner = default_runner()
    if not runner.active:
        # A pool thread whose task already returned can still count as active for a
        # moment while it goes back to the pool: let it settle before judging.
        runner.pool.waitForDone(2000)
    if runner.busy():
        names = [h.name for h in runner.active]
        runner.shutdown(timeout_ms=10000)
        QApplication.processEvents()
        pytest.fail(
            f"{test_name} left worker tasks running: {names}; wait for them with "
            "qtbot.waitSignal / waitUntil"
        )


@pytest.fixture(autouse=True)
def _no_dangling_workers(qapp, request):
    yield
    fail_if_workers_running(request.node.name)


@pytest.fixture(autouse=True)
def _fresh_error_state(qapp):
    """Each test starts without error dialogs or history from an earlier test."""
    from imft_desktop.qt import error_dialog

    router = error_dialog._get_router()
    router.history.clear()
    router.show_dialogs = True
    router.parent_widget = None
    yield
    dialog = error_dialog.current_dialog()
    if dialog is not None:
        dialog.close()
    router.history.clear()
    router.parent_widget = None


@pytest.fixture
def app_settings(tmp_path):
    """Settings in this test's own directory."""
    from PySide6.QtCore import QSettings

    from imft_desktop.qt.settings import AppSettings

    qs = QSettings(str(tmp_path / "imft-desktop.ini"), QSettings.Format.IniFormat)
    return AppSettings(qs)


@pytest.fixture
def window(qtbot, app_settings):
    """A main window with nothing loaded; closed (and its workers stopped) afterwards."""
    from imft_desktop.qt.main_window import MainWindow

    win = MainWindow(app_settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


@pytest.fixture
def demo_window(window, qtbot):
    """The main window with the synthetic demo cohort loaded and the sample table shown."""
    with qtbot.waitSignal(window.load_finished, timeout=60000) as blocker:
        window.open_demo()
    assert blocker.args == [True], window.import_tab.banner_text
    qtbot.waitUntil(lambda: window.samples_tab.is_ready, timeout=30000)
    return window


@pytest.fixture(scope="session")
def workbooks():
    """The workbook writers above, for tests (conftest is not importable under
    ``--import-mode=importlib``)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        case_sheet=write_case_sheet,
        large_case_sheet=write_large_case_sheet,
        broken_sheet=write_broken_sheet,
    )


@pytest.fixture
def worker_check():
    """The check the autouse fixture runs after every test (to test the check)."""
    return fail_if_workers_running


@pytest.fixture
def case_sheet(tmp_path) -> Path:
    return write_case_sheet(tmp_path / "cases.xlsx")


@pytest.fixture
def broken_sheet(tmp_path) -> Path:
    return write_broken_sheet(tmp_path / "broken.xlsx")
