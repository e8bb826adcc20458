"""The front door for reading a spreadsheet or delimited text file: ``read_workbook``.

It fingerprints the file (SHA-256, size, time read), decides the format from the bytes
(``sniff``), refuses crafted or oversize files before parsing, and hands the bytes to
the workbook reader (calamine + structure pass) or the text reader.  The file is opened
read-only, once; everything is parsed from that one in-memory copy, so the hash always
describes exactly the bytes that were read.  pandas is never involved, and only local
paths are accepted.

Codes it raises (``UnreadableFile``): FILE_NOT_FOUND, FILE_NOT_LOCAL, FILE_LOCKED,
FILE_EMPTY, FILE_TOO_LARGE, FILE_SUSPICIOUS, FILE_DAMAGED, FILE_ENCRYPTED,
FILE_NOT_SPREADSHEET, FILE_NOT_TEXT, TEXT_ENCODING, TEXT_MALFORMED.
Findings it returns (``RawWorkbook.findings``): FILE_EXTENSION_MISMATCH (warning),
TEXT_DELIMITER, TEXT_ENCODING_USED (info), TEXT_RAGGED_ROW, TEXT_UNCLOSED_QUOTE
(error), XLSX_HIDDEN_SHEET (warning if it holds data, else info), XLSX_ROW_LIMIT
(warning), XLSX_MACROS, XLSX_EXTERNAL_LINK, XLSX_DATE_1904, XLSX_NOT_A_WORKSHEET (info).
Hidden rows/columns, merges, formulas and error cells are recorded on each ``RawSheet``
for the importer to report per row.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from imft_desktop.io.read.deadline import BudgetProgress
from imft_desktop.io.read.guard import (
    ReadBudget,
    check_regular_file,
    current_budget,
    read_input_bytes,
)
from imft_desktop.io.read.raw import RawWorkbook, UnreadableFile
from imft_desktop.io.read.sniff import FAMILY_WORDS, ReadLimits, check_file_size, sniff_bytes
from imft_desktop.io.read.text_reader import read_text
from imft_desktop.io.read.xlsx_reader import SheetChooser, read_spreadsheet
from imft_desktop.model.cohort import SourceFile
from imft_desktop.model.findings import Finding
from imft_desktop.model.progress import Progress
from imft_desktop.model.vocab import Level

__all__ = [
    "ReadBudget", "ReadLimits", "SheetInfo", "UnreadableFile", "describe_sheets",
    "read_sheet_into", "read_workbook",
]

_URL_PREFIXES = ("http://", "https://", "ftp://", "s3://", "file://", "gs://", "smb://")


def read_workbook(
    path: str | os.PathLike[str],
    progress: Progress | None = None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    structure: bool = True,
    limits: ReadLimits | None = None,
    budget: ReadBudget | None = None,
    only: Collection[str] | SheetChooser | None = None,
) -> RawWorkbook:
    """Read every sheet of a workbook (or a delimited text file) as raw cells.

    Parameters
    ----------
    path:
        A local file (.xlsx, .xlsm, .xlsb, .xls, .ods, .csv, .tsv, .txt); the format is
        taken from the content, the extension only produces a warning if it disagrees.
    progress:
        Receives fractions (per sheet; per chunk of rows for text) and is checked for
        cancellation, which raises ``Cancelled``.
    encoding:
        Text files only: the encoding to use instead of detection (e.g. ``"cp1252"``).
    delimiter:
        Text files only: the delimiter to use instead of detection.
    structure:
        Read hidden rows/columns, merges, formulas, error cells and number formats
        (.xlsx/.xlsm).  ``False`` is faster and marks sheets ``structure_checked=False``.
    limits:
        Caps on zip content, checked before parsing (default: from ``budget``).
    budget:
        The reader budget (file size, unpacked bytes, cells, time); default
        ``current_budget()``.  Over budget raises ``OverBudget``.
    only:
        Workbooks only: names of the sheets to parse, or a function choosing them from
        the names and hidden flags; the others are listed with no cells
        (``RawSheet.parsed`` False), so a workbook's unused sheets cost nothing.

    Returns
    -------
    RawWorkbook
        Sheets with raw values and structure, the ``SourceFile`` fingerprint, the date
        system, the text encoding/delimiter and file-level findings.

    Raises
    ------
    UnreadableFile
        With a stable ``code`` (``FILE_NOT_FOUND``, ``FILE_EMPTY``, ``FILE_ENCRYPTED``,
        ``FILE_DAMAGED``, ``FILE_TOO_LARGE``, ``FILE_SUSPICIOUS``, ``FILE_NOT_TEXT``,
        ``TEXT_ENCODING`` ...) and a message for the user.
    """
    path = _local_path(path)
    name = path.name
    budget = budget or current_budget()
    limits = limits or limits_for(budget)
    progress = BudgetProgress(budget, name, progress)
    progress.check()
    progress.report(0.0, f"Reading {name}")
    size = check_regular_file(path, budget)
    check_file_size(size, name, limits)
    data = read_input_bytes(path, budget)
    check_file_size(len(data), name, limits)  # the file may have grown since stat()
    digest = hashlib.sha256(data).hexdigest()
    read_at = datetime.now(UTC).isoformat(timespec="seconds")
    progress.check()

    sniffed = sniff_bytes(data, name, limits)
    findings: list[Finding] = []
    if sniffed.extension_mismatch:
        said = FAMILY_WORDS.get(sniffed.extension_family or "", "another format")
        found = FAMILY_WORDS[sniffed.family]
        findings.append(
            Finding(
                "FILE_EXTENSION_MISMATCH",
                Level.WARNING,
                f"The file name ends in {path.suffix} ({said}) but the file is {found}; "
                "it was read as what it is.",
                file=name,
                value=path.suffix,
                normalised=sniffed.kind,
            )
        )

    body = progress.sub(0.05, 1.0)
    used_encoding: str | None = None
    used_delimiter: str | None = None
    if sniffed.kind == "text":
        text = read_text(data, name, body, encoding=encoding, delimiter=delimiter,
                         max_cells=budget.max_cells)
        findings.extend(text.findings)
        sheets = [text.sheet]
        kind, date_system = text.kind, "1900"
        used_encoding, used_delimiter = text.encoding, text.delimiter
    else:
        book = read_spreadsheet(
            data, name, sniffed.kind, body, structure=structure, limits=limits,
            only=only, budget=budget,
        )
        findings.extend(book.findings)
        sheets, kind, date_system = book.sheets, sniffed.kind, book.date_system

    source = SourceFile(
        name=name,
        path=str(path),
        sha256=digest,
        size=len(data),
        kind=kind,
        read_at=read_at,
        sheets=tuple(s.name for s in sheets),
    )
    progress.report(1.0, f"Read {name}")
    return RawWorkbook(
        source=source,
        sheets=sheets,
        date_system=date_system,
        encoding=used_encoding,
        delimiter=used_delimiter,
        findings=findings,
    )


def _local_path(path: str | os.PathLike[str]) -> Path:
    text = os.fspath(path)
    if isinstance(text, bytes):  # os.fspath may return bytes for a bytes path
        text = os.fsdecode(text)
    if text.lower().startswith(_URL_PREFIXES):
        raise UnreadableFile(
            "FILE_NOT_LOCAL",
            "Only files on this computer or a mounted drive can be read, not web "
            "addresses. Download the file first.",
        )
    return Path(text).expanduser().absolute()


def limits_for(budget: ReadBudget) -> ReadLimits:
    """The zip caps that follow from a reader budget."""
    return ReadLimits(
        max_file_bytes=budget.max_file_bytes,
        max_total_uncompressed_bytes=budget.max_unpacked_bytes,
        max_member_bytes=min(ReadLimits.max_member_bytes, budget.max_unpacked_bytes),
    )


def read_sheet_into(workbook: RawWorkbook, name: str, progress: Progress | None = None,
                    budget: ReadBudget | None = None) -> RawWorkbook:
    """Parse sheet ``name`` of a workbook read with ``only=`` and put it in place.

    The file is read again and must still have the fingerprint it had (otherwise
    ``FILE_CHANGED``): cells of two versions of a file are never mixed.
    """
    again = read_workbook(workbook.source.path, progress, budget=budget, only={name})
    if again.source.sha256 != workbook.source.sha256:
        raise UnreadableFile(
            "FILE_CHANGED",
            f"{workbook.source.name} changed since it was opened. Open it again.",
        )
    fresh = again.sheet(name)
    workbook.sheets = [fresh if s.name == fresh.name else s for s in workbook.sheets]
    known = {(f.code, f.sheet, f.row) for f in workbook.findings}
    workbook.findings.extend(
        f for f in again.findings
        if f.sheet == fresh.name and (f.code, f.sheet, f.row) not in known
    )
    return workbook


@dataclass(frozen=True)
class SheetInfo:
    """What the GUI's sheet picker shows: name, visibility and size.

    ``rows`` counts rows holding at least one value; ``columns`` is the widest row.
    """

    name: str
    hidden: bool
    rows: int
    columns: int
    parsed: bool = True  # False: not read yet (see ``read_workbook(only=...)``)


def describe_sheets(workbook: RawWorkbook) -> list[SheetInfo]:
    """One ``SheetInfo`` per sheet, in workbook order (hidden sheets included)."""
    out = []
    for s in workbook.sheets:
        if not s.parsed:
            out.append(SheetInfo(s.name, s.hidden, 0, 0, parsed=False))
            continue
        rows = columns = 0
        for r in s.rows:
            # Walk back from the end: rows mostly end in a value, so this is O(rows).
            j = len(r)
            while j and (r[j - 1] is None or r[j - 1] == ""):
                j -= 1
            if j:
                rows += 1
                columns = max(columns, j)
        out.append(SheetInfo(s.name, s.hidden, rows, columns))
    return out
