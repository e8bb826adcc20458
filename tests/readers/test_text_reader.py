"""Delimited text: encodings, delimiters, verbatim cells, ragged rows, binary junk."""

from __future__ import annotations

from pathlib import Path

import pytest
from reader_helpers import codes, only

from imft_desktop.io.read.raw import UnreadableFile
from imft_desktop.io.read.text_reader import detect_delimiter
from imft_desktop.io.read.workbook import read_workbook
from imft_desktop.model.progress import Cancelled, Progress
from imft_desktop.model.vocab import Level

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data"


def unreadable(path: Path, **kwargs) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as info:
        read_workbook(path, **kwargs)
    return info.value


# ------------------------------------------------------------------ verbatim cells
def test_cells_are_kept_exactly_as_written(write_bytes):
    text = "Sample,ID,Karyotype,Loss,Score,Status,Note,Blank\n" \
           'S1,00123,+7,-19,1E5,NA,"Müller, A.",\n'
    raw = read_workbook(write_bytes("c.csv", text.encode()))
    assert raw.delimiter == ","
    assert raw.encoding == "utf-8"
    assert raw.source.kind == "csv"
    sheet = raw.sheets[0]
    assert sheet.name == "c"
    assert sheet.first_row == 1
    assert sheet.rows[1] == ["S1", "00123", "+7", "-19", "1E5", "NA", "Müller, A.", None]
    assert "TEXT_RAGGED_ROW" not in codes(raw)


def test_quoted_fields_with_embedded_newlines_and_quotes(write_bytes):
    text = 'Sample,Comment\r\nS1,"line one\r\nline two"\r\nS2,"He said ""neg"""\r\n'
    sheet = read_workbook(write_bytes("q.csv", text.encode())).sheets[0]
    assert sheet.rows == [
        ["Sample", "Comment"],
        ["S1", "line one\r\nline two"],
        ["S2", 'He said "neg"'],
    ]


def test_blank_lines_keep_line_numbers_as_row_numbers(write_bytes):
    raw = read_workbook(write_bytes("b.csv", b"a,b\n\n1,2\n\n\n"))
    sheet = raw.sheets[0]
    assert sheet.rows == [["a", "b"], [], ["1", "2"]]  # trailing blank lines dropped
    assert sheet.cell(3, 1) == "2"


# ------------------------------------------------------------------ delimiters
def test_semicolon_file_with_decimal_commas_splits_into_columns(write_bytes):
    raw = read_workbook(write_bytes("eu.csv", b"Sample;PFS;Response\nA;7,5;PR\nB;12,25;SD\n"))
    assert raw.delimiter == ";"
    assert raw.sheets[0].rows[1] == ["A", "7,5", "PR"]
    f = only(raw, "TEXT_DELIMITER")
    assert f.level is Level.INFO and "semicolons" in f.message and f.value == ";"


def test_tab_and_pipe_files(write_bytes):
    tab = read_workbook(write_bytes("t.tsv", b"a\tb\tc\n1\t2,5\t3\n"))
    assert tab.delimiter == "\t" and tab.source.kind == "tsv"
    assert tab.sheets[0].rows[1] == ["1", "2,5", "3"]
    pipe = read_workbook(write_bytes("p.txt", b"a|b\n1|2\n3|4\n"))
    assert pipe.delimiter == "|"


def test_quoted_commas_do_not_vote_for_comma():
    text = 'Sample;Note\nS1;"a, b, c"\nS2;"d, e"\n'
    assert detect_delimiter(text) == (";", 2)


def test_single_column_file_says_so(write_bytes):
    raw = read_workbook(write_bytes("ids.csv", b"Sample\nS1\nS2\n"))
    assert raw.sheets[0].rows == [["Sample"], ["S1"], ["S2"]]
    assert "single column" in only(raw, "TEXT_DELIMITER").message


def test_explicit_delimiter_overrides_detection(write_bytes):
    raw = read_workbook(write_bytes("x.csv", b"a;b,c\n1;2,3\n"), delimiter=";")
    assert raw.sheets[0].rows[1] == ["1", "2,3"]
    assert "TEXT_DELIMITER" not in codes(raw)


def test_excel_sep_line_declares_the_delimiter(write_bytes):
    raw = read_workbook(write_bytes("sep.csv", b"sep=;\r\nSample;PFS\r\nA;7,5\r\n"))
    assert raw.delimiter == ";"
    assert raw.sheets[0].rows[1:] == [["Sample", "PFS"], ["A", "7,5"]]
    f = only(raw, "TEXT_DELIMITER")
    assert "sep=;" in f.message and f.row == 1
    assert "TEXT_RAGGED_ROW" not in codes(raw)


# ------------------------------------------------------------------ ragged rows
def test_ragged_rows_are_kept_and_reported_with_line_numbers(write_bytes):
    raw = read_workbook(write_bytes("r.csv", b"Sample,PFS\nA,1,extra\nB,2\nC\n"))
    sheet = raw.sheets[0]
    assert sheet.rows == [["Sample", "PFS"], ["A", "1", "extra"], ["B", "2"], ["C"]]
    ragged = [f for f in raw.findings if f.code == "TEXT_RAGGED_ROW"]
    assert [(f.row, f.level) for f in ragged] == [(2, Level.ERROR), (4, Level.ERROR)]
    assert "line 2 has 3 fields, the header has 2" in ragged[0].message.lower()
    assert "line 4 has 1 field, the header has 2" in ragged[1].message.lower()
    assert ragged[0].file == "r.csv" and ragged[0].sheet == "r"
    assert ragged[0].value == "A|1|extra"


def test_trailing_empty_fields_and_title_lines_are_not_ragged(write_bytes):
    text = b"CREATE cohort export 2021\nSample,PFS,Response\nA,1,PR,,\nB,2,SD\n,,\n"
    raw = read_workbook(write_bytes("t.csv", text))
    assert "TEXT_RAGGED_ROW" not in codes(raw)
    assert raw.sheets[0].rows[0] == ["CREATE cohort export 2021"]


def test_unclosed_quote_is_reported(write_bytes):
    raw = read_workbook(write_bytes("u.csv", b'Sample,Note\nS1,"oops\nS2,fine\nS3,x\n'))
    f = only(raw, "TEXT_UNCLOSED_QUOTE")
    assert f.level is Level.ERROR and f.row == 2


# ------------------------------------------------------------------ encodings
def test_cp1252_file_names_offset_line_and_column(write_bytes):
    data = "Sample,Diagnosis\nS1,Sarkom – Müller\n".encode("cp1252")
    err = unreadable(write_bytes("win.csv", data))
    assert err.code == "TEXT_ENCODING"
    offset = data.index(b"\x96")
    assert f"byte offset {offset}" in err.message
    assert "line 2" in err.message and "column 11" in err.message
    assert "cp1252" in err.message


def test_cp1252_file_reads_when_encoding_is_chosen(write_bytes):
    data = "Sample,Diagnosis\nS1,Sarkom – Müller\n".encode("cp1252")
    raw = read_workbook(write_bytes("win.csv", data), encoding="cp1252")
    assert raw.sheets[0].rows[1] == ["S1", "Sarkom – Müller"]
    assert raw.encoding == "cp1252"
    assert only(raw, "TEXT_ENCODING_USED").value == "cp1252"


def test_unknown_encoding_name(write_bytes):
    err = unreadable(write_bytes("a.csv", b"a,b\n"), encoding="klingon-8")
    assert err.code == "TEXT_ENCODING"


def test_utf8_bom_gives_a_clean_first_header(write_bytes):
    raw = read_workbook(write_bytes("bom.csv", "\ufeffSample,PFS\nS1,3\n".encode()))
    assert raw.sheets[0].rows[0] == ["Sample", "PFS"]
    assert raw.encoding == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_excel_unicode_text(write_bytes, codec):
    text = "Sample\tDiagnosis\r\nS1\tSarkom – Müller\r\n"
    data = text.encode(codec)  # "utf-16" writes a BOM; the others have none
    raw = read_workbook(write_bytes("unicode.txt", data))
    assert raw.delimiter == "\t"
    assert raw.sheets[0].rows == [["Sample", "Diagnosis"], ["S1", "Sarkom – Müller"]]


def test_nul_bytes_mean_not_text(write_bytes):
    err = unreadable(write_bytes("junk.csv", b"Sample,PFS\nS1,\x003\n"))
    assert err.code == "FILE_NOT_TEXT"
    assert "not a text file" in err.message


def test_binary_junk_is_not_text(write_bytes):
    err = unreadable(write_bytes("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert err.code == "FILE_NOT_TEXT"


# ------------------------------------------------------------------ progress
def test_progress_per_chunk_and_cancellation(write_bytes):
    body = "".join(f"S{i},{i}\n" for i in range(12_000))
    p = write_bytes("big.csv", ("Sample,PFS\n" + body).encode())
    seen: list[float] = []
    raw = read_workbook(p, Progress(lambda f, m: seen.append(f), min_interval=0.0))
    assert raw.sheets[0].n_rows == 12_001
    assert len([f for f in seen if 0.05 < f < 1.0]) >= 2  # chunk reports in between
    assert seen == sorted(seen) and seen[-1] == 1.0

    progress = Progress(lambda f, m: progress.cancel() if 0.05 < f < 1.0 else None,
                        min_interval=0.0)
    with pytest.raises(Cancelled):
        read_workbook(p, progress)


# ------------------------------------------------------------------ real public files
@pytest.mark.skipif(not REFERENCE.exists(), reason="shared reference data not present")
def test_reference_csv_and_cbioportal_tsv():
    lung = read_workbook(REFERENCE / "survival" / "lung_Rcoding_Rdatasets.csv")
    assert lung.delimiter == ","
    assert lung.sheets[0].n_rows == 229
    assert "TEXT_RAGGED_ROW" not in codes(lung)
    clinical = sorted((REFERENCE / "cbioportal" / "study_es_0").glob("data_clinical_*.txt"))
    assert clinical
    raw = read_workbook(clinical[0])
    assert raw.delimiter == "\t"
    assert "TEXT_RAGGED_ROW" not in codes(raw)


def test_chosen_encoding_still_drops_a_byte_order_mark(write_bytes):
    raw = read_workbook(write_bytes("bom.csv", "\ufeffSample,PFS\n".encode()), encoding="utf-8")
    assert raw.sheets[0].rows[0] == ["Sample", "PFS"]


@pytest.mark.parametrize("n_lines, flagged", [(65_536, True), (65_537, False)])
def test_text_at_the_spreadsheet_row_limit(write_bytes, n_lines, flagged):
    data = b"Sample,PFS\n" + b"S,1\n" * (n_lines - 1)
    raw = read_workbook(write_bytes("cut.csv", data))
    assert raw.sheets[0].n_rows == n_lines
    assert ("XLSX_ROW_LIMIT" in codes(raw)) is flagged
