"""A report composed in the window: Add to Report on three tabs, the Report Outline panel
(reorder, remove, undo, landscape), printing exactly those sections, kept in a project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from imft_desktop.io.project import Project
from imft_desktop.qt import clipboard, printing
from imft_desktop.qt.print_options import PrintOptions, PrintOptionsDialog
from imft_desktop.qt.tab_protocols import ComposableTab
from imft_desktop.reports.document import Heading
from imft_desktop.reports.outline import ReportItem, ReportOutline

MEDIABOX_RE = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")
#: What the Survival tab adds for PFS by monosomy 19 (the endpoint it chose written down).
SURVIVAL_ITEM = ReportItem.make("survival", "PFS by monosomy 19",
                                {"endpoint": "PFS", "grouping": "monosomy 19",
                                 "landmarks": [12.0]})


def show_tab(win, qtbot, title: str):
    win.tabs.setCurrentIndex(next(i for i in range(win.tabs.count())
                                  if win.tabs.tabText(i) == title))
    tab = win.current_tab()
    qtbot.waitUntil(lambda: ready(tab), timeout=60000)
    return tab


def ready(tab) -> bool:
    """The tab has nothing left to compute (``is_ready`` is a method or a property)."""
    state = getattr(tab, "is_ready", True)
    return bool(state() if callable(state) else state)


def compose_three(win, qtbot, monkeypatch) -> list[str]:
    """Samples, Response by ALK fusion and Survival's PFS by monosomy 19, in this order;
    returns the titles the status bar confirmed."""
    show_tab(win, qtbot, "Samples")
    assert win.add_current_view_to_report()
    response = show_tab(win, qtbot, "Response")
    with qtbot.waitSignal(response.result_ready, timeout=60000):
        response.set_choices("ALK fusion", "CNA burden")
        response.analyse()
    assert win.add_current_view_to_report()
    survival = show_tab(win, qtbot, "Survival")
    assert isinstance(survival, ComposableTab)
    survival.set_grouping("monosomy 19")
    with qtbot.waitSignal(survival.result_ready, timeout=60000):
        survival.analyse()
    win._update_add_action()
    assert survival.report_item() == SURVIVAL_ITEM
    assert win.add_to_report_action.isEnabled()
    win.add_to_report_action.trigger()
    titles = [item.title for item in win.report_outline().items]
    assert len(titles) == 3
    assert win.statusBar().currentMessage() == \
        f"Added '{titles[2]}' to the report (3 sections)"
    return titles


def export_pdf(win, monkeypatch, path: Path) -> dict:
    """File > Export PDF… with the choices the dialog starts with; returns them."""
    offered: dict = {}

    def ask(window, tab_title, ask_page_size=False, n_selected=0, **choices):
        offered.update(choices, tab_title=tab_title)
        return PrintOptions("outline" if choices.get("n_outline") else "cohort", False, "A4",
                            choices.get("orientation", "portrait"))

    monkeypatch.setattr(printing, "ask_print_options", ask)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    win._on_print_action("export_pdf")
    assert path.is_file()
    return offered


def chapters(win) -> list[str]:
    """Level-1 headings of the composed report as File > Print would print it."""
    report = printing._build_report(win.cohort, PrintOptions("outline"), None, "", (), None,
                                    win.report_outline())
    return [s.text for s in report.of_type(Heading) if s.level == 1][1:]


def pdf_text_after_title_page(path: Path) -> str:
    """The PDF's text from page 2 on (page 1 lists the sections in its provenance)."""
    pypdf = pytest.importorskip("pypdf")
    pages = pypdf.PdfReader(str(path)).pages[1:]
    return "\f".join(re.sub(r"\s+", " ", page.extract_text()) for page in pages)


def test_a_report_composed_from_three_tabs_prints_exactly_those_sections(
        demo_window, qtbot, monkeypatch, tmp_path):
    win = demo_window
    assert not win.report_dock.isVisible()  # hidden until something is added
    titles = compose_three(win, qtbot, monkeypatch)
    assert titles[:2] == ["Cohort characteristics", "Response by ALK fusion"]
    assert win.report_dock.isVisible() and win.report_dock.list.count() == 3
    assert chapters(win) == [*titles, "Methods"]
    offered = export_pdf(win, monkeypatch, tmp_path / "composed.pdf")
    assert offered["n_outline"] == 3 and offered["tab_title"] == "Survival"
    text = pdf_text_after_title_page(tmp_path / "composed.pdf")
    where = [text.find(t) for t in [*titles, "Methods"]]
    assert -1 not in where and where == sorted(where), where
    for other in ("Alteration frequencies", "Oncoprint", "Alteration screen"):
        assert other not in text


def test_reordering_and_removing_change_the_print_and_undo_brings_it_back(
        demo_window, qtbot, monkeypatch):
    win = demo_window
    titles = compose_three(win, qtbot, monkeypatch)
    dock = win.report_dock
    dock.list.setCurrentRow(2)
    dock.move_selected(-1)
    assert chapters(win) == [titles[0], titles[2], titles[1], "Methods"]
    dock.list.setCurrentRow(0)
    dock.remove_selected()
    assert chapters(win) == [titles[2], titles[1], "Methods"]
    assert dock.list.count() == 2
    undo = win.projects.undo_stack
    assert undo.undoText() == f"Remove '{titles[0]}' from the report"
    undo.undo()
    undo.undo()
    assert [i.title for i in win.report_outline().items] == titles
    # a row dropped elsewhere in the list reorders the report too
    assert dock.list.model().moveRow(QModelIndex(), 0, QModelIndex(), 3)
    qtbot.waitUntil(lambda: [i.title for i in win.report_outline().items] ==
                    [titles[1], titles[2], titles[0]])
    dock.clear()
    assert win.report_outline().empty and not dock.print_button.isEnabled()


def test_landscape_outline_prints_on_landscape_pages(demo_window, qtbot, monkeypatch,
                                                      tmp_path):
    win = demo_window
    show_tab(win, qtbot, "Samples")
    assert win.add_current_view_to_report()
    combo = win.report_dock.orientation_combo
    combo.setCurrentIndex(combo.findData("landscape"))
    combo.activated.emit(combo.currentIndex())
    assert win.report_outline().orientation == "landscape"
    offered = export_pdf(win, monkeypatch, tmp_path / "wide.pdf")
    assert offered["orientation"] == "landscape"
    boxes = MEDIABOX_RE.findall((tmp_path / "wide.pdf").read_bytes())
    assert boxes and all(float(w) > float(h) for w, h in boxes)


def test_the_print_dialog_offers_the_outline_first(qtbot):
    dialog = PrintOptionsDialog(None, "Survival", True, n_outline=3, orientation="landscape")
    qtbot.addWidget(dialog)
    assert dialog.outline_button.text() == "The report outline (3 sections)"
    assert dialog.options() == PrintOptions("outline", False, "A4", "landscape")
    dialog.tab_button.setChecked(True)
    assert dialog.options().scope == "tab"
    empty = PrintOptionsDialog(None, "Survival", True)
    qtbot.addWidget(empty)
    assert empty.options().scope == "tab" and empty.outline_button.parent() is None
    workbook = PrintOptionsDialog(None, "Survival", n_outline=2, workbook=True)
    qtbot.addWidget(workbook)
    assert workbook.options().scope == "outline" and not workbook.tab_button.text()
    for box in (dialog.page_size_combo, dialog.orientation_combo, dialog.deidentify_box,
                dialog.outline_button, dialog.cases_button):
        assert box.toolTip(), box


def test_a_tab_without_a_section_says_why(demo_window, qtbot):
    show_tab(demo_window, qtbot, "Import")
    action = demo_window.add_to_report_action
    assert not action.isEnabled() and "Import tab" in action.toolTip()
    assert not demo_window.add_to_report_button.isEnabled()
    assert not demo_window.add_current_view_to_report()
    assert "Import tab" in demo_window.statusBar().currentMessage()
    show_tab(demo_window, qtbot, "Samples")
    assert action.isEnabled() and demo_window.add_to_report_button.isEnabled()


def test_adding_the_same_view_twice_keeps_one_section(demo_window, qtbot):
    show_tab(demo_window, qtbot, "Samples")
    assert demo_window.add_current_view_to_report()
    assert not demo_window.add_current_view_to_report()
    assert "in the report already" in demo_window.statusBar().currentMessage()
    assert len(demo_window.report_outline().items) == 1


def test_ctrl_shift_a_is_the_windows_even_in_a_text_box(qapp):
    clipboard.install(qapp)
    box = QLineEdit()
    seq = QKeySequence("Ctrl+Shift+A")[0]
    event = QKeyEvent(QEvent.Type.ShortcutOverride, seq.key(), seq.keyboardModifiers())
    event.setAccepted(True)  # as a text box that wants the key ("deselect") would leave it
    QApplication.sendEvent(box, event)
    assert not event.isAccepted()


def test_the_outline_is_kept_in_the_project_and_comes_back(demo_window, qtbot, tmp_path):
    win = demo_window
    ctl = win.projects
    path = tmp_path / "composed.imftproj"
    assert ctl.new_project(str(path))
    show_tab(win, qtbot, "Samples")
    assert win.add_current_view_to_report()
    response = show_tab(win, qtbot, "Response")
    assert win.add_current_view_to_report()
    win.report_dock.change(win.report_outline().with_orientation("landscape"), "landscape")
    composed = win.report_outline()
    assert ctl.close_project()
    with Project.open(path) as project:
        assert ReportOutline.from_json(project.repo.report_outline()) == composed
        assert [e.action for e in project.audit()].count("report outline") == 1
    win.report_dock.load(ReportOutline())
    win.report_dock.hide()
    assert ctl.open_project(str(path))
    assert win.report_outline() == composed and win.report_dock.isVisible()
    qtbot.waitUntil(lambda: win.samples_tab.is_ready, timeout=30000)
    qtbot.waitUntil(lambda: ready(response), timeout=60000)
    assert ctl.close_project()  # unchanged: not written again
    with Project.open(path) as project:
        assert [e.action for e in project.audit()].count("report outline") == 1


def test_ctrl_shift_a_adds_the_view_while_a_text_box_has_the_focus(demo_window, qtbot, qapp):
    clipboard.install(qapp)
    response = show_tab(demo_window, qtbot, "Response")
    box = response.group_combo.lineEdit()
    demo_window.activateWindow()
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(demo_window.report_outline().items) == 1)
    assert demo_window.report_outline().items[0].kind == "response"


def test_excel_export_of_a_composed_report_has_its_sections_sheets(demo_window, qtbot,
                                                                    monkeypatch, tmp_path):
    import openpyxl

    win = demo_window
    show_tab(win, qtbot, "Samples")
    assert win.add_current_view_to_report()
    show_tab(win, qtbot, "Response")
    assert win.add_current_view_to_report()
    asked = {}

    def ask(window, tab_title, ask_page_size=False, n_selected=0, **choices):
        asked.update(choices)
        return PrintOptions("outline")

    monkeypatch.setattr(printing, "ask_print_options", ask)
    path = tmp_path / "sections.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    win._on_print_action("export_workbook")
    assert asked == {"n_outline": 2, "workbook": True}
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert names[1:] == ["Characteristics", "Response", "Response tests"]


def test_the_whole_cohort_report_plots_the_groupings_the_user_marked(demo_window, qtbot):
    """With nothing composed, the whole report's Kaplan-Meier plots are those of the
    grouping the Survival tab shows, not the screen's exploratory top results; with
    survival sections in the outline, theirs."""
    win = demo_window
    assert win.report_groupings() == []
    survival = show_tab(win, qtbot, "Survival")
    survival.set_grouping("PIK3CA")
    with qtbot.waitSignal(survival.result_ready, timeout=60000):
        survival.analyse()
    assert win.report_groupings() == ["PIK3CA"]
    report = printing._build_report(win.cohort, PrintOptions("cohort"), None, "",
                                    tuple(win.report_groupings()), None)
    headings = [s.text for s in report.of_type(Heading)]
    assert "PFS by PIK3CA mutation" in headings
    assert not any("exploratory, chosen by the screen" in h for h in headings)
    win.report_dock.load(ReportOutline((SURVIVAL_ITEM,)))
    assert win.report_groupings() == ["monosomy 19"]
