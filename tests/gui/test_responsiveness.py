"""The window stays responsive while a 10k-sample workbook is read and imported.

A 10 ms QTimer records the longest gap between its ticks while the import runs in the
worker; a gap is the time the GUI thread could not process events.  Target: < 100 ms.
"""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer

N_CASES = 10_000
#: The target is 100 ms (the printed figure).  Measured on the shared 2-core machine,
#: six runs: 29, 30, 31, 35, 38 and 47 ms, once workers start only after the event loop
#: has gone idle (ImportTab.start_import, SamplesTab.set_cohort) and progress messages
#: no longer re-lay out the tab.  The assertion leaves room for a loaded CI machine
#: and still fails for an import on the GUI thread (about the whole import, >= 0.5 s).
MAX_GAP_S = 0.3
MAX_GAP_SHARE = 0.8  # ... and well short of the import's whole duration


@pytest.fixture(scope="module")
def large_sheet(tmp_path_factory, workbooks):
    path = tmp_path_factory.mktemp("large") / "cases-10k.xlsx"
    return workbooks.large_case_sheet(path, N_CASES)


class GapMeter:
    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.max_gap = 0.0
        self.ticks = 0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.max_gap = max(self.max_gap, now - self.last)
        self.last = now
        self.ticks += 1

    def stop(self) -> None:
        self.timer.stop()


@pytest.mark.slow
def test_event_loop_keeps_running_during_a_10k_import(window, qtbot, large_sheet, case_sheet):
    # Warm up: the first file opened also imports pandas and the readers (module
    # initialisation holds the GIL); what we measure is the import of a large sheet.
    with qtbot.waitSignal(window.load_finished, timeout=60000):
        window.open_path(str(case_sheet))
    qtbot.waitUntil(lambda: window.samples_tab.is_ready, timeout=30000)
    meter = GapMeter()
    meter.start()
    t0 = time.perf_counter()
    with qtbot.waitSignal(window.load_finished, timeout=180000) as blocker:
        window.open_path(str(large_sheet))
    loaded = time.perf_counter() - t0
    qtbot.waitUntil(lambda: window.samples_tab.is_ready, timeout=60000)
    shown = time.perf_counter() - t0
    meter.stop()
    assert blocker.args == [True], window.import_tab.banner_text
    assert window.cohort.n_samples == N_CASES
    assert window.samples_tab.model.rowCount() == N_CASES
    print(
        f"\n10k import: loaded {loaded:.2f}s, table shown {shown:.2f}s, "
        f"max event-loop gap {meter.max_gap * 1000:.0f} ms over {meter.ticks} ticks"
    )
    assert meter.ticks > 10
    assert meter.max_gap < MAX_GAP_S
    assert meter.max_gap < MAX_GAP_SHARE * loaded


@pytest.mark.slow
def test_cancel_during_a_real_10k_import_keeps_the_previous_cohort(
    demo_window, qtbot, large_sheet
):
    win = demo_window
    before = win.cohort
    tab = win.import_tab
    with qtbot.waitSignal(tab.file_read, timeout=120000):
        tab.open_file(str(large_sheet), auto_import=False)
    with qtbot.waitSignal(tab.busy_changed, timeout=5000):
        tab.start_import()
    qtbot.waitUntil(lambda: tab.progress_bar.value() > 0, timeout=60000)
    with qtbot.waitSignal(tab.import_cancelled, timeout=60000):
        tab.cancel_button.click()
    assert win.cohort is before
    assert win.cohort_label.text() == before.summary_line()
