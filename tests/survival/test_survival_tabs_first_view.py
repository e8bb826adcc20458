"""The first view of the Survival and Response tabs: useful as soon as a cohort loads,
and picking a grouping (or measure) analyses at once, without pressing Analyse."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

import pandas as pd
import pytest

from imft_desktop.model.cohort import Cohort

pytest.importorskip("PySide6")
pytestmark = pytest.mark.gui

TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def demo_cohort() -> Cohort:
    from imft_desktop.io.importer import import_file
    from imft_desktop.synthetic import demo_workbook_path

    path = demo_workbook_path()
    if path is None or not os.path.exists(path):
        pytest.skip("the synthetic demo workbook is not available")
    return import_file(path)


@pytest.fixture
def no_leaked_workers():
    yield
    from imft_desktop.qt.workers import default_runner

    assert default_runner().wait_for_done(10_000), "a worker thread is still running"


def _figure_texts(canvas) -> str:
    """Every text drawn on a canvas' figure (figure texts, titles, axes texts)."""
    fig = canvas.figure
    out = [t.get_text() for t in fig.texts]
    if fig._suptitle is not None:
        out.append(fig._suptitle.get_text())
    for ax in fig.axes:
        out += [ax.get_title(loc=loc) for loc in ("left", "center", "right")]
        out += [t.get_text() for t in ax.texts]
    return "\n".join(out)


def _survival_tab(qtbot, cohort):
    from imft_desktop.qt.survival_tab import SurvivalTab

    tab = SurvivalTab()
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.result_ready, timeout=TIMEOUT_MS):
        tab.set_cohort(cohort)
    qtbot.waitUntil(tab.is_ready, timeout=TIMEOUT_MS)
    return tab


def test_survival_first_view_is_all_patients_km(qtbot, demo_cohort, no_leaked_workers):
    from imft_desktop.qt.survival_tab import MESSAGES

    tab = _survival_tab(qtbot, demo_cohort)
    assert tab.endpoint_combo.currentText() == "PFS"
    assert tab.stats_table.rowCount() == 1
    cells = [tab.stats_table.item(0, j).text() for j in range(tab.stats_table.columnCount())]
    assert cells[0] == "All patients" and cells[1] == "24"
    km = tab.study.km.groups[0]
    assert int(cells[2]) == km.events and int(cells[3]) == 24 - km.events
    assert cells[4].startswith(f"{km.median:.1f} (")  # median and its 95% CI
    assert "24 analysed" in tab.message.text()
    # curve + number-at-risk table; the at-risk row starts with all 24 patients
    ax, risk_ax = tab.canvas.figure.axes
    assert risk_ax.texts[0].get_text() == "24"
    assert "All patients (n=24" in " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "no test" in tab.details.text()
    # the screen area says what to do instead of being a blank canvas
    assert MESSAGES["screen_hint"].format(endpoint="PFS") in _figure_texts(tab.forest_canvas)
    assert not tab.reference_combo.isEnabled()


def test_survival_compare_lists_alterations_by_frequency(qtbot, demo_cohort,
                                                         no_leaked_workers):
    from imft_desktop.analysis.alterations import alteration_matrix

    tab = _survival_tab(qtbot, demo_cohort)
    items = [tab.group_combo.itemText(i) for i in range(tab.group_combo.count())]
    assert items[0] == "All patients"
    info = alteration_matrix(demo_cohort).info
    alts = [x for x in items if x in info]
    comparable = [x for x in alts if 0 < info[x].altered_n < info[x].tested_n]
    assert alts[:len(comparable)] == comparable  # testable ones first
    counts = [info[x].altered_n for x in comparable]
    assert counts == sorted(counts, reverse=True) and counts[0] > 1
    assert "sex" in items and items.index("sex") > items.index(alts[-1])  # columns after
    assert "pfs_months" not in items and "patient_id" not in items


def test_survival_picking_a_grouping_analyses_it(qtbot, demo_cohort, no_leaked_workers):
    tab = _survival_tab(qtbot, demo_cohort)
    idx = tab.group_combo.findText("monosomy 19")
    assert idx > 0
    with qtbot.waitSignal(tab.result_ready, timeout=TIMEOUT_MS):
        tab.group_combo.setCurrentIndex(idx)  # no Analyse press
    assert tab.stats_table.rowCount() == 2
    assert [tab.stats_table.item(i, 0).text() for i in range(2)] == ["no monosomy 19",
                                                                     "monosomy 19"]
    assert sum(int(tab.stats_table.item(i, 1).text()) for i in range(2)) == 24
    p = tab.study.logrank.p
    assert p < 0.05 and p == pytest.approx(0.007, abs=0.001)
    assert "p = 0.007" in tab.details.text()  # model.formatting, as the report prints it
    texts = _figure_texts(tab.canvas)
    assert "PFS by monosomy 19" in texts and "log-rank (two-sided)" in texts
    assert "p = 0.007" in texts
    legend = " ".join(t.get_text() for t in tab.canvas.figure.axes[0].get_legend().get_texts())
    assert "monosomy 19 (n=5, events=5)" in legend
    assert tab.reference_combo.isEnabled() and tab.reference_combo.count() == 2
    # back to everyone
    with qtbot.waitSignal(tab.result_ready, timeout=TIMEOUT_MS):
        tab.group_combo.setCurrentIndex(0)
    assert tab.stats_table.rowCount() == 1 and tab.study.logrank is None


def test_survival_endpoint_switch_reruns(qtbot, demo_cohort, no_leaked_workers):
    tab = _survival_tab(qtbot, demo_cohort)
    with qtbot.waitSignal(tab.result_ready, timeout=TIMEOUT_MS):
        tab.endpoint_combo.setCurrentIndex(1)
    assert tab.study.km.endpoint == "OS"
    assert tab.stats_table.horizontalHeaderItem(5).text().startswith("12-month OS")


def _outcomes_cohort(columns: dict[str, list]) -> Cohort:
    n = len(next(iter(columns.values())))
    pids = [f"P{i}" for i in range(n)]
    samples = pd.DataFrame({"sample_id": [f"S{i}" for i in range(n)], "patient_id": pids})
    outcomes = pd.DataFrame({"patient_id": pids, **columns})
    return Cohort.from_tables({"samples": samples, "outcomes": outcomes})


def test_survival_falls_back_to_os(qtbot, no_leaked_workers):
    cohort = _outcomes_cohort({"os_months": [3.0, 5.5, 8.0, 12.0, 20.0, 24.0],
                               "os_event": [1, 1, 0, 1, 0, 0]})
    tab = _survival_tab(qtbot, cohort)
    assert tab.endpoint_combo.currentText() == "OS"
    assert tab.study.km.endpoint == "OS"
    assert tab.stats_table.item(0, 1).text() == "6"


def test_survival_without_endpoint_names_missing_columns(qtbot, no_leaked_workers):
    cohort = _outcomes_cohort({"best_response": ["PR", "SD", "PD"]})
    tab = _survival_tab(qtbot, cohort)
    text = tab.message.text()
    assert "No survival data" in text
    for col in ("pfs_months", "pfs_event", "os_months", "os_event"):
        assert col in text
    assert "No survival data" in _figure_texts(tab.canvas)
    assert tab.stats_table.rowCount() == 0 and not tab.screen_button.isEnabled()


# ---------------------------------------------------------------- Response tab
def _response_tab(qtbot, cohort):
    from imft_desktop.qt.response_tab import ResponseTab

    tab = ResponseTab()
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.result_ready, timeout=TIMEOUT_MS):
        tab.set_cohort(cohort)
    qtbot.waitUntil(tab.is_ready, timeout=TIMEOUT_MS)
    return tab


def test_response_first_view(qtbot, demo_cohort, no_leaked_workers):
    from imft_desktop.qt.response_tab import MESSAGES

    tab = _response_tab(qtbot, demo_cohort)
    assert "ORR (all patients) 10/24" in tab.message.text()
    assert tab.orr_table.item(0, 7).text() == "10/24"
    # CNA burden by response, by default
    assert tab.measure_combo.currentText() == MESSAGES["cna"]
    assert tab.study.measure is not None and "CNA burden" in tab.study.measure.measure
    assert tab.box_canvas.figure.axes
    assert sum(tab.study.measure.n.values()) == 24
    assert tab.swimmer_canvas.figure.axes and tab.waterfall_canvas.figure.axes
    # no grouping: a helpful line instead of an empty Fisher table
    assert tab.fisher_table.isHidden() and not tab.fisher_hint.isHidden()
    assert "Compare" in tab.fisher_hint.text()


def test_response_changes_rerun(qtbot, demo_cohort, no_leaked_workers):
    from imft_desktop.qt.response_tab import MESSAGES

    tab = _response_tab(qtbot, demo_cohort)
    idx = tab.group_combo.findText("ALK fusion")
    assert idx > 0
    with qtbot.waitSignal(tab.result_ready, timeout=TIMEOUT_MS):
        tab.group_combo.setCurrentIndex(idx)
    assert tab.orr_table.rowCount() == 3
    assert not tab.fisher_table.isHidden() and tab.fisher_hint.isHidden()
    assert tab.fisher_table.rowCount() == 2
    assert "Fisher's exact test" in tab.details.text()
    with qtbot.waitSignal(tab.result_ready, timeout=TIMEOUT_MS):
        tab.measure_combo.setCurrentIndex(tab.measure_combo.findText(MESSAGES["none"]))
    assert tab.study.measure is None
    assert MESSAGES["no_measure"] in _figure_texts(tab.box_canvas)
    # a grouping with more than two levels: the hint says why there is no 2x2 table
    with qtbot.waitSignal(tab.result_ready, timeout=TIMEOUT_MS):
        tab.group_combo.setCurrentIndex(tab.group_combo.findText("site"))
    assert len(tab.study.data.levels) > 2 and tab.fisher_table.isHidden()
    assert "needs two groups; site has" in tab.fisher_hint.text()


def test_response_without_copy_number_has_no_default_measure(qtbot, no_leaked_workers):
    from imft_desktop.qt.response_tab import MESSAGES

    cohort = _outcomes_cohort({"best_response": ["PR", "SD", "PD", "CR", "SD"]})
    tab = _response_tab(qtbot, cohort)
    assert "ORR (all patients) 2/5" in tab.message.text()
    assert tab.study.measure is None
    assert tab.measure_combo.currentText() == MESSAGES["none"]
    assert "No CNA burden" in _figure_texts(tab.box_canvas)
