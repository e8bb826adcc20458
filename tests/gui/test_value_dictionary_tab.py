"""The Import tab's Values page: see what each value is read as, correct it, re-import."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QStyleOptionViewItem

from imft_desktop.io.mapping import MappingProfile
from imft_desktop.qt.value_dictionary_view import BUILT_IN_CHOICE, ValueDictionaryModel

HEADERS = ["Case", "ALK IHC (D5F3)", "22q", "PFS (months)", "Progression"]


@pytest.fixture()
def lab_sheet(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cases"
    ws.append(HEADERS)
    cn = ["loss", "no loss", "maybe", "retained"]
    for i in range(12):
        ws.append([f"K{i + 1}", ["pos", "neg", "weird"][i % 3], cn[i % 4], 4.0 + i,
                   ["yes", "no"][i % 2]])
    path = tmp_path / "lab.xlsx"
    wb.save(path)
    return path


def _import(window, qtbot, path):
    tab = window.import_tab
    with qtbot.waitSignal(tab.file_read, timeout=30000):
        tab.open_file(str(path))
    with qtbot.waitSignal(tab.cohort_imported, timeout=30000) as blocker:
        tab.import_button.click()
    return tab, blocker.args[0]


def _row(model: ValueDictionaryModel, column: str, value: str) -> int:
    return next(i for i, e in enumerate(model.entries)
                if e.column == column and e.value == value)


def test_values_page_lists_meanings_and_a_choice_changes_the_next_import(
        window, qtbot, lab_sheet, tmp_path):
    tab, cohort = _import(window, qtbot, lab_sheet)
    panel = tab.values_panel
    assert tab.right_tabs.tabText(1) == "Values (2 not understood)"  # 'maybe', 'weird'
    model = panel.model
    r = _row(model, "C", "no loss")
    assert model.index(r, 3).data() == "no change (tested)"
    assert not model.flags(model.index(r, 2)) & Qt.ItemFlag.ItemIsEditable
    r = _row(model, "C", "maybe")
    assert model.index(r, 4).data() == "not understood"
    assert cohort.table("cn_calls").shape[0] == 9  # 'maybe' left out

    # only the unknown values
    panel.unknown_check.setChecked(True)
    assert {e.value for e in model.entries} == {"maybe", "weird"}
    panel.unknown_check.setChecked(False)

    # the drop-down offers the copy-number meanings
    r = _row(model, "C", "maybe")
    index = model.index(r, ValueDictionaryModel.MEANING_COLUMN)
    delegate = panel.view.itemDelegateForColumn(ValueDictionaryModel.MEANING_COLUMN)
    editor = delegate.createEditor(panel.view, QStyleOptionViewItem(), index)
    assert isinstance(editor, QComboBox)
    labels = [editor.itemText(i) for i in range(editor.count())]
    assert labels[0] == BUILT_IN_CHOICE and "loss" in labels
    editor.deleteLater()

    assert model.setData(index, "not tested")
    assert "import to apply" in model.index(r, 4).data()
    assert "maybe" in tab.banner_text
    r_ihc = _row(model, "B", "weird")
    assert model.setData(model.index(r_ihc, 3), "equivocal")

    with qtbot.waitSignal(tab.cohort_imported, timeout=30000) as blocker:
        tab.import_button.click()
    again = blocker.args[0]
    assert again.table("cn_calls").shape[0] == 9  # 'maybe' is now "not tested": no record
    assert not again.value_dictionary.unknown()
    assert (again.table("ihc")["call"] == "equivocal").sum() == 4
    assert tab.right_tabs.tabText(1) == "Values"

    # the choice is saved with the profile
    saved = tmp_path / "p.json"
    assert tab.save_profile(str(saved))
    profile = MappingProfile.load(saved)
    assert profile.column("C").value_meanings == {"maybe": "not tested"}
