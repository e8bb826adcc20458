"""Excel export read back with openpyxl: text stays text, methods sheet, frozen panes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pandas as pd

from imft_desktop.io.write.excel_export import (
    METHODS_SHEET,
    SheetSpec,
    safe_sheet_name,
    write_table,
    write_workbook,
)


def test_text_cells_stay_text_and_numbers_numbers(tmp_path):
    df = pd.DataFrame({
        "sample_id": ["00123", "S-2"],
        "region": ["-19", "+7"],
        "note": ['=HYPERLINK("http://evil.example","click")', "@SUM(1)"],
        "log2": [-0.52, np.nan],
        "n": [np.int64(3), np.int64(4)],
        "when": [dt.date(2021, 3, 4), None],
    })
    path = write_table(tmp_path / "t.xlsx", df, sheet_name="Table",
                       provenance=[("Cohort", "Demo")], methods=["Fisher's exact test"])
    wb = openpyxl.load_workbook(path)
    ws = wb["Table"]
    assert [c.value for c in ws[1]] == list(df.columns)
    assert ws["A2"].value == "00123" and ws["A2"].data_type == "s"
    assert ws["B2"].value == "-19" and ws["B2"].data_type == "s"
    assert ws["B3"].value == "+7" and ws["B3"].data_type == "s"
    assert ws["C2"].data_type == "s"
    assert ws["C2"].value.startswith("=HYPERLINK")
    assert ws["D2"].value == -0.52 and ws["D2"].data_type == "n"
    assert ws["D3"].value is None
    assert ws["E2"].value == 3
    assert ws["F2"].value == dt.datetime(2021, 3, 4)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:F3"
    assert ws["A1"].font.b


def test_methods_sheet_first_with_provenance_and_methods(tmp_path):
    path = write_workbook(
        tmp_path / "w.xlsx",
        [SheetSpec("Frequencies", pd.DataFrame({"a": [1]}), ("Exact CI",)),
         SheetSpec("Frequencies", pd.DataFrame({"b": [2]}))],
        provenance=[("Cohort", "Demo"), ("Source file SHA-256", "ab" * 32)],
        methods=["Fisher's exact test, two-sided", "Kaplan-Meier"],
        title="Test", synthetic=True,
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [METHODS_SHEET, "Frequencies", "Frequencies (2)"]
    values = [c.value for row in wb[METHODS_SHEET].iter_rows() for c in row if c.value]
    assert "SYNTHETIC DATA" in values
    assert "ab" * 32 in values
    assert "Fisher's exact test, two-sided" in values
    assert "Exact CI" in values
    assert wb.properties.creator == "IMFT Desktop"
    assert wb.properties.creator != "openpyxl"
    assert wb.properties.lastModifiedBy in (None, "", "IMFT Desktop")  # never a person


def test_safe_sheet_names():
    taken: set[str] = set()
    assert safe_sheet_name("PFS by ALK/ROS1 [IHC]: yes?", taken) == "PFS by ALK ROS1  IHC   yes"
    long = "x" * 40
    assert safe_sheet_name(long, taken) == "x" * 31
    assert safe_sheet_name(long, taken) == "x" * 27 + " (2)"
