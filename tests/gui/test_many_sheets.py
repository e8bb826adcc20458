"""A workbook of many sheets opens quickly: the window reads the sheets an import needs
and reads any other sheet when it is chosen in the sheet picker."""

from __future__ import annotations

import openpyxl
import pytest

from imft_desktop.io.importer import SHEETS_READ_WHOLE

pytestmark = pytest.mark.gui


def test_other_sheets_are_read_when_chosen(window, qtbot, tmp_path):
    path = tmp_path / "many.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Cases"
    wb.active.append(["Case", "Best response", "PFS (months)", "Progression"])
    wb.active.append(["S1", "PR", 5, 1])
    for i in range(SHEETS_READ_WHOLE + 3):
        ws = wb.create_sheet(f"Archive {i}")
        ws.append(["Case", "Best response"])
        for r in range(i + 2):
            ws.append([f"A{i}-{r}", "SD"])
    wb.save(path)

    tab = window.import_tab
    with qtbot.waitSignal(tab.file_read, timeout=30000):
        tab.open_file(str(path), auto_import=False)
    texts = [tab.sheet_combo.itemText(i) for i in range(tab.sheet_combo.count())]
    assert "rows" in texts[0] and "not read yet" in texts[5]
    assert any(f.code == "XLSX_SHEETS_NOT_READ" for f in tab.result.workbook.findings)

    index = tab.sheet_combo.findData("Archive 4")
    tab.sheet_combo.setCurrentIndex(index)
    qtbot.waitUntil(lambda: "not read yet" not in tab.sheet_combo.itemText(index),
                    timeout=30000)
    assert "7 rows" in tab.sheet_combo.itemText(index)  # header + 6 cases
    assert tab.preview_model.index(1, 0).data() == "A4-0"
    assert tab.result.workbook.sheet("Archive 4").parsed
