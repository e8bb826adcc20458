"""The Import tab: mapping a sheet with unfamiliar headers, findings, cancel, errors."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from imft_desktop.io.mapping import target_label
from imft_desktop.model.progress import Cancelled
from imft_desktop.model.vocab import Level
from imft_desktop.qt import error_dialog
from imft_desktop.qt.import_models import MappingTableModel
from imft_desktop.qt.import_tab import MESSAGES


def _read(window, qtbot, path, auto_import=False):
    tab = window.import_tab
    with qtbot.waitSignal(tab.file_read, timeout=30000):
        tab.open_file(path, auto_import=auto_import)
    return tab


def test_unfamiliar_headers_can_be_mapped_and_imported(window, qtbot, case_sheet):
    tab = _read(window, qtbot, case_sheet)
    model = tab.mapping_model
    assert model.columnCount() == len(MappingTableModel.HEADERS)
    letters = [model.index(r, 0).data() for r in range(model.rowCount())]
    row_e = letters.index("E")
    target_index = model.index(row_e, MappingTableModel.TARGET_COLUMN)
    # "Resp" is not recognised: listed as unmapped, kept as a clinical column.
    assert target_index.data(Qt.ItemDataRole.EditRole) == "extra"
    assert "E (Resp)" in tab.unmapped_label.text()
    assert model.flags(target_index) & Qt.ItemFlag.ItemIsEditable

    # The user picks "Best response" in the drop-down (through the model, as the
    # delegate does).
    assert model.setData(target_index, "outcomes.best_response")
    assert target_index.data() == target_label("outcomes.best_response")
    assert target_index.data().startswith("Best response")
    assert model.index(row_e, 3).data() == "100%"
    assert "E (Resp)" not in tab.unmapped_label.text()

    with qtbot.waitSignal(tab.cohort_imported, timeout=30000) as blocker:
        tab.import_button.click()
    cohort = blocker.args[0]
    assert cohort.n_samples == 12
    responses = cohort.clinical().set_index("sample_id")["best_response"]
    assert responses["C00001"] == "PR" and responses["C00003"] == "PD"
    assert window.cohort is cohort
    assert window.cohort_label.text() == cohort.summary_line()
    qtbot.waitUntil(lambda: window.samples_tab.is_ready)
    # The Samples tab shows the mapped response.
    samples = window.samples_tab.model
    assert "Best response" in samples.column_names


def test_combo_delegate_lists_readable_targets(window, qtbot, case_sheet):
    from PySide6.QtWidgets import QComboBox, QStyleOptionViewItem

    tab = _read(window, qtbot, case_sheet)
    model = tab.mapping_model
    index = model.index(0, MappingTableModel.TARGET_COLUMN)
    delegate = tab.mapping_view.itemDelegateForColumn(MappingTableModel.TARGET_COLUMN)
    editor = delegate.createEditor(tab.mapping_view.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(editor, QComboBox)
    labels = [editor.itemText(i) for i in range(editor.count())]
    for target in ("samples.sample_id", "outcomes.best_response", "ignore"):
        assert target_label(target) in labels
    delegate.setEditorData(editor, index)
    assert editor.currentData() == "samples.sample_id"
    editor.setCurrentIndex(editor.findData("samples.comment"))
    delegate.setModelData(editor, model, index)
    assert index.data(Qt.ItemDataRole.EditRole) == "samples.comment"
    editor.deleteLater()


def test_profile_save_load_round_trip(window, qtbot, case_sheet, tmp_path):
    tab = _read(window, qtbot, case_sheet)
    assert tab.set_column_target("E", "outcomes.best_response")
    path = tmp_path / "mapping.json"
    assert tab.save_profile(str(path))
    # Back to the automatic mapping, then load the saved one.
    tab.reapply_button.click()
    assert tab.current_profile().column("E").target == "extra"
    assert tab.load_profile(str(path))
    assert tab.current_profile().column("E").target == "outcomes.best_response"
    assert MESSAGES["profile_applied"].format(name=tab.loaded_profile.name) in tab.banner_text


def test_bad_profile_is_an_inline_message(window, qtbot, case_sheet, tmp_path):
    tab = _read(window, qtbot, case_sheet)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert not tab.load_profile(str(bad))
    assert "cannot be used" in tab.banner_text
    assert error_dialog.current_dialog() is None


def test_canonical_workbook_shows_its_sheets_read_only(demo_window):
    tab = demo_window.import_tab
    model = tab.mapping_model
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Sheet"
    sheets = {model.index(r, 0).data() for r in range(model.rowCount())}
    assert {"Samples", "IHC", "FISH", "Outcomes"} <= sheets
    assert not model.flags(model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable
    assert not tab.load_profile_button.isEnabled()


def test_findings_are_listed_filtered_and_point_at_their_cell(window, qtbot, broken_sheet):
    tab = _read(window, qtbot, broken_sheet)
    with qtbot.waitSignal(tab.cohort_imported, timeout=30000):
        tab.start_import()
    findings = tab.findings_model.findings
    errors = [f for f in findings if f.level is Level.ERROR]
    assert errors, [f.code for f in findings]
    assert tab.level_buttons[Level.ERROR].text() == f"Errors ({len(errors)})"
    # Only errors.
    tab.level_buttons[Level.WARNING].setChecked(False)
    tab.level_buttons[Level.INFO].setChecked(False)
    assert tab.findings_model.rowCount() == len(errors)
    # Text filter on the error of the non-numeric PFS in F3.
    dup = next(f for f in errors if f.row == 3 and f.column == "F")
    tab.findings_filter.setText(dup.code.lower())
    assert 1 <= tab.findings_model.rowCount() <= len(errors)
    # Show another sheet, then select the finding: the preview switches back to
    # "Cases" and selects cell F3.
    tab.sheet_combo.setCurrentIndex(tab.sheet_combo.findData("Notes"))
    assert tab.preview_sheet().name == "Notes"
    rows = [
        r for r in range(tab.findings_model.rowCount())
        if tab.findings_model.index(r, 1).data() == dup.location
    ]
    tab.select_finding_row(rows[0])
    assert tab.preview_sheet().name == "Cases"
    current = tab.preview_view.currentIndex()
    assert (current.row() + 1, current.column()) == (3, 5)
    assert current.data() == "about a year"
    assert tab.preview_view.selectionModel().isSelected(current)
    assert tab.preview_model.headerData(0, Qt.Orientation.Horizontal) == "A"
    assert tab.preview_model.headerData(3, Qt.Orientation.Vertical) == "4"
    qtbot.waitUntil(lambda: window.samples_tab.is_ready)


def test_unreadable_file_shows_an_inline_message(demo_window, qtbot, tmp_path):
    win = demo_window
    before = win.cohort
    junk = tmp_path / "results.xlsx"
    junk.write_bytes(b"\x00\x01 this is not a workbook" * 10)
    with qtbot.waitSignal(win.import_tab.file_failed, timeout=30000):
        win.open_path(str(junk))
    text = win.import_tab.banner_text
    assert "results.xlsx cannot be read" in text
    assert "Traceback" not in text
    assert win.import_tab.banner.property("kind") == "error"
    assert error_dialog.current_dialog() is None
    assert win.cohort is before


def test_cancel_keeps_the_previous_cohort(demo_window, qtbot, monkeypatch, case_sheet):
    win = demo_window
    before = win.cohort
    started = threading.Event()

    def slow_import(workbook, options, progress=None):
        # Reports progress, then waits for Cancel (never finishes on its own).
        progress.report(0.3, "Validating")
        started.set()
        while True:
            progress.check()
            threading.Event().wait(0.005)

    monkeypatch.setattr("imft_desktop.qt.import_tab.import_cohort", slow_import)
    tab = _read(win, qtbot, case_sheet)
    with qtbot.waitSignal(tab.busy_changed, timeout=5000):
        tab.start_import()
    assert tab.progress_row.isVisibleTo(tab)
    qtbot.waitUntil(lambda: tab.progress_bar.value() == 300, timeout=10000)
    assert tab.progress_label.text() == "Validating"
    assert not tab.import_button.isEnabled()
    with qtbot.waitSignal(tab.import_cancelled, timeout=10000):
        tab.cancel_button.click()
    assert win.cohort is before
    assert win.cohort_label.text() == before.summary_line()
    assert MESSAGES["cancelled_import"] in tab.banner_text
    assert not tab.progress_row.isVisibleTo(tab)
    assert tab.import_button.isEnabled()


def test_unexpected_import_error_opens_the_dialog_and_keeps_the_cohort(
    demo_window, qtbot, monkeypatch, case_sheet
):
    win = demo_window
    before = win.cohort

    def broken_import(workbook, options, progress=None):
        raise ZeroDivisionError("value 42 of patient X")

    monkeypatch.setattr("imft_desktop.qt.import_tab.import_cohort", broken_import)
    tab = _read(win, qtbot, case_sheet)
    with qtbot.waitSignal(tab.busy_changed, timeout=5000, check_params_cb=lambda b: not b):
        tab.start_import()
    qtbot.waitUntil(lambda: error_dialog.current_dialog() is not None)
    assert "ZeroDivisionError" in error_dialog.current_dialog().details.toPlainText()
    assert win.cohort is before
    assert MESSAGES["import_failed"] in tab.banner_text


def test_cancelled_task_never_delivers(qtbot):
    from imft_desktop.qt.workers import TaskState, start_task

    results = []
    gate = threading.Event()

    def work(progress):
        gate.wait(5)
        progress.check()
        return "done"

    handle = start_task(work, on_result=results.append)
    handle.cancel()
    with qtbot.waitSignal(handle.done, timeout=5000):
        gate.set()
    assert handle.state is TaskState.CANCELLED
    assert results == []
    assert isinstance(Cancelled(), Exception)


def test_closing_the_window_during_an_import_stops_the_worker(
    window, qtbot, monkeypatch, case_sheet
):
    from imft_desktop.qt.workers import default_runner

    def endless_import(workbook, options, progress=None):
        while True:
            progress.check()
            threading.Event().wait(0.005)

    monkeypatch.setattr("imft_desktop.qt.import_tab.import_cohort", endless_import)
    tab = _read(window, qtbot, case_sheet)
    tab.start_import()
    qtbot.waitUntil(lambda: default_runner().pool.activeThreadCount() == 1, timeout=5000)
    window.close()
    assert default_runner().pool.activeThreadCount() == 0
    qtbot.waitUntil(lambda: not default_runner().busy(), timeout=5000)


def test_text_file_in_another_encoding_can_be_read_again(window, qtbot, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes("Case no.;Pt;Site\nC1;P1;Hüfte\nC2;P2;Knie\n".encode("cp1252"))
    tab = window.import_tab
    with qtbot.waitSignal(tab.file_failed, timeout=30000):
        tab.open_file(str(path))
    assert "cannot be read" in tab.banner_text
    assert tab.text_options.isVisibleTo(tab)
    tab.encoding_combo.setCurrentIndex(tab.encoding_combo.findData("cp1252"))
    with qtbot.waitSignal(window.load_finished, timeout=30000) as blocker:
        tab.reread_button.click()
    assert blocker.args == [True], tab.banner_text
    assert "cp1252" in tab.detected_label.text() and "semicolon" in tab.detected_label.text()
    assert tab.preview_model.index(1, 2).data() == "Hüfte"
    assert window.cohort.n_samples == 2
    qtbot.waitUntil(lambda: window.samples_tab.is_ready)


def test_a_mapping_without_sample_ids_is_refused_inline(demo_window, qtbot, case_sheet):
    win = demo_window
    before = win.cohort
    tab = _read(win, qtbot, case_sheet)
    assert tab.set_column_target("A", "ignore")
    assert tab.set_column_target("B", "ignore")
    with qtbot.waitSignal(tab.import_failed, timeout=5000) as blocker:
        tab.import_button.click()
    assert blocker.args == ["MAPPING_UNUSABLE"]
    assert "Fix the column mapping" in tab.banner_text
    assert "sample ID" in tab.banner_text
    assert error_dialog.current_dialog() is None
    assert win.cohort is before and not tab.busy


def test_an_import_without_any_valid_sample_keeps_the_previous_cohort(
    demo_window, qtbot, tmp_path
):
    import openpyxl

    path = tmp_path / "empty-ids.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cases"
    ws.append(["Case no.", "Pt", "Resp"])
    ws.append([None, None, "PR"])
    ws.append([None, None, "PD"])
    wb.save(path)
    win = demo_window
    before = win.cohort
    with qtbot.waitSignal(win.load_finished, timeout=30000) as blocker:
        win.open_path(str(path))
    assert blocker.args == [False]
    assert win.cohort is before
    text = win.import_tab.banner_text
    assert "Nothing was imported" in text or "Fix the column mapping" in text


def test_the_header_row_can_be_corrected(window, qtbot, tmp_path):
    import openpyxl

    path = tmp_path / "titled.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cases"
    ws.append(["IMFT series 2019-2024", None, None])
    ws.append(["exported by the lab system", None, None])
    ws.append(["Case no.", "Pt", "Resp"])
    ws.append(["C1", "P1", "PR"])
    ws.append(["C2", "P2", "SD"])
    wb.save(path)
    tab = _read(window, qtbot, path)
    assert tab.header_row_spin.isVisibleTo(tab)
    # Whatever the recogniser proposed, the user can put the header on row 3.
    tab.set_header_row(2 if tab.current_profile().header_row == 3 else 3)
    tab.set_header_row(3)
    assert tab.current_profile().header_row == 3
    assert tab.header_row_spin.value() == 3
    assert tab.current_profile().column("A").target == "samples.sample_id"
    with qtbot.waitSignal(tab.cohort_imported, timeout=30000) as blocker:
        tab.start_import()
    assert blocker.args[0].n_samples == 2
    qtbot.waitUntil(lambda: window.samples_tab.is_ready)


def test_a_readme_sheet_first_the_tab_shows_the_case_sheet_and_says_so(tmp_path):
    """Issue 11: the Import tab picks the sheet holding the cases, as the CLI does, and
    the import reports which sheets it passed over."""
    import xlsxwriter

    from imft_desktop.io.importer import ImportOptions, build_cohort
    from imft_desktop.qt.import_models import read_for_import

    path = tmp_path / "lab.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("README").write(0, 0, "One row per case on the next sheet.")
    ws = wb.add_worksheet("Cases")
    for r, row in enumerate([["Case", "Fusion", "PFS (months)"], ["A", "TPM3::ALK", 3],
                             ["B", "not done", 5]]):
        ws.write_row(r, 0, row)
    wb.close()
    result = read_for_import(str(path))
    assert result.first_sheet == "Cases" and result.passed_over == ("README",)
    cohort = build_cohort(result.workbook, ImportOptions(
        sheet="Cases", mapping=result.profile, passed_over=result.passed_over))
    assert [f.code for f in cohort.findings if f.code == "SHEET_CHOSEN"] == ["SHEET_CHOSEN"]
    assert cohort.tested_for("fusion") == {"A"}
