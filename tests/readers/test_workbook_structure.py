"""Workbook values and structure: hidden things, merges, formulas, errors, formats, dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from reader_helpers import codes, member, only, rezip, zip_bytes

from imft_desktop.io.read.workbook import describe_sheets, read_workbook
from imft_desktop.model.progress import Cancelled, Progress
from imft_desktop.model.vocab import Level


def save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


# ------------------------------------------------------------------ values
def test_values_are_typed_faithfully(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Sample", "Age", "Ki67", "Flag", "Biopsy", "Time", "Note", "Empty", "ID"])
    ws.append(["S1", 54, 12.5, True, dt.datetime(2021, 3, 12), dt.time(8, 15), "  spaced ",
               None, "00123"])
    ws.append(["S2", 1e20, -0.0, False, dt.date(2020, 1, 2), None, "NA", "", "+7"])
    rows = read_workbook(save(wb, tmp_path / "v.xlsx")).sheets[0].rows
    s1, s2 = rows[1], rows[2]
    assert s1[1] == 54 and type(s1[1]) is int
    assert s1[2] == 12.5 and type(s1[2]) is float
    assert s1[3] is True and s2[3] is False
    assert s1[4] == dt.date(2021, 3, 12)  # calamine: a midnight datetime becomes a date
    assert s1[5] == dt.time(8, 15)
    assert s1[6] == "  spaced "  # text kept as written
    assert s1[7] is None
    assert s1[8] == "00123" and s2[8] == "+7" and s2[6] == "NA"
    assert type(s2[1]) is float  # beyond 2**53: left as float, not a made-up int


def test_1904_workbook_dates_are_correct(tmp_path):
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["Sample", "Biopsy"])
    ws.append(["S1", dt.date(2021, 3, 12)])
    raw = read_workbook(save(wb, tmp_path / "mac.xlsx"))
    assert raw.date_system == "1904"
    assert raw.sheets[0].rows[1][1] == dt.date(2021, 3, 12)
    assert only(raw, "XLSX_DATE_1904").level is Level.INFO


def test_1900_workbook_reports_1900(simple_xlsx):
    raw = read_workbook(simple_xlsx)
    assert raw.date_system == "1900"
    assert "XLSX_DATE_1904" not in codes(raw)


# ------------------------------------------------------------------ hidden, merged
def test_hidden_sheets_rows_and_columns(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Samples"
    for i in range(1, 7):
        ws.append([f"S{i}", i, i * 2, i * 3])
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["C"].hidden = True
    old = wb.create_sheet("Old data")
    old.append(["S9", 1])
    old.sheet_state = "hidden"
    vh = wb.create_sheet("Lookup")
    vh.sheet_state = "veryHidden"
    raw = read_workbook(save(wb, tmp_path / "hidden.xlsx"))
    samples = raw.sheet("Samples")
    assert samples.hidden_rows == {3}
    assert samples.hidden_columns == {2}
    assert samples.structure_checked
    assert not samples.hidden
    assert raw.sheet("Old data").hidden and raw.sheet("Lookup").hidden
    hidden = {f.sheet: f for f in raw.findings if f.code == "XLSX_HIDDEN_SHEET"}
    assert hidden["Old data"].level is Level.WARNING  # holds data
    assert hidden["Lookup"].level is Level.INFO  # empty
    infos = describe_sheets(raw)
    assert [(i.name, i.hidden, i.rows, i.columns) for i in infos] == [
        ("Samples", False, 6, 4),
        ("Old data", True, 1, 2),
        ("Lookup", True, 0, 0),
    ]


def test_merged_ranges(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Patient", "Sample", "Response"])
    ws.append(["P1", "S1", "PR"])
    ws.append(["P1", "S2", None])
    ws.merge_cells("C2:C3")
    sheet = read_workbook(save(wb, tmp_path / "m.xlsx")).sheets[0]
    assert sheet.merged_ranges == ["C2:C3"]
    assert sheet.rows[1][2] == "PR" and sheet.rows[2][2] is None


# ------------------------------------------------------------------ formulas and errors
def test_formula_without_cached_value_and_error_cell(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Sample", "PFS", "PFS x2", "Result"])
    ws.append(["S1", 4, "=B2*2", None])
    ws["D2"].value = "#N/A"
    ws["D2"].data_type = "e"
    sheet = read_workbook(save(wb, tmp_path / "f.xlsx")).sheets[0]
    assert sheet.formula_without_value == {(2, 2): "=B2*2"}
    assert sheet.rows[1][2] is None
    assert sheet.error_cells == {(2, 3): "#N/A"}
    assert sheet.rows[1][3] == "#N/A"  # not blank, and marked as an error


def test_cached_formula_values_and_cached_errors(tmp_path):
    p = tmp_path / "x.xlsx"
    wb = xlsxwriter.Workbook(p)
    ws = wb.add_worksheet("Calc")
    ws.write_row(0, 0, ["a", "b", "c", "d"])
    ws.write_formula("A2", "=1/0", None, "#DIV/0!")
    ws.write_formula("B2", "=2*3", None, 6)
    ws.write_formula("C2", "=#REF!+1", None, "#REF!")
    ws.write_formula("D2", '="ok"', None, "ok")
    ws.write_string("E2", "#N/A")  # text someone typed (openpyxl would make it an error)
    wb.close()
    sheet = read_workbook(p).sheets[0]
    assert sheet.error_cells == {(2, 0): "#DIV/0!", (2, 2): "#REF!"}
    assert sheet.rows[1] == ["#DIV/0!", 6, "#REF!", "ok", "#N/A"]
    assert sheet.formula_cells == {(2, 0), (2, 1), (2, 2), (2, 3)}
    assert sheet.formula_without_value == {}


def test_shared_formulas_prefixed_namespace_and_escaped_text(simple_xlsx, tmp_path):
    """Hand-written sheet XML as some generators write it (x: prefix, shared formulas)."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{ns}"><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>v</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2"><x:f t="shared" ref="A2:A3" si="0">B2&amp;"&lt;1"</x:f>'
        '</x:c></x:row><x:row r="3" hidden="1"><x:c r="A3"><x:f t="shared" si="0"/></x:c>'
        '<x:c r="B3" t="e"><x:v>#VALUE!</x:v></x:c></x:row>'
        '</x:sheetData><x:mergeCells><x:mergeCell ref="C1:D1"/></x:mergeCells></x:worksheet>'
    ).encode()
    p = rezip(simple_xlsx, tmp_path / "gen.xlsx", {"xl/worksheets/sheet1.xml": xml})
    sheet = read_workbook(p).sheets[0]
    assert sheet.structure_checked
    assert sheet.formula_without_value == {(2, 0): '=B2&"<1"', (3, 0): '=B2&"<1"'}
    assert sheet.error_cells == {(3, 1): "#VALUE!"}
    assert sheet.hidden_rows == {3}
    assert sheet.merged_ranges == ["C1:D1"]


def test_cells_without_references_mark_structure_unchecked(simple_xlsx, tmp_path):
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xml = (
        f'<worksheet xmlns="{ns}"><sheetData><row><c t="inlineStr"><is><t>a</t></is></c>'
        "<c><v>1</v></c></row></sheetData></worksheet>"
    ).encode()
    p = rezip(simple_xlsx, tmp_path / "noref.xlsx", {"xl/worksheets/sheet1.xml": xml})
    sheet = read_workbook(p).sheets[0]
    assert sheet.rows[0] == ["a", 1]
    assert sheet.structure_checked is False


def test_a_cell_cut_by_the_reference_sample_is_not_taken_for_one_without(
        simple_xlsx, tmp_path):
    # The reference check reads the first 64 KB of cells; a cell tag cut in two at that
    # boundary ("<c r" ...) marked whole sheets as unchecked (seen on a re-saved demo).
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    for pad in range(0, 90):  # move the 64 KB boundary across every byte of a cell
        cells = "".join(
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>SYN-{r:05d}'
            f'{"x" * pad if r == 1 else ""}</t></is></c>'
            f'<c r="B{r}" t="n"><v>{r * 7}</v></c></row>' for r in range(1, 1201)
        )
        xml = f'<worksheet xmlns="{ns}"><sheetData>{cells}</sheetData></worksheet>'.encode()
        p = rezip(simple_xlsx, tmp_path / f"cut{pad}.xlsx", {"xl/worksheets/sheet1.xml": xml})
        assert read_workbook(p).sheets[0].structure_checked, pad


# ------------------------------------------------------------------ number formats
def test_number_formats_that_change_the_display(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Tumour %", "PFS", "Code", "Date"])
    ws.append([123, 0.5, 7.456, 7, dt.date(2020, 5, 1)])
    ws["A2"].number_format = "00000"
    ws["B2"].number_format = "0%"
    ws["C2"].number_format = "0.00"
    ws["D2"].number_format = '"IMFT-"000'
    ws["E2"].number_format = "yyyy-mm-dd"
    sheet = read_workbook(save(wb, tmp_path / "fmt.xlsx")).sheets[0]
    assert sheet.rows[1][:4] == [123, 0.5, 7.456, 7]
    assert sheet.display_text == {(2, 0): "00123", (2, 1): "50%", (2, 3): "IMFT-007"}
    assert sheet.number_formats[(2, 0)] == "00000"
    assert sheet.number_formats[(2, 1)] == "0%"
    assert (2, 2) not in sheet.number_formats  # 0.00 only rounds: value is more precise
    assert (2, 4) not in sheet.number_formats  # dates are typed by the reader instead
    assert sheet.rows[1][4] == dt.date(2020, 5, 1)


def test_structure_false_skips_the_pass(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["a", None])
    ws["B1"].value = "#N/A"
    ws["B1"].data_type = "e"
    ws.row_dimensions[1].hidden = True
    sheet = read_workbook(save(wb, tmp_path / "s.xlsx"), structure=False).sheets[0]
    assert sheet.structure_checked is False
    assert sheet.error_cells == {} and sheet.hidden_rows == set()


# ------------------------------------------------------------------ workbook-level notes
def test_xlsm_macros_and_external_links(simple_xlsx, tmp_path):
    ct = member(simple_xlsx, "[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    p = rezip(
        simple_xlsx,
        tmp_path / "macro.xlsx",  # also misnamed: content says xlsm, same family
        {"[Content_Types].xml": ct},
        {
            "xl/vbaProject.bin": b"\x00" * 64,
            "xl/externalLinks/externalLink1.xml": b"<externalLink/>",
        },
    )
    raw = read_workbook(p)
    assert raw.source.kind == "xlsm"
    assert "FILE_EXTENSION_MISMATCH" not in codes(raw)
    assert only(raw, "XLSX_MACROS").level is Level.INFO
    link = only(raw, "XLSX_EXTERNAL_LINK")
    assert link.level is Level.INFO and "ignored" in link.message
    assert raw.sheets[0].rows[1] == ["S1", 7.5, "PR"]


@pytest.mark.parametrize("n_rows, expected", [(65_536, True), (65_535, False)])
def test_row_count_at_the_excel_limit(simple_xlsx, tmp_path, n_rows, expected):
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i)
                    for i in range(1, n_rows + 1))
    xml = f'<worksheet xmlns="{ns}"><sheetData>'.encode() + rows + b"</sheetData></worksheet>"
    p = rezip(simple_xlsx, tmp_path / "big.xlsx", {"xl/worksheets/sheet1.xml": xml})
    raw = read_workbook(p)
    assert raw.sheets[0].n_rows == n_rows
    if expected:
        f = only(raw, "XLSX_ROW_LIMIT")
        assert f.level is Level.WARNING and f.row == 65_536 and f.sheet == "Samples"
    else:
        assert "XLSX_ROW_LIMIT" not in codes(raw)


# ------------------------------------------------------------------ other formats
def _ods(hidden_second: bool = True) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>"
        '<table:table table:name="Samples"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>Sample</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>PFS</text:p></table:table-cell>'
        "</table:table-row><table:table-row>"
        '<table:table-cell office:value-type="string"><text:p>S1</text:p></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="7"><text:p>7</text:p>'
        "</table:table-cell></table:table-row></table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return zip_bytes(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": content.encode(),
            "META-INF/manifest.xml": manifest.encode(),
        }
    )


def test_ods_is_read_with_structure_unchecked(write_bytes):
    raw = read_workbook(write_bytes("cohort.ods", _ods()))
    assert raw.source.kind == "ods"
    sheet = raw.sheets[0]
    assert sheet.name == "Samples"
    assert sheet.rows == [["Sample", "PFS"], ["S1", 7]]
    assert sheet.structure_checked is False


def test_encrypted_ods_is_refused(write_bytes):
    from imft_desktop.io.read.raw import UnreadableFile

    data = zip_bytes(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b"\x8f\x00garbage",
            "META-INF/manifest.xml": b"<manifest><manifest:encryption-data/></manifest>",
        }
    )
    with pytest.raises(UnreadableFile) as info:
        read_workbook(write_bytes("locked.ods", data))
    assert info.value.code == "FILE_ENCRYPTED"


# ------------------------------------------------------------------ progress
def test_progress_is_reported_per_sheet_and_cancel_is_honoured(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["a"])
    for k in range(3):
        wb.create_sheet(f"S{k}").append([k])
    p = save(wb, tmp_path / "multi.xlsx")
    seen: list[tuple[float, str]] = []
    progress = Progress(lambda f, m: seen.append((f, m)), min_interval=0.0)
    read_workbook(p, progress)
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert any("S1" in m for _, m in seen)

    def cancel_on_second_sheet(fraction: float, message: str) -> None:
        if "S0" in message:
            cancelling.cancel()

    cancelling = Progress(cancel_on_second_sheet, min_interval=0.0)
    with pytest.raises(Cancelled):
        read_workbook(p, cancelling)


def test_row_conversion_honours_cancellation():
    from imft_desktop.io.read.xlsx_reader import _convert_rows

    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        _convert_rows([["", 1.0]], progress)


def test_sheet_names_with_markup_characters(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "PFS & OS <2021>"
    wb.active.append(["x"])
    wb.active.row_dimensions[1].hidden = True
    sheet = read_workbook(save(wb, tmp_path / "amp.xlsx")).sheets[0]
    assert sheet.name == "PFS & OS <2021>"
    assert sheet.hidden_rows == {1} and sheet.structure_checked


@pytest.mark.parametrize("window", [64, 1000, 1 << 20])
def test_streamed_scan_matches_whole_part_scan(tmp_path, window):
    """The structure pass reads sheet XML in row-aligned windows; results must not move."""
    import io
    import zipfile

    from imft_desktop.io.read.xlsx_structure import read_styles, scan_sheet_stream

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.column_dimensions["B"].hidden = True
    for i in range(1, 60):
        ws.append([f"S{i}", i, f"=B{i}*2", None, i / 100])
        ws.cell(i, 5).number_format = "0%"
        if i % 7 == 0:
            ws.row_dimensions[i].hidden = True
        if i % 11 == 0:
            ws.cell(i, 4).value = "#REF!"
            ws.cell(i, 4).data_type = "e"
    ws.merge_cells("F1:G2")
    p = save(wb, tmp_path / "w.xlsx")
    with zipfile.ZipFile(p) as zf:
        styles = read_styles(zf)
        xml = zf.read("xl/worksheets/sheet1.xml")
    st = scan_sheet_stream(io.BytesIO(xml), styles, window_bytes=window)
    assert st.hidden_rows == {7, 14, 21, 28, 35, 42, 49, 56}
    assert st.hidden_columns == {1}
    assert st.merged_ranges == ["F1:G2"]
    assert set(st.error_cells) == {(11, 3), (22, 3), (33, 3), (44, 3), (55, 3)}
    assert len(st.formula_without_value) == 59
    assert st.display_text[(50, 4)] == "50%"
    assert len(st.display_text) == 59


def test_sheet_part_named_in_another_letter_case(simple_xlsx, tmp_path):
    """Relationships may name xl/worksheets/Sheet1.xml for a member sheet1.xml."""
    rels = member(simple_xlsx, "xl/_rels/workbook.xml.rels").replace(
        b"worksheets/sheet1.xml", b"worksheets/Sheet1.XML"
    )
    p = rezip(simple_xlsx, tmp_path / "case.xlsx", {"xl/_rels/workbook.xml.rels": rels})
    sheet = read_workbook(p).sheets[0]
    assert sheet.structure_checked
