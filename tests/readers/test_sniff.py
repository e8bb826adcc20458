"""Format sniffing from bytes alone (no parsing)."""

from __future__ import annotations

import pytest
from reader_helpers import zip_bytes

from imft_desktop.io.read.raw import UnreadableFile
from imft_desktop.io.read.sniff import ReadLimits, sniff_bytes

OLE = bytes.fromhex("D0CF11E0A1B11AE1")


@pytest.mark.parametrize(
    "members, name, kind, mismatch",
    [
        ({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}, "a.xlsx", "xlsx",
         False),
        ({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>",
          "xl/vbaProject.bin": b"\0"}, "a.xlsm", "xlsm", False),
        ({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0"}, "a.xlsx", "xlsb",
         True),
        ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, "a.xlsx", "ods",
         True),
    ],
)
def test_zip_kinds(members, name, kind, mismatch):
    sniffed = sniff_bytes(zip_bytes(members), name)
    assert sniffed.kind == kind
    assert sniffed.extension_mismatch is mismatch


def test_ole_kinds():
    assert sniff_bytes(OLE + "Workbook".encode("utf-16-le"), "old.xls").kind == "xls"
    with pytest.raises(UnreadableFile) as info:
        sniff_bytes(OLE + "EncryptedPackage".encode("utf-16-le"), "enc.xlsx")
    assert info.value.code == "FILE_ENCRYPTED"


def test_text_and_unknown_extensions():
    assert sniff_bytes(b"a,b\n", "a.csv").kind == "text"
    assert not sniff_bytes(b"a,b\n", "a.csv").extension_mismatch
    assert not sniff_bytes(b"a,b\n", "export").extension_mismatch  # no extension: no claim
    assert sniff_bytes(b"a,b\n", "a.XLSX").extension_mismatch  # case-insensitive


def test_zip_limits_apply_before_any_member_is_read():
    data = zip_bytes({f"m{i}.xml": b"<a/>" for i in range(20)})
    with pytest.raises(UnreadableFile) as info:
        sniff_bytes(data, "many.xlsx", ReadLimits(max_zip_members=10))
    assert info.value.code == "FILE_SUSPICIOUS"
