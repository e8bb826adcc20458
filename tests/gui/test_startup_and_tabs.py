"""Start-up stays light; tabs load lazily; files named at start-up; stale tasks."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from imft_desktop.qt.main_window import LazyTab


def test_window_shows_without_heavy_libraries():
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from imft_desktop.qt.app_setup import configure_application\n"
        "configure_application(app)\n"
        "from imft_desktop.qt.main_window import MainWindow\n"
        "w = MainWindow(); w.show(); app.processEvents()\n"
        "heavy = ('pandas', 'numpy', 'scipy', 'matplotlib', 'lifelines', 'openpyxl')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_settings_and_logs_stay_in_the_test_sandbox():
    from imft_desktop.qt.settings import log_dir, open_settings

    sandbox = os.environ["IMFT_SETTINGS_DIR"]
    assert open_settings().fileName().startswith(sandbox)
    assert str(log_dir()).startswith(os.environ["IMFT_LOG_DIR"])


def test_file_named_at_start_up_is_opened(window, qtbot, case_sheet):
    with qtbot.waitSignal(window.load_finished, timeout=30000) as blocker:
        window.open_initial(str(case_sheet))
    assert blocker.args == [True]
    assert window.cohort.n_samples == 12
    assert "cases.xlsx" in window.import_tab.file_label.text()
    qtbot.waitUntil(lambda: window.samples_tab.is_ready)


class FakeSummaryTab(QWidget):
    """Stands in for a colleague's tab: the contract is ``title``, ``set_cohort`` and,
    for the Summary tab, a ``samples_selected(list)`` signal."""

    title = "Fake"
    samples_selected = Signal(list)
    created = 0

    def __init__(self) -> None:
        super().__init__()
        FakeSummaryTab.created += 1
        self.cohort = None

    def set_cohort(self, cohort) -> None:
        self.cohort = cohort


def test_analysis_tabs_are_created_when_first_shown(demo_window, qtbot):
    # Real analysis tabs are checked by the screenshot test; this one uses a stand-in
    # so that it is fast and does not depend on which tabs are installed.
    page = LazyTab(__name__, "FakeSummaryTab", "Fake", demo_window)
    demo_window.lazy_tabs.append(page)
    demo_window.tabs.addTab(page, page.title)
    page.set_cohort(demo_window.cohort)
    before = FakeSummaryTab.created
    assert page.widget is None
    demo_window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.widget is not None or page.failed, timeout=10000)
    assert not page.failed and FakeSummaryTab.created == before + 1
    # It received the cohort that was already loaded, and follows later ones.
    assert page.widget.cohort is demo_window.cohort
    demo_window.set_cohort(None)
    assert page.widget.cohort is None
    # Its samples_selected signal selects the samples in the Samples tab.
    page.widget.samples_selected.emit(["SYN-02", "SYN-03"])
    assert demo_window.tabs.currentWidget() is demo_window.samples_tab


def test_a_broken_tab_shows_a_message_not_a_crash(window):
    from imft_desktop.qt import error_dialog

    page = LazyTab("imft_desktop.qt.no_such_tab_module", "Nope", "Broken", window)
    window.tabs.addTab(page, page.title)
    error_dialog.set_show_dialogs(False)
    assert page.ensure_created() is None
    assert page.failed
    assert error_dialog.error_history()[0][0] is ModuleNotFoundError


def _busy() -> bool:
    from imft_desktop.qt.workers import default_runner

    return default_runner().busy()


def test_a_second_open_replaces_a_read_in_progress(
    demo_window, qtbot, case_sheet, tmp_path, workbooks
):
    other = workbooks.case_sheet(tmp_path / "other.xlsx", n=5)
    tab = demo_window.import_tab
    loads = []
    demo_window.load_finished.connect(loads.append)
    demo_window.open_path(str(case_sheet))
    with qtbot.waitSignal(demo_window.load_finished, timeout=30000,
                          check_params_cb=lambda ok: ok):
        demo_window.open_path(str(other))
    # The first read's result was dropped; the cohort is the second file's.
    assert demo_window.cohort.n_samples == 5
    assert tab.result.path == str(other)
    qtbot.waitUntil(lambda: demo_window.samples_tab.is_ready and not _busy(), timeout=30000)
    assert demo_window.cohort.n_samples == 5


def test_cancelling_a_read_keeps_everything(demo_window, qtbot, monkeypatch, case_sheet):
    import threading

    before = demo_window.cohort

    def slow_read(path, progress=None, **_options):
        progress.report(0.1, "Reading")
        while True:
            progress.check()
            threading.Event().wait(0.005)

    monkeypatch.setattr("imft_desktop.qt.import_tab.read_or_import", slow_read)
    tab = demo_window.import_tab
    demo_window.open_path(str(case_sheet))
    qtbot.waitUntil(lambda: tab.progress_bar.value() == 100, timeout=10000)
    with qtbot.waitSignal(demo_window.load_finished, timeout=10000) as blocker:
        tab.cancel_button.click()
    assert blocker.args == [False]
    assert demo_window.cohort is before
    assert "demo_cohort_synthetic" in tab.result.path


def test_a_test_leaving_a_worker_running_is_failed(qtbot, worker_check):
    import threading

    import pytest

    from imft_desktop.qt.workers import start_task

    gate = threading.Event()
    handle = start_task(lambda progress: gate.wait(10))
    qtbot.waitUntil(lambda: handle.state.value == "running", timeout=5000)
    gate.set()  # let shutdown() finish promptly
    with pytest.raises(pytest.fail.Exception, match="left worker tasks running"):
        worker_check("leaky test")
