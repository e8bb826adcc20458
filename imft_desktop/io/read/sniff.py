"""Decide what a file is from its bytes, and refuse crafted or oversize files early.

The extension says what the user (or a colleague's Save As) called the file; the bytes
say what it is.  A CSV renamed ``.xlsx`` is read as CSV, an encrypted workbook (an OLE
container holding an ``EncryptionInfo`` stream) is refused with "password-protected"
rather than a library error, and a zip whose central directory announces a member of
hundreds of megabytes compressed 1000:1 (the "XML comment bomb" that keeps an XML parser
busy for minutes) is refused from the directory alone, in milliseconds, before any XML
is parsed.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

from imft_desktop.io.read.raw import UnreadableFile

MiB = 1024 * 1024

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

#: Extension -> the family of formats it promises.
EXTENSION_FAMILY = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xltx": "xlsx",
    ".xltm": "xlsx",
    ".xlsb": "xlsb",
    ".xls": "xls",
    ".xlt": "xls",
    ".ods": "ods",
    ".csv": "text",
    ".tsv": "text",
    ".tab": "text",
    ".txt": "text",
    ".dat": "text",
}

#: Kind (what the bytes say) -> family, to compare with the extension's promise.
KIND_FAMILY = {"xlsx": "xlsx", "xlsm": "xlsx", "xlsb": "xlsb", "xls": "xls", "ods": "ods"}

FAMILY_WORDS = {
    "xlsx": "an Excel workbook (.xlsx)",
    "xlsb": "an Excel binary workbook (.xlsb)",
    "xls": "a legacy Excel workbook (.xls)",
    "ods": "an OpenDocument spreadsheet (.ods)",
    "text": "a text file (CSV/TSV)",
}


@dataclass(frozen=True)
class ReadLimits:
    """Resource caps checked before any parsing starts.

    The defaults accept a real 100,000-row x 40-column workbook (about 20 MB as .xlsx,
    about 150 MB of sheet XML, compressed 5-15:1) with room to spare, and refuse
    crafted files: a 195 KB .xlsx holding a 200 MB XML comment has a ratio of ~1000:1.

    Attributes
    ----------
    max_file_bytes:
        Largest file read at all (default 256 MiB; a 100k x 40 CSV is ~40 MB).
    max_zip_members:
        Most entries a workbook's zip may hold (default 10,000; Excel writes ~10-50).
    max_member_bytes:
        Largest uncompressed size of any one zip member (default 1 GiB).
    max_total_uncompressed_bytes:
        Largest sum of uncompressed member sizes (default 2 GiB).
    max_compression_ratio:
        Largest uncompressed/compressed ratio of a member (default 200).  Real sheet
        XML compresses 5-30:1; even a sheet of identical cells stays under ~120:1.
    ratio_check_min_bytes:
        Members smaller than this (default 4 MiB uncompressed) are not ratio-checked:
        they cannot keep a parser busy, and tiny members compress unpredictably.
    max_xml_prolog_bytes:
        How far into an XML part a root element must start (default 1 MiB); the prolog
        is where a DOCTYPE (entity bomb) or a giant comment would hide.
    """

    max_file_bytes: int = 256 * MiB
    max_zip_members: int = 10_000
    max_member_bytes: int = 1024 * MiB
    max_total_uncompressed_bytes: int = 2048 * MiB
    max_compression_ratio: float = 200.0
    ratio_check_min_bytes: int = 4 * MiB
    max_xml_prolog_bytes: int = 1 * MiB


@dataclass(frozen=True)
class Sniffed:
    """What the bytes say a file is.

    ``kind`` is ``xlsx``, ``xlsm``, ``xlsb``, ``xls``, ``ods`` or ``text``;
    ``extension_family`` is what the extension promised (``None`` if unknown).
    """

    kind: str
    extension_family: str | None

    @property
    def family(self) -> str:
        return KIND_FAMILY.get(self.kind, "text")

    @property
    def extension_mismatch(self) -> bool:
        return self.extension_family is not None and self.extension_family != self.family


def utf16le(text: str) -> bytes:
    return text.encode("utf-16-le")


def sniff_bytes(data: bytes, name: str, limits: ReadLimits | None = None) -> Sniffed:
    """Classify ``data`` (the whole file) by content; ``name`` only for its extension.

    A zip's central directory is checked against ``limits`` before any member (even
    ``[Content_Types].xml``) is decompressed.

    Raises
    ------
    UnreadableFile
        ``FILE_EMPTY`` for 0 bytes, ``FILE_ENCRYPTED`` for a password-protected
        workbook, ``FILE_DAMAGED`` for a broken zip, ``FILE_NOT_SPREADSHEET`` for a zip
        or OLE file that is not a workbook (a Word document, say).
    """
    ext_family = EXTENSION_FAMILY.get(PurePath(name).suffix.lower())
    if not data:
        raise UnreadableFile("FILE_EMPTY", f"{name} is empty (0 bytes): there is nothing to read.")
    if data.startswith(OLE_MAGIC):
        return Sniffed(_sniff_ole(data, name), ext_family)
    if data.startswith(ZIP_MAGICS):
        return Sniffed(_sniff_zip(data, name, limits or ReadLimits()), ext_family)
    for magic, what in _OTHER_MAGICS:
        if data.startswith(magic):
            raise UnreadableFile(
                "FILE_NOT_SPREADSHEET",
                f"{name} is {what}, not a spreadsheet or text table. {_OTHER_ADVICE[magic]}",
            )
    markup = _markup_kind(data)
    if markup is not None:
        raise UnreadableFile(
            "FILE_NOT_SPREADSHEET",
            f"{name} is {markup} saved under a spreadsheet name (laboratory systems often "
            "export this way). Open it in Excel and use Save As > Excel Workbook (.xlsx), "
            "then import the saved copy.",
        )
    return Sniffed("text", ext_family)


def _markup_kind(data: bytes) -> str | None:
    """'a web page (HTML)' or 'an XML Spreadsheet 2003 file' if the text is markup."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head.startswith(b"<"):
        return None
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return "an XML Spreadsheet 2003 file"
    if head.startswith((b"<!doctype html", b"<html")) or b"<table" in head:
        return "a web page (HTML)"
    return None


#: Formats people drop on the app by mistake, recognised so the message can say what
#: they are instead of "binary data".
_OTHER_MAGICS = (
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"%PDF-", "a PDF document"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
)
_OTHER_ADVICE = {
    b"\x1f\x8b": "Unpack it first (e.g. with 7-Zip), then import the file inside.",
    b"%PDF-": "Export the table from its source as .xlsx or .csv.",
    b"7z\xbc\xaf\x27\x1c": "Unpack it first, then import the file inside.",
    b"Rar!\x1a\x07": "Unpack it first, then import the file inside.",
}


def _sniff_ole(data: bytes, name: str) -> str:
    # Excel stores an encrypted .xlsx inside an OLE (Compound File) container whose
    # directory names an "EncryptionInfo" stream; directory names are UTF-16LE.
    if utf16le("EncryptionInfo") in data or utf16le("EncryptedPackage") in data:
        raise UnreadableFile(
            "FILE_ENCRYPTED",
            f"{name} is password-protected. Open it in Excel, remove the password "
            "(File > Info > Protect Workbook), save a copy and import that copy.",
        )
    if utf16le("Workbook") in data or utf16le("Book") in data:
        return "xls"
    raise UnreadableFile(
        "FILE_NOT_SPREADSHEET",
        f"{name} is an Office file but not an Excel workbook (perhaps a Word or "
        "PowerPoint document). Save the table from Excel as .xlsx or .csv.",
    )


def _damaged(name: str) -> UnreadableFile:
    return UnreadableFile(
        "FILE_DAMAGED",
        f"{name} is damaged or incomplete (perhaps a copy was interrupted). Your file "
        "was not changed; open it in Excel to check, or copy it again.",
    )


def open_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """Open in-memory zip bytes, turning any zip error into ``FILE_DAMAGED``."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
            ValueError) as exc:
        raise _damaged(name) from exc


def _sniff_zip(data: bytes, name: str, limits: ReadLimits) -> str:
    with open_zip(data, name) as zf:
        check_zip_limits(zf, name, limits)
        names = set(zf.namelist())
        if "[Content_Types].xml" in names:
            if "xl/workbook.bin" in names:
                return "xlsb"
            if not any(n.startswith("xl/") for n in names):
                raise UnreadableFile(
                    "FILE_NOT_SPREADSHEET",
                    f"{name} is an Office document but not an Excel workbook (perhaps "
                    "Word or PowerPoint). Save the table from Excel as .xlsx or .csv.",
                )
            macro = "xl/vbaProject.bin" in names
            if not macro:
                try:
                    ct = zf.read("[Content_Types].xml")
                except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
                    raise _damaged(name) from exc
                macro = b"macroEnabled" in ct
            return "xlsm" if macro else "xlsx"
        if "mimetype" in names:
            try:
                mimetype = zf.read("mimetype").strip()
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
                raise _damaged(name) from exc
            if mimetype == ODS_MIMETYPE:
                return "ods"
        raise UnreadableFile(
            "FILE_NOT_SPREADSHEET",
            f"{name} is a zip archive, not a spreadsheet. Unpack it, or save the table "
            "from Excel as .xlsx or .csv.",
        )


def check_file_size(size: int, name: str, limits: ReadLimits) -> None:
    """Refuse a file larger than ``limits.max_file_bytes`` before reading it."""
    if size > limits.max_file_bytes:
        raise UnreadableFile(
            "FILE_TOO_LARGE",
            f"{name} is {size / MiB:.0f} MB, more than the {limits.max_file_bytes / MiB:.0f} "
            "MB this app reads (limit: file size). Split it, or remove unused sheets.",
        )


def check_zip_limits(zf: zipfile.ZipFile, name: str, limits: ReadLimits) -> None:
    """Refuse a zip whose central directory announces a crafted or oversize content.

    Only the central directory is consulted (no decompression), so a bomb is refused in
    milliseconds.  The message names the limit that was exceeded.
    """
    infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        raise UnreadableFile(
            "FILE_SUSPICIOUS",
            f"{name} holds {len(infos):,} parts, more than a workbook ever needs "
            f"(limit: {limits.max_zip_members:,} zip members). It was not read.",
        )
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > limits.max_member_bytes:
            raise UnreadableFile(
                "FILE_TOO_LARGE",
                f"{name}: the part {info.filename} would unpack to {size / MiB:,.0f} MB "
                f"(limit: {limits.max_member_bytes / MiB:,.0f} MB per member). It was not "
                "read.",
            )
        if size >= limits.ratio_check_min_bytes:
            ratio = size / max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise UnreadableFile(
                    "FILE_SUSPICIOUS",
                    f"{name}: the part {info.filename} is compressed {ratio:,.0f}:1 "
                    f"({info.compress_size / 1024:,.0f} KB unpacking to {size / MiB:,.0f} "
                    f"MB; limit: compression ratio {limits.max_compression_ratio:,.0f}:1). "
                    "Real workbooks never do this; it was not read.",
                )
    if total > limits.max_total_uncompressed_bytes:
        raise UnreadableFile(
            "FILE_TOO_LARGE",
            f"{name} would unpack to {total / MiB:,.0f} MB in total (limit: "
            f"{limits.max_total_uncompressed_bytes / MiB:,.0f} MB uncompressed). It was "
            "not read. If the file is genuine, raise the limit with --max-unpacked-mb or "
            "the environment variable IMFT_MAX_UNPACKED_MB.",
        )
    # Many members each just under the per-member check add up: judge the whole too.
    packed = sum(i.compress_size for i in infos)
    if total >= 4 * limits.ratio_check_min_bytes:
        ratio = total / max(packed, 1)
        if ratio > limits.max_compression_ratio:
            raise UnreadableFile(
                "FILE_SUSPICIOUS",
                f"{name}: its {len(infos):,} parts are compressed {ratio:,.0f}:1 in total "
                f"({packed / MiB:,.1f} MB unpacking to {total / MiB:,.0f} MB; limit: "
                f"compression ratio {limits.max_compression_ratio:,.0f}:1). Real workbooks "
                "never do this; it was not read.",
            )


# A prolog is the XML declaration, comments, processing instructions and whitespace in
# front of the root element; a DOCTYPE there is where entities (and entity bombs) live.
_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)


def check_xml_prolog(zf: zipfile.ZipFile, member: str, name: str, limits: ReadLimits) -> None:
    """Refuse an XML part that declares a DOCTYPE (entities) or hides its root element.

    Spreadsheet XML never needs a DOCTYPE; refusing it blocks entity-expansion bombs
    ("billion laughs") whatever parser later reads the part.  Only the prolog is read.
    """
    head = b""
    try:
        with zf.open(member) as fh:
            while len(head) < limits.max_xml_prolog_bytes:
                chunk = fh.read(64 * 1024)
                if not chunk:
                    break
                head += chunk
                if _prolog_end(head) is not None:
                    break
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise _damaged(name) from exc
    end = _prolog_end(head)
    prolog = head if end is None else head[:end]
    if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
        raise UnreadableFile(
            "FILE_SUSPICIOUS",
            f"{name}: the part {member} declares XML entities (a DOCTYPE), which "
            "spreadsheets never need and which can be used to exhaust memory. It was not "
            "read (forbidden XML constructs).",
        )
    if end is None and len(head) >= limits.max_xml_prolog_bytes:
        raise UnreadableFile(
            "FILE_SUSPICIOUS",
            f"{name}: the part {member} has more than {limits.max_xml_prolog_bytes / MiB:.0f} "
            "MB before its first element (limit: XML prolog size). It was not read.",
        )


def _prolog_end(head: bytes) -> int | None:
    """Offset where the root element (or a DOCTYPE) starts, or None if not seen yet."""
    pos = 0
    if head.startswith(b"\xef\xbb\xbf"):
        pos = 3
    while True:
        m = _PROLOG_ITEM.match(head, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    # Skip whitespace, then we must be at "<" of the root or of a DOCTYPE.
    while pos < len(head) and head[pos : pos + 1].isspace():
        pos += 1
    if pos >= len(head) or head[pos : pos + 1] != b"<":
        return None
    if head.startswith(b"<!DOCTYPE", pos) or head.startswith(b"<!doctype", pos):
        return len(head)  # include everything read so far in the DOCTYPE check
    if head.startswith(b"<!--", pos) or head.startswith(b"<?", pos):
        return None  # an unterminated comment or PI: keep reading
    return pos
