"""The Cohort tab (Table 1), offscreen: the study runs in a worker, the table shows the
result's own lines, the choices are the Survival tab's, cells copy to the clipboard,
printing gives the report chapter of the same object, and the window lists the tab
after Response."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from imft_desktop.qt.characteristics_tab import MESSAGES, CharacteristicsTab
from imft_desktop.qt.clipboard import copy_table
from imft_desktop.reports.document import Table

DEMO = Path(__file__).resolve().parents[2] / "imft_desktop" / "data" / \
    "demo_cohort_synthetic.xlsx"

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def demo():
    from imft_desktop.io.importer import import_file

    assert DEMO.exists(), "the demo cohort ships with the program"
    return import_file(str(DEMO))


def shown_text(tab: CharacteristicsTab) -> list[list[str]]:
    model = tab.view.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


@pytest.fixture
def tab(qtbot, demo):
    tab = CharacteristicsTab()
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.result_ready, timeout=30_000):
        tab.set_cohort(demo)
    qtbot.waitUntil(tab.is_ready, timeout=30_000)  # the list of choices too
    return tab


def test_first_view_is_the_whole_cohort(tab):
    assert tab.title == "Cohort"
    table = tab.result()
    assert table is not None and not table.grouped
    header = [tab.view.model().headerData(c, Qt.Orientation.Horizontal)
              for c in range(tab.view.model().columnCount())]
    assert header == ["Characteristic", "Overall (n = 24)"]
    rows = shown_text(tab)
    assert len(rows) == len(table.lines())
    assert ["    female", "11 (45.8%)"] in rows
    assert "no test" in tab.methods.text()


def test_compare_by_offers_the_survival_tabs_choices(tab, demo):
    from imft_desktop.qt.survival_tab import grouping_choices

    offered = [tab.group_combo.itemText(i) for i in range(tab.group_combo.count())]
    assert offered[0] == MESSAGES["none"]
    assert [x for x in offered[1:] if x] == grouping_choices(demo)
    assert "monosomy 19" in offered


def test_by_monosomy_19_shows_the_result_with_its_tests(tab, qtbot):
    with qtbot.waitSignal(tab.result_ready, timeout=30_000):
        tab.set_grouping("monosomy 19")
    table = tab.result()
    assert table is not None and table.grouping_name == "monosomy 19"
    rows = shown_text(tab)
    lines = table.lines()
    assert len(rows) == len(lines)
    for row, line in zip(rows, lines):
        assert row[1:1 + len(line.cells)] == list(line.cells)
        assert row[-2:] == [line.p, line.test]
    sex = next(r for r in rows if r[0] == "Sex, n (%)")
    assert sex[-2:] == ["0.14", "Fisher's exact test"]
    female = next(r for r in rows if r[0] == "    female")
    assert female[1:4] == ["7 (36.8%)", "4 (80.0%)", "11 (45.8%)"]
    assert "Fisher-Freeman-Halton exact test" in tab.methods.text()
    assert "monosomy 19: altered 5/24 tested" in tab.message.text()
    # each count says what it counts
    model = tab.view.model()
    r = next(i for i, row in enumerate(rows) if row[0] == "    female")
    tip = model.index(r, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("female: 4 of the 5 patients of monosomy 19")
    tip = model.index(r - 1, len(rows[0]) - 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "Fisher's exact test" in tip and "n = 24" in tip


def test_cells_copy_with_their_headers(tab, qtbot):
    with qtbot.waitSignal(tab.result_ready, timeout=30_000):
        tab.set_grouping("monosomy 19")
    text = copy_table(tab.view, selection_only=False)
    assert QGuiApplication.clipboard().text() == text
    lines = text.splitlines()
    assert lines[0].split("\t")[:4] == ["Characteristic", "no monosomy 19 (n = 19)",
                                        "monosomy 19 (n = 5)", "Overall (n = 24)"]
    assert "    female\t7 (36.8%)\t4 (80.0%)\t11 (45.8%)\t\t" in lines


def test_printing_the_tab_prints_the_same_object(tab, qtbot):
    with qtbot.waitSignal(tab.result_ready, timeout=30_000):
        tab.set_grouping("monosomy 19")
    sections = tab.report_sections()
    printed = next(s for s in sections if isinstance(s, Table))
    assert printed.caption == tab.result().caption()
    female = next(r for r in printed.rows if r[0].strip() == "female")
    assert female[1:4] == ("7 (36.8%)", "4 (80.0%)", "11 (45.8%)")


def test_a_grouping_it_cannot_find_is_said(tab, qtbot):
    tab.group_combo.setCurrentText("no such column")
    with qtbot.waitSignal(tab.result_ready, timeout=30_000):
        tab.analyse()
    assert "Could not compute" in tab.message.text()
    assert "no such column" in tab.message.text()
    assert tab.result() is None and tab.view.model().rowCount() == 0


def test_every_control_explains_itself(tab):
    for widget in (tab.group_combo, tab.group_combo.lineEdit(), tab.analyse_button,
                   tab.view, tab.methods, tab.message):
        assert widget.toolTip(), widget
    assert "Mann-Whitney" not in tab.methods.toolTip()  # no grouping: no test named
    assert "per patient" in tab.methods.toolTip()


def test_clearing_the_cohort(tab):
    tab.set_cohort(None)
    assert tab.result() is None and tab.view.model().rowCount() == 0
    assert tab.message.text() == MESSAGES["no_cohort"]
    assert not tab.analyse_button.isEnabled()


def test_main_window_lists_the_tab_after_response(demo_window, qtbot):
    titles = [demo_window.tabs.tabText(i) for i in range(demo_window.tabs.count())]
    assert titles.index("Cohort") == titles.index("Response") + 1
    demo_window.tabs.setCurrentIndex(titles.index("Cohort"))
    tab = demo_window.current_tab()
    assert isinstance(tab, CharacteristicsTab)
    qtbot.waitUntil(lambda: tab.is_ready() and tab.result() is not None, timeout=60_000)
    assert tab.result().n_patients == 24


def test_the_cohort_tab_adds_its_table_to_the_report(tab, qtbot, demo):
    """What the Cohort tab shows is what "Add to Report" adds, and the report prints the
    same Table 1 (the chapter renders the study, computed again for the cohort)."""
    from imft_desktop.reports.composer import render_outline
    from imft_desktop.reports.outline import ReportOutline

    with qtbot.waitSignal(tab.result_ready, timeout=60_000):
        tab.set_grouping("monosomy 19")
    item = tab.report_item()
    assert item.kind == "characteristics" and item.param("by") == "monosomy 19"
    report = render_outline(demo, ReportOutline((item,)))
    printed = [t for t in report.of_type(Table) if t.caption == tab.result().caption()]
    assert printed and printed[0].header[0] == tab.result().header()
