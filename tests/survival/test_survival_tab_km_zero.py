"""Survival tab, issue 13: S(t) where the curve has reached 0 is 0 %, not NA; the CI
band of the all-patients curve follows the "CI bands" box; singular wording."""

from __future__ import annotations

import os

import pandas as pd
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")
pytest.importorskip("PySide6")
pytestmark = pytest.mark.gui


@pytest.fixture
def all_progressed(make_cohort):
    """Every patient progresses by 9.9 months: the KM curve is 0 from then on."""
    df = pd.DataFrame({"time": [1.2, 2.5, 3.1, 4.0, 5.5, 7.0, 9.9],
                       "status": [1, 0, 1, 1, 1, 1, 1], "g": ["a"] * 7})
    return make_cohort(df, "time", "status", ["g"])


def _bands(tab) -> int:
    ax = tab.canvas.figure.axes[0]
    return sum(type(c).__name__.endswith("PolyCollection") for c in ax.collections)


def test_twelve_month_pfs_is_zero_and_bands_follow_the_box(qtbot, all_progressed):
    from imft_desktop.qt.survival_tab import SurvivalTab
    from imft_desktop.qt.workers import default_runner

    tab = SurvivalTab()
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.result_ready, timeout=20_000):
        tab.set_cohort(all_progressed)  # all patients as one curve
    assert tab.at_spin.value() == 12.0
    cell = tab.stats_table.item(0, 5).text()
    assert cell.startswith("0.0%"), cell  # was "NA"
    assert "7 patients" in tab.message.text() or tab.study.data.n == 7
    assert not tab.bands_check.isChecked()
    assert _bands(tab) == 0  # unticked: no band, one curve or several
    tab.bands_check.setChecked(True)
    assert _bands(tab) == 1
    tab.bands_check.setChecked(False)
    assert _bands(tab) == 0
    assert default_runner().wait_for_done(10_000)
