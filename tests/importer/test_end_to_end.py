"""Real files written with openpyxl / as CSV, read by ``import_file`` end to end."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from imft_desktop.io.importer import ImportOptions, import_file
from imft_desktop.io.read.raw import UnreadableFile
from imft_desktop.model.progress import Progress


def _template(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Samples"
    ws.append(["CREATE cohort export"])
    ws.append(["sample_id", "patient_id", "age"])
    for row in (["IMT-01", "P-01", 34], ["IMT-02", "P-02", 51], ["IMT-03", "P-03", 12]):
        ws.append(row)
    ws.row_dimensions[5].hidden = True
    ihc = wb.create_sheet("IHC")
    ihc.append(["sample_id", "marker", "clone", "percent_positive", "call"])
    ihc.append(["IMT-01", "ALK", "D5F3", 0.8, "positive"])
    ihc["D2"].number_format = "0%"
    ihc.append(["IMT-02", "ALK", "D5F3", "=D2*2", "positive"])
    ihc.append(["IMT-03", "ALK", "D5F3", "#REF!", "negative"])
    out = wb.create_sheet("Outcomes")
    out.append(["patient_id", "best_response", "pfs_months", "pfs_event"])
    out.append(["P-01", "PR", 14.2, 1])
    out.append(["P-02", "SD", 3, 0])
    out.append(["P-03", "SD", 4, 0])
    out.merge_cells("B3:B4")
    seq = wb.create_sheet("Sequencing")
    seq.append(["sample_id", "assay", "status"])
    seq.append(["IMT-01", "WGS", "done"])
    wb.save(path)
    return path


def test_template_workbook_end_to_end(tmp_path: Path) -> None:
    path = _template(tmp_path / "cohort.xlsx")
    before = path.read_bytes()
    seen: list[float] = []
    c = import_file(path, ImportOptions(), Progress(lambda f, m: seen.append(f), 0.0))
    assert path.read_bytes() == before  # never modified
    assert c.sources[0].sha256 == hashlib.sha256(before).hexdigest()
    by_code = {f.code: f for f in c.findings}
    assert (by_code["HEADER_BELOW_TITLE"].row, by_code["HEADER_BELOW_TITLE"].sheet) == (
        2, "Samples")
    assert by_code["ROWS_HIDDEN"].row == 5
    f = by_code["FORMULA_NOT_CALCULATED"]
    assert (f.sheet, f.row, f.column) == ("IHC", 3, "D")
    f = by_code["CELL_ERROR"]
    assert (f.sheet, f.row, f.column) == ("IHC", 4, "D")
    merged = [g for g in c.findings if g.code == "CELL_MERGED"]
    assert [(g.row, g.column, g.rows) for g in merged] == [(3, "B", (3, 4))]
    ihc = c.table("ihc", include_excluded=True)
    assert ihc.loc[0, "percent_positive"] == 80.0  # a 0% formatted fraction read as percent
    assert c.ihc_tested("ALK") == {"IMT-01"}
    assert c.sequenced_by("WGS") == {"IMT-01"}
    assert seen and seen[-1] == 1.0
    assert c.column_origin[("ihc", "call")].column == "E"


def test_leading_zero_number_format_end_to_end(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Samples"
    ws.append(["sample_id", "patient_id"])
    ws.append([123, "P-1"])
    ws["A2"].number_format = "00000"
    ihc = wb.create_sheet("IHC")
    ihc.append(["sample_id", "marker", "call"])
    ihc.append(["00123", "ALK", "positive"])
    wb.save(tmp_path / "z.xlsx")
    c = import_file(tmp_path / "z.xlsx")
    assert c.sample_ids == ["00123"]
    assert any(f.code == "ID_FROM_DISPLAY_TEXT" and f.row == 2 for f in c.findings)
    assert c.ihc_tested() == {"00123"}


def test_csv_keeps_ids_verbatim(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("sample_id,patient_id,ALK IHC\n1E5,P1,pos\n0012,P2,neg\n")
    c = import_file(path, ImportOptions())
    assert c.sample_ids == ["1E5", "0012"]  # never 100000 or 12
    assert c.ihc_tested("ALK") == {"1E5", "0012"}
    assert not c.findings.has_errors


def test_one_row_per_case_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cases"
    ws.append(["Sample", "Patient", "ALK IHC (D5F3)", "Best response", "PFS (months)",
               "Progression", "Ward"])
    ws.append(["IMT-01", "P-01", "pos", "PR", 14.2, 1, "A"])
    ws.append(["IMT-02", "P-02", "neg", "PD", 2.1, 1, "B"])
    ws.append(["IMT-03", "P-03", None, "SD", 8, 0, "C"])
    wb.save(tmp_path / "wide.xlsx")
    c = import_file(tmp_path / "wide.xlsx")
    assert c.n_samples == 3
    assert c.ihc_tested("ALK") == {"IMT-01", "IMT-02"}  # blank is not tested
    assert c.table("outcomes")["best_response"].tolist() == ["PR", "PD", "SD"]
    assert c.extra.loc["IMT-02", "Ward"] == "B"  # unmapped column kept verbatim
    assert c.mapping_profile == "Cases"


def test_missing_sheet_option_is_unreadable(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["Sample", "ALK IHC"])
    wb.active.append(["IMT-01", "pos"])
    wb.save(tmp_path / "w.xlsx")
    with pytest.raises(UnreadableFile) as exc:
        import_file(tmp_path / "w.xlsx", ImportOptions(sheet="Nope"))
    assert exc.value.code == "SHEET_NOT_FOUND"


def test_empty_file_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "empty.xlsx").write_bytes(b"")
    with pytest.raises(UnreadableFile):
        import_file(tmp_path / "empty.xlsx")
