"""Container and file level: format from bytes, damaged, encrypted, crafted, oversize."""

from __future__ import annotations

import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from reader_helpers import codes, fingerprint, member, only, rezip, zip_bytes

from imft_desktop.io.read.raw import UnreadableFile
from imft_desktop.io.read.workbook import ReadLimits, read_workbook
from imft_desktop.model.vocab import Level

OLE = bytes.fromhex("D0CF11E0A1B11AE1")


def unreadable(path: Path, **kwargs) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as info:
        read_workbook(path, **kwargs)
    return info.value


# ------------------------------------------------------------------ empty, missing, local
def test_zero_byte_file_is_empty(write_bytes):
    err = unreadable(write_bytes("empty.xlsx", b""))
    assert err.code == "FILE_EMPTY"
    assert "empty" in err.message


def test_whitespace_only_text_is_empty(write_bytes):
    assert unreadable(write_bytes("blank.csv", b"\r\n  \n\n")).code == "FILE_EMPTY"


def test_missing_file_and_folder(tmp_path):
    assert unreadable(tmp_path / "nope.xlsx").code == "FILE_NOT_FOUND"
    assert unreadable(tmp_path).code == "FILE_NOT_FOUND"


@pytest.mark.parametrize("url", ["https://example.org/cohort.xlsx", "ftp://host/a.csv"])
def test_urls_are_refused(url):
    with pytest.raises(UnreadableFile) as info:
        read_workbook(url)
    assert info.value.code == "FILE_NOT_LOCAL"


# ------------------------------------------------------------------ format from bytes
def test_csv_named_xlsx_is_read_as_csv_with_warning(write_bytes):
    p = write_bytes("cohort.xlsx", b"a,b\n1,2\n")
    wb = read_workbook(p)
    assert wb.source.kind == "csv"
    f = only(wb, "FILE_EXTENSION_MISMATCH")
    assert f.level is Level.WARNING
    assert f.file == "cohort.xlsx"
    assert ".xlsx" in f.message and "text" in f.message
    assert wb.sheets[0].rows == [["a", "b"], ["1", "2"]]


def test_xlsx_named_csv_is_read_as_workbook(simple_xlsx, tmp_path):
    p = tmp_path / "export.csv"
    p.write_bytes(simple_xlsx.read_bytes())
    wb = read_workbook(p)
    assert wb.source.kind == "xlsx"
    assert "FILE_EXTENSION_MISMATCH" in codes(wb)
    assert wb.sheets[0].rows[1] == ["S1", 7.5, "PR"]


def test_matching_extension_gives_no_warning(simple_xlsx):
    assert "FILE_EXTENSION_MISMATCH" not in codes(read_workbook(simple_xlsx))


def test_encrypted_ole_container_is_password_protected(write_bytes):
    data = OLE + b"\x00" * 500 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 500
    err = unreadable(write_bytes("locked.xlsx", data))
    assert err.code == "FILE_ENCRYPTED"
    assert "password-protected" in err.message
    assert "xlrd" not in err.message


def test_ole_without_workbook_stream_is_not_a_spreadsheet(write_bytes):
    data = OLE + b"\x00" * 500 + "WordDocument".encode("utf-16-le")
    assert unreadable(write_bytes("letter.xls", data)).code == "FILE_NOT_SPREADSHEET"


def test_ole_workbook_that_calamine_cannot_parse_is_damaged(write_bytes):
    data = OLE + b"\x00" * 500 + "Workbook".encode("utf-16-le") + b"\x00" * 100
    err = unreadable(write_bytes("old.xls", data))
    assert err.code == "FILE_DAMAGED"
    assert "Traceback" not in err.message


def test_docx_is_not_a_spreadsheet(write_bytes):
    data = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    assert unreadable(write_bytes("report.xlsx", data)).code == "FILE_NOT_SPREADSHEET"


def test_gzip_and_pdf_say_what_they_are(write_bytes):
    import gzip

    err = unreadable(write_bytes("segments.tsv.gz", gzip.compress(b"a\tb\n1\t2\n")))
    assert err.code == "FILE_NOT_SPREADSHEET" and "gzip" in err.message
    err = unreadable(write_bytes("table.xlsx", b"%PDF-1.7\n..."))
    assert err.code == "FILE_NOT_SPREADSHEET" and "PDF" in err.message


@pytest.mark.parametrize(
    "data, what",
    [
        (b"<html><body><table><tr><td>S1</td></tr></table></body></html>", "HTML"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:'
         b'office:spreadsheet"><Worksheet/></Workbook>', "XML Spreadsheet 2003"),
    ],
)
def test_html_and_xml_spreadsheet_exports_named_xls(write_bytes, data, what):
    err = unreadable(write_bytes("lis_export.xls", data))
    assert err.code == "FILE_NOT_SPREADSHEET"
    assert what in err.message and "Save As" in err.message


def test_plain_zip_is_not_a_spreadsheet(write_bytes):
    data = zip_bytes({"notes.txt": b"hello"})
    assert unreadable(write_bytes("cohort.zip", data)).code == "FILE_NOT_SPREADSHEET"


# ------------------------------------------------------------------ damaged
@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_truncated_xlsx_is_damaged_and_left_untouched(simple_xlsx, tmp_path, fraction):
    data = simple_xlsx.read_bytes()
    p = tmp_path / "cut.xlsx"
    p.write_bytes(data[: int(len(data) * fraction)])
    before = fingerprint(p)
    err = unreadable(p)
    assert err.code == "FILE_DAMAGED"
    assert "damaged or incomplete" in err.message or "damaged" in err.message
    assert fingerprint(p) == before


def test_corrupted_member_is_damaged(simple_xlsx, tmp_path):
    data = bytearray(simple_xlsx.read_bytes())
    with zipfile.ZipFile(simple_xlsx) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    # Local header is 30 bytes + name + extra; scramble the compressed data after it.
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 5
    for k in range(start, start + 40):
        data[k] ^= 0x5A
    p = tmp_path / "flipped.xlsx"
    p.write_bytes(bytes(data))
    assert unreadable(p).code == "FILE_DAMAGED"


# ------------------------------------------------------------------ caps before parsing
def test_file_size_cap_names_the_limit(simple_xlsx):
    err = unreadable(simple_xlsx, limits=ReadLimits(max_file_bytes=100))
    assert err.code == "FILE_TOO_LARGE"
    assert "file size" in err.message


def test_member_count_cap_names_the_limit(simple_xlsx):
    err = unreadable(simple_xlsx, limits=ReadLimits(max_zip_members=3))
    assert err.code == "FILE_SUSPICIOUS"
    assert "zip members" in err.message


def test_xml_comment_bomb_refused_in_milliseconds(simple_xlsx, tmp_path):
    """A ~20 KB xlsx whose sheet XML holds a 24 MB comment (ratio ~1000:1)."""
    sheet = member(simple_xlsx, "xl/worksheets/sheet1.xml")
    head, sep, tail = sheet.partition(b"<sheetData>")
    bomb = head + b"<!--" + b"A" * (24 * 1024 * 1024) + b"-->" + sep + tail
    p = rezip(simple_xlsx, tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": bomb})
    assert p.stat().st_size < 200_000
    t0 = time.perf_counter()
    err = unreadable(p)
    elapsed = time.perf_counter() - t0
    assert err.code == "FILE_SUSPICIOUS"
    assert "compression ratio" in err.message
    assert "xl/worksheets/sheet1.xml" in err.message
    assert elapsed < 1.0  # milliseconds in practice; generous for a loaded machine


def test_bomb_in_content_types_refused_before_sniffing_reads_it(simple_xlsx, tmp_path):
    ct = member(simple_xlsx, "[Content_Types].xml")
    bomb = ct.replace(b"<Types", b"<!--" + b" " * (16 * 1024 * 1024) + b"--><Types", 1)
    p = rezip(simple_xlsx, tmp_path / "ct.xlsx", {"[Content_Types].xml": bomb})
    err = unreadable(p)
    assert err.code == "FILE_SUSPICIOUS" and "[Content_Types].xml" in err.message


def test_garbage_collector_state_is_restored(simple_xlsx, write_bytes):
    import gc

    read_workbook(simple_xlsx)
    assert gc.isenabled()
    with pytest.raises(UnreadableFile):
        read_workbook(write_bytes("bad.csv", b"a,b\n\x00"))
    assert gc.isenabled()


def _patch_central_directory_size(data: bytes, name: bytes, new_size: int) -> bytes:
    """Zip surgery: make the central directory claim ``new_size`` uncompressed bytes."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", out, pos + 28)[0]
        if bytes(out[pos + 46 : pos + 46 + name_len]) == name:
            struct.pack_into("<I", out, pos + 24, new_size)
            return bytes(out)
        pos = out.find(b"PK\x01\x02", pos + 4)
    raise AssertionError("member not found")


def test_member_claiming_200_mb_refused_from_directory_alone(simple_xlsx, write_bytes):
    data = _patch_central_directory_size(
        simple_xlsx.read_bytes(), b"xl/worksheets/sheet1.xml", 200 * 1024 * 1024
    )
    p = write_bytes("claims.xlsx", data)
    t0 = time.perf_counter()
    err = unreadable(p)
    assert time.perf_counter() - t0 < 1.0
    assert err.code == "FILE_SUSPICIOUS"
    assert "compression ratio" in err.message
    # With the ratio cap lifted, the per-member size cap still names itself.
    err = unreadable(p, limits=ReadLimits(max_compression_ratio=1e9, max_member_bytes=2**20))
    assert err.code == "FILE_TOO_LARGE"
    assert "per member" in err.message


def test_entity_bomb_is_refused_without_memory_spike(simple_xlsx, tmp_path):
    sheet = member(simple_xlsx, "xl/worksheets/sheet1.xml")
    decl_end = sheet.find(b"?>") + 2 if sheet.startswith(b"<?xml") else 0
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    doctype = b"<!DOCTYPE worksheet [" + entities + b"]>"
    body = sheet[decl_end:].replace(b"<sheetData>", b"<sheetData><!-- &lol9; -->", 1)
    bomb = sheet[:decl_end] + doctype + body.replace(b">S1<", b">&lol9;<")
    p = rezip(simple_xlsx, tmp_path / "lol.xlsx", {"xl/worksheets/sheet1.xml": bomb})
    tracemalloc.start()
    try:
        err = unreadable(p)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.code == "FILE_SUSPICIOUS"
    assert "forbidden XML constructs" in err.message
    assert peak < 20 * 1024 * 1024


def test_entity_in_workbook_part_is_refused_too(simple_xlsx, tmp_path):
    wbxml = member(simple_xlsx, "xl/workbook.xml")
    decl_end = wbxml.find(b"?>") + 2 if wbxml.startswith(b"<?xml") else 0
    patched = wbxml[:decl_end] + b'<!DOCTYPE x [<!ENTITY e "x">]>' + wbxml[decl_end:]
    p = rezip(simple_xlsx, tmp_path / "ent.xlsx", {"xl/workbook.xml": patched})
    assert unreadable(p).code == "FILE_SUSPICIOUS"


def test_default_limits_accept_a_normal_workbook(simple_xlsx):
    wb = read_workbook(simple_xlsx)
    assert wb.sheets[0].name == "Samples"
    limits = ReadLimits()
    # A real 100k x 40 workbook: ~20 MB file, ~150 MB sheet XML at 5-15:1.
    assert limits.max_file_bytes >= 100 * 1024 * 1024
    assert limits.max_member_bytes >= 300 * 1024 * 1024
    assert limits.max_compression_ratio >= 100


# ------------------------------------------------------------------ source untouched
def test_source_bytes_and_mtime_unchanged_and_fingerprinted(simple_xlsx):
    import hashlib

    before = fingerprint(simple_xlsx)
    wb = read_workbook(simple_xlsx)
    assert fingerprint(simple_xlsx) == before
    assert wb.source.sha256 == hashlib.sha256(before[0]).hexdigest()
    assert wb.source.size == len(before[0])
    assert wb.source.name == "simple.xlsx"
    assert wb.source.path.endswith("simple.xlsx")
    assert wb.source.kind == "xlsx"
    assert wb.source.sheets == ("Samples",)
    assert "T" in wb.source.read_at and wb.source.read_at.endswith("+00:00")


def test_text_source_unchanged(write_bytes):
    p = write_bytes("c.csv", b"Sample;PFS\nA;7,5\n")
    before = fingerprint(p)
    read_workbook(p)
    assert fingerprint(p) == before
