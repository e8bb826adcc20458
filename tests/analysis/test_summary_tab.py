"""The Summary tab, offscreen: frequency rows, picking an alteration, plots, grouping."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")
pytest.importorskip("PySide6")

from PySide6.QtCore import Qt

from imft_desktop.qt.summary_tab import SummaryTab


@pytest.fixture
def tab(qtbot, cohort):
    widget = SummaryTab()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.result_ready, timeout=20_000):
        widget.set_cohort(cohort)
    yield widget
    widget.set_cohort(None)


def _row_of(tab: SummaryTab, label: str) -> int:
    for r in range(tab.freq_proxy.rowCount()):
        picked = tab.label_at(r)
        if picked and picked[0] == label:
            return r
    raise AssertionError(label)


def test_table_rows_and_denominators(tab):
    assert tab.title == "Summary"
    model = tab.freq_proxy
    assert model.rowCount() == len(tab.summary.matrix.labels)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:2] == ["Alteration", "Group"]
    r = _row_of(tab, "22q loss")
    texts = [model.index(r, c).data() for c in range(model.columnCount())]
    assert texts[0] == "22q loss"
    assert "3" in texts[headers.index("Altered")] and "5" in texts[headers.index("Tested")]
    assert "Clopper-Pearson" in tab.methods.toPlainText()


def test_double_click_emits_altered_samples(qtbot, tab):
    r = _row_of(tab, "ALK fusion")
    index = tab.table.model().index(r, 0)
    rect = tab.table.visualRect(index)
    with qtbot.waitSignal(tab.samples_selected, timeout=5_000) as blocker:
        qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args[0] == ["S1", "S2", "S6"]
    with qtbot.waitSignal(tab.samples_selected, timeout=5_000) as blocker:
        tab.select_button.click()
    assert blocker.args[0] == ["S1", "S2", "S6"]


def test_filter_sort_and_pick_still_maps_to_the_right_label(qtbot, tab):
    tab.filter_edit.setText("PIK3CA")
    assert tab.freq_proxy.rowCount() == 3
    tab.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert tab.label_at(0)[0] == "PIK3CA p.H1047R"
    with qtbot.waitSignal(tab.samples_selected) as blocker:
        tab.choose_row(0)
    assert blocker.args[0] == ["S1"]


def test_plots_draw_on_their_canvases(qtbot, tab):
    for name in ("Fusion partners", "Oncoprint", "Copy number"):
        idx = next(i for i in range(tab.subtabs.count()) if tab.subtabs.tabText(i) == name)
        tab.subtabs.setCurrentIndex(idx)
    assert {"partners", "oncoprint", "genome"} <= tab._drawn
    assert all(c.figure.axes for c in tab._canvases.values())
    assert tab.conc_gene.count() == 1 and "kappa" in tab.conc_text.toPlainText()
    assert tab.cooc_model.rowCount() > 0


def test_grouping_and_clearing(qtbot, tab):
    i = tab.group_combo.findText("best_response")
    assert i > 0
    with qtbot.waitSignal(tab.result_ready, timeout=20_000):
        tab.group_combo.setCurrentIndex(i)
        tab.group_combo.activated.emit(i)
    assert tab.summary.frequencies.group_by == "best_response"
    r = next(r for r in range(tab.freq_proxy.rowCount())
             if tab.label_at(r) == ("22q loss", "PR"))
    with qtbot.waitSignal(tab.samples_selected) as blocker:
        tab.choose_row(r)
    assert blocker.args[0] == ["S1", "S2"]
    tab.set_cohort(None)
    assert tab.freq_proxy.rowCount() == 0 and tab.summary is None


def test_report_item_describes_the_sub_tab_shown(qtbot, tab):
    """The report-composer hook: what the shown sub-tab displays, as an outline item."""
    expected = {
        "Frequencies": ("frequencies", {}),
        "Fusion partners": ("partners", {}),
        "Oncoprint": ("oncoprint", {"rows": 25}),
        "Copy number": ("copy_number", {}),
        "Concordance": ("concordance", {"gene": "ALK"}),
        "Co-occurrence": ("cooccurrence", {}),
    }
    for i in range(tab.subtabs.count()):
        tab.subtabs.setCurrentIndex(i)
        item = tab.report_item()
        kind, params = expected[tab.subtabs.tabText(i)]
        assert (item.kind, item.options) == (kind, params)
        assert item.title
    tab.subtabs.setCurrentIndex(0)
    i = tab.group_combo.findText("best_response")
    with qtbot.waitSignal(tab.result_ready, timeout=20_000):
        tab.group_combo.setCurrentIndex(i)
        tab.group_combo.activated.emit(i)
    item = tab.report_item()
    assert item.options == {"group_by": "best_response"}
    assert item.title == "Alteration frequencies by best_response"


def test_percent_and_ci_cells_are_written_by_the_one_formatter(tab):
    from imft_desktop.model.formatting import format_percent, format_percent_ci

    model = tab.freq_proxy
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    rows = {r.label: r for r in tab.summary.frequencies.to_frame().itertuples(index=False)}
    for r in range(model.rowCount()):
        label = model.index(r, 0).data()
        assert model.index(r, headers.index("%")).data() == format_percent(rows[label].percent)
        assert model.index(r, headers.index("95% CI")).data() == format_percent_ci(
            rows[label].ci_low, rows[label].ci_high)
    # Sorting by % still sorts numbers, not text ("100.0%" after "20.0%").
    tab.table.sortByColumn(headers.index("%"), Qt.SortOrder.DescendingOrder)
    first = tab.label_at(0)[0]
    assert rows[first].percent == max(r.percent for r in rows.values())
