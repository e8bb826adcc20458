"""The window with a project: new, correct with a reason, undo/redo, save, add a batch,
close and reopen, recover after a crash."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))
from store_helpers import CASE_SHEET, next_batch

from imft_desktop.io.project import Project
from imft_desktop.qt.project_controller import sidecar_path


def _open_case_sheet(win, qtbot, folder: Path) -> Path:
    source = folder / "cases.xlsx"
    shutil.copy(CASE_SHEET, source)
    with qtbot.waitSignal(win.load_finished, timeout=30000):
        win.open_path(str(source))
    return source


def _fish(win, sample: str) -> float:
    fish = win.cohort.tables["fish"]
    return float(fish.loc[fish["sample_id"] == sample, "percent_split"].iloc[0])


def test_the_issue_round_trip_in_the_window(window, qtbot, tmp_path):
    win = window
    source = _open_case_sheet(win, qtbot, tmp_path)
    ctl = win.projects
    path = tmp_path / "study.imftproj"
    assert ctl.new_project(str(path))
    assert win.windowTitle().startswith("study[*] — ") and not win.isWindowModified()
    # a correction with a reason: pending, marked, undoable
    assert ctl.correct("SYN-02", "fish[ALK].percent_split", "25%", "") is not None
    assert ctl.correct("SYN-02", "fish[ALK].percent_split", "250%", "x") is not None
    assert ctl.correct("SYN-02", "fish[ALK].percent_split", "25%", "recounted") is None
    assert win.isWindowModified() and _fish(win, "SYN-02") == 25.0
    assert sidecar_path(path).is_file()
    qtbot.waitUntil(lambda: win.samples_tab.model.rowCount() == 24, timeout=30000)
    model = win.samples_tab.model
    col = model.column_names.index("FISH ALK")
    row = [str(model.value(r, 0)) for r in range(model.rowCount())].index("SYN-02")
    assert "recounted" in model.mark(row, col)
    ctl.undo_stack.undo()
    assert _fish(win, "SYN-02") == 3.0 and not win.isWindowModified()
    ctl.undo_stack.redo()
    assert _fish(win, "SYN-02") == 25.0
    assert ctl.save() and not win.isWindowModified() and not sidecar_path(path).exists()
    # the next batch: accept two updates, reject one, the rest untouched
    batch = next_batch(source, tmp_path / "batch2.xlsx")

    def choose(dialog):
        assert dialog.table.rowCount() == 4
        dialog.set_all(False)
        dialog.set_taken(0, True)
        dialog.set_taken(2, True)
        return True

    result = ctl.add_cases(str(batch), choose=choose)
    assert result["samples_added"] == 2 and result["updates_accepted"] == 2
    assert win.cohort.n_samples == 26
    shown = win.cohort
    assert ctl.close_project()
    # reopen: the same cohort, corrections and log
    assert ctl.open_project(str(path))
    again = win.cohort
    for name in shown.tables:
        assert shown.tables[name].equals(again.tables[name]), name
    assert [a.action for a in ctl.project.audit()].count("accept update") == 2
    assert again.project.corrections[0].reason == "recounted"
    assert str(path) in win.settings.recent_files()
    qtbot.waitUntil(lambda: win.samples_tab.is_ready, timeout=30000)


def test_unsaved_corrections_are_recovered_after_a_crash(window, qtbot, tmp_path):
    win = window
    _open_case_sheet(win, qtbot, tmp_path)
    ctl = win.projects
    path = tmp_path / "study.imftproj"
    ctl.new_project(str(path))
    assert ctl.correct("SYN-05", "age", "61", "chart review") is None
    assert sidecar_path(path).is_file()
    # a crash: the window goes away without saving; the sidecar stays
    ctl.project.close()
    ctl.project = None
    ctl.pending = []
    ctl.undo_stack.clear()
    asked = []

    def recover(box):
        asked.append(box.text())
        return True

    ctl.ask_recover = recover
    assert ctl.open_project(str(path))
    assert "Recover the unsaved changes from" in asked[0]
    assert win.isWindowModified()
    samples = win.cohort.tables["samples"].set_index("sample_id")
    assert samples.at["SYN-05", "age"] == 61.0
    ctl.ask_save = lambda _name: QMessageBox.StandardButton.Discard
    assert ctl.close_project()
    with Project.open(path) as p:
        assert p.corrections() == []
    qtbot.waitUntil(lambda: win.samples_tab.is_ready, timeout=30000)


def test_opening_a_project_file_by_path_or_drop_uses_the_project(window, qtbot, tmp_path):
    source = tmp_path / "cases.xlsx"
    shutil.copy(CASE_SHEET, source)
    Project.create(tmp_path / "p.imftproj", source).close()
    with qtbot.waitSignal(window.load_finished, timeout=30000):
        window.open_path(str(tmp_path / "p.imftproj"))
    assert window.projects.project is not None
    assert window.cohort.n_samples == 24
    assert window.windowTitle().startswith("p[*]")
    qtbot.waitUntil(lambda: window.samples_tab.is_ready, timeout=30000)


def test_a_samples_cell_is_corrected_through_its_dialog(window, qtbot, tmp_path, monkeypatch):
    win = window
    _open_case_sheet(win, qtbot, tmp_path)
    ctl = win.projects
    ctl.new_project(str(tmp_path / "p.imftproj"))
    seen = {}

    class FakeDialog:
        value, reason = "positive", "re-scored"

        def exec(self):
            return True

    def make_dialog(sample, column, address, current, choices):
        seen.update(sample=sample, address=address, current=current, choices=choices)
        return FakeDialog()

    monkeypatch.setattr(ctl, "make_dialog", make_dialog)
    assert ctl.edit_cell("SYN-02", "FISH ALK")
    assert seen["address"] == "fish[ALK].call" and seen["current"] == "neg"
    assert "positive" in seen["choices"]
    fish = win.cohort.tables["fish"]
    assert fish.loc[fish["sample_id"] == "SYN-02", "call"].iloc[0] == "positive"
    assert not ctl.edit_cell("SYN-02", "Fusion")  # derived from several records
    assert "derived" in win.statusBar().currentMessage()
    ctl.ask_save = lambda _name: QMessageBox.StandardButton.Discard
    ctl.close_project()
    qtbot.waitUntil(lambda: win.samples_tab.is_ready, timeout=30000)


def test_a_changed_source_is_offered_again_on_opening(window, qtbot, tmp_path):
    source = tmp_path / "cases.xlsx"
    shutil.copy(CASE_SHEET, source)
    Project.create(tmp_path / "p.imftproj", source).close()
    next_batch(source, source)  # the lab updated the sheet in place
    ctl = window.projects
    asked = []
    ctl.ask_reimport = lambda name: asked.append(name) or False
    assert ctl.open_project(str(tmp_path / "p.imftproj"))
    qtbot.waitUntil(lambda: asked == ["cases.xlsx"], timeout=30000)
    qtbot.waitUntil(lambda: window.samples_tab.is_ready, timeout=30000)


def test_the_choices_made_in_a_tab_come_back_with_the_project(window, qtbot, tmp_path):
    win = window
    _open_case_sheet(win, qtbot, tmp_path)
    ctl = win.projects
    path = tmp_path / "p.imftproj"
    ctl.new_project(str(path))
    page = next(p for p in win.lazy_tabs if p.title == "Survival")
    tab = page.ensure_created()
    qtbot.waitUntil(lambda: tab.group_combo.count() > 2, timeout=30000)
    tab.group_combo.setCurrentIndex(2)
    chosen = tab.group_combo.currentText()
    tab.bands_check.setChecked(not tab.bands_check.isChecked())
    bands = tab.bands_check.isChecked()
    assert ctl.close_project()
    with Project.open(path) as p:
        stored = p.repo.settings()["Survival"]["controls"]
        assert stored["group_combo"] == chosen and stored["bands_check"] == bands
    tab.group_combo.setCurrentIndex(0)
    tab.bands_check.setChecked(not bands)
    assert ctl.open_project(str(path))
    qtbot.waitUntil(lambda: tab.group_combo.currentText() == chosen, timeout=30000)
    assert tab.bands_check.isChecked() == bands
    qtbot.waitUntil(lambda: win.samples_tab.is_ready, timeout=30000)
    ctl.close_project()
    win.set_cohort(None)  # stops the tab's workers before the test ends


def test_a_read_only_project_is_shown_not_changed(window, qtbot, tmp_path, monkeypatch):
    from imft_desktop.qt import project_controller

    source = tmp_path / "cases.xlsx"
    shutil.copy(CASE_SHEET, source)
    Project.create(tmp_path / "p.imftproj", source).close()
    before = (tmp_path / "p.imftproj").read_bytes()
    monkeypatch.setattr(project_controller.os, "access", lambda *_a: False)
    ctl = window.projects
    assert ctl.open_project(str(tmp_path / "p.imftproj"))
    assert "read-only" in window.statusBar().currentMessage()
    assert not ctl.save_action.isEnabled() and ctl.save_as_action.isEnabled()
    assert "read-only" in ctl.correct("SYN-01", "age", "50", "typo")
    assert ctl.save_as(str(tmp_path / "copy.imftproj"))
    assert ctl.writable and ctl.project.path.name == "copy.imftproj"
    assert ctl.correct("SYN-01", "age", "50", "typo") is None and ctl.save()
    assert ctl.close_project()
    assert (tmp_path / "p.imftproj").read_bytes() == before
    with Project.open(tmp_path / "copy.imftproj") as p:
        assert [c.reason for c in p.corrections()] == ["typo"]
    qtbot.waitUntil(lambda: window.samples_tab.is_ready, timeout=30000)


def test_a_clash_ticked_as_the_same_case_is_compared_again(window, qtbot, tmp_path):
    import openpyxl

    win = window
    source = _open_case_sheet(win, qtbot, tmp_path)
    ctl = win.projects
    ctl.new_project(str(tmp_path / "p.imftproj"))
    wb = openpyxl.load_workbook(source)
    wb["Cases"]["A3"] = "syn-01 "
    wb["Cases"]["V3"] = 40.0
    wb.save(tmp_path / "clash.xlsx")
    shown = []

    def choose(dialog):
        shown.append((dialog.table.rowCount(), len(dialog.same_case_checks)))
        for _clash, check in dialog.same_case_checks:
            check.setChecked(True)
        dialog.set_all(True)
        return True

    result = ctl.add_cases(str(tmp_path / "clash.xlsx"), choose=choose)
    assert shown == [(1, 1), (1, 0)]  # the patient matched at once: its PFS is offered
    assert result["updates_accepted"] == 1
    out = win.cohort.tables["outcomes"].set_index("patient_id")
    assert out.at["SYN-P01", "pfs_months"] == 40.0
    ctl.close_project()
    qtbot.waitUntil(lambda: win.samples_tab.is_ready, timeout=30000)


def test_a_project_opens_in_the_background_and_errors_read_as_words(window, qtbot, tmp_path):
    source = tmp_path / "cases.xlsx"
    shutil.copy(CASE_SHEET, source)
    Project.create(tmp_path / "p.imftproj", source).close()
    ctl = window.projects
    with qtbot.waitSignal(window.load_finished, timeout=30000) as blocker:
        assert ctl.open_project(str(tmp_path / "p.imftproj"), background=True)
        assert ctl.project is None  # still opening: the window stays responsive
    assert blocker.args == [True] and ctl.project is not None
    assert window.cohort_label.text() == window.cohort.summary_line()
    ctl.close_project()
    bad = tmp_path / "bad.imftproj"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    failures = []
    ctl._fail = failures.append
    with qtbot.waitSignal(window.load_finished, timeout=30000) as blocker:
        ctl.open_project(str(bad), background=True)
    assert blocker.args == [False] and "not an IMFT project" in failures[0]
    qtbot.waitUntil(lambda: window.samples_tab.is_ready, timeout=30000)
