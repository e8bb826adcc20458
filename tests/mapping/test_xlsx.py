"""Recognition and records on real .xlsx files read by ``io.read.read_workbook``."""

from __future__ import annotations

import openpyxl
import pytest
from mapping_sheets import MESSY_HEADERS, MESSY_ROWS

from imft_desktop.io.mapping import MappingProfile, apply_profile, recognise, to_raw_tables

read = pytest.importorskip("imft_desktop.io.read.workbook")


def _write_messy(path, *, reorder=False):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cases"
    ws["A1"] = "CREATE IMFT translational cohort, export 2021"
    ws.merge_cells("A1:H1")
    headers = list(MESSY_HEADERS)
    rows = [list(r) for r in MESSY_ROWS]
    if reorder:  # the next export: last column first
        headers = headers[-1:] + headers[:-1]
        rows = [r[-1:] + r[:-1] for r in rows]
    for j, h in enumerate(headers, start=1):
        ws.cell(3, j, h)
    for i, r in enumerate(rows, start=4):
        for j, v in enumerate(r, start=1):
            if v is not None and v != "":
                ws.cell(i, j, v)
    ws.row_dimensions[7].hidden = True
    wb.save(path)


def test_messy_xlsx_maps_like_the_in_memory_sheet(tmp_path, messy_sheet):
    path = tmp_path / "cases.xlsx"
    _write_messy(path)
    sheet = read.read_workbook(path).sheet("Cases")
    profile = recognise(sheet)
    expected = recognise(messy_sheet)
    assert profile.header_row == 3
    assert [(c.column, c.target) for c in profile.columns] == [
        (c.column, c.target) for c in expected.columns
    ]
    tables = to_raw_tables(sheet, profile, "cases.xlsx")
    samples = tables[0]
    assert samples.rows == [4, 5, 7, 8]
    assert 7 in samples.hidden_rows
    fusions = next(t for t in tables if t.table == "fusions")
    assert fusions.rows == [4, 8, 8] and fusions.record_column == "H"


def test_saved_profile_reapplied_to_next_export(tmp_path):
    first, second = tmp_path / "2021.xlsx", tmp_path / "2022.xlsx"
    _write_messy(first)
    _write_messy(second, reorder=True)
    profile = recognise(read.read_workbook(first).sheet("Cases"))
    profile.save(tmp_path / "p.json")
    saved = MappingProfile.load(tmp_path / "p.json")
    app = apply_profile(saved, read.read_workbook(second).sheet("Cases"))
    assert app.unmatched == [] and app.new_columns == []
    assert len(app.moved) == len(MESSY_HEADERS)  # every column shifted by one
    new = {c.header: c for c in app.profile.columns}
    assert new["Case"].column == "B" and new["Case"].target == "samples.sample_id"
    assert new["Referring hospital"].column == "A"
    tables = to_raw_tables(read.read_workbook(second).sheet("Cases"), app.profile, "2022.xlsx")
    ihc = next(t for t in tables if t.table == "ihc" and t.constants.get("clone") == "D5F3")
    assert ihc.record_column == "D"
    assert ihc.columns["call"].values == ["pos", "neg", "3+", "focal"]
