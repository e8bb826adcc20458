"""Delimited text (CSV, TSV, semicolon files) read cell by cell, as text, as written.

Nothing is guessed silently: the encoding is taken from a byte-order mark or must be
valid UTF-8 (otherwise the user is told where the first bad byte is and asked to choose
an encoding such as cp1252); the delimiter is the one that splits the first 50
non-empty lines into a consistent number of fields, and is reported; every cell stays
the exact text written (``00123``, ``+7``, ``-19``, ``1E5``, ``NA``), with empty cells
as ``None``; a row whose field count differs from the header's is kept and reported.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

from imft_desktop.io.read.guard import ReadBudget, allow_long_fields, current_budget
from imft_desktop.io.read.memory import paused_gc
from imft_desktop.io.read.raw import RawSheet, UnreadableFile
from imft_desktop.model.findings import Finding
from imft_desktop.model.progress import Progress
from imft_desktop.model.vocab import Level

#: Candidate delimiters, in order of preference when several fit equally well.
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_WORDS = {",": "commas (,)", ";": "semicolons (;)", "\t": "tabs", "|": "vertical bars (|)"}
SNIFF_LINES = 50
#: Row counts at which Excel (1,048,576) and old Excel/LibreOffice (65,536) stop.
EXCEL_ROW_LIMITS = (65_536, 1_048_576)
SNIFF_MAX_CHARS = 1 << 20
#: Records between progress reports and cancellation checks.
CHUNK_ROWS = 5000

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
ENCODING_WORDS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (with byte-order mark)",
    "utf-16": "UTF-16 (Excel 'Unicode text')",
    "utf-16-le": "UTF-16 little-endian, without byte-order mark",
    "utf-16-be": "UTF-16 big-endian, without byte-order mark",
    "utf-32": "UTF-32",
}


@dataclass
class TextRead:
    """Result of reading a delimited text file."""

    sheet: RawSheet
    encoding: str
    delimiter: str
    kind: str  # "csv" or "tsv"
    findings: list[Finding] = field(default_factory=list)


def read_text(
    data: bytes,
    name: str,
    progress: Progress,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    max_cells: int | None = None,
) -> TextRead:
    """Read a delimited text file's bytes into one ``RawSheet``.

    Parameters
    ----------
    data:
        The whole file.
    name:
        File name (no directory), used in messages and for the sheet name (its stem).
    progress:
        Receives fractions per chunk of rows; ``check()`` is honoured between chunks.
    encoding:
        Codec to use instead of detection (e.g. ``"cp1252"``).
    delimiter:
        Delimiter to use instead of detection.
    max_cells:
        Cell budget (default: the current ``ReadBudget``); more raises ``OverBudget``.

    Raises
    ------
    UnreadableFile
        ``TEXT_ENCODING`` (not valid in the detected or given encoding), ``FILE_NOT_TEXT``
        (NUL bytes), ``FILE_EMPTY`` (nothing but whitespace).
    """
    if delimiter is not None and len(delimiter) != 1:
        raise ValueError(f"delimiter must be one character, not {delimiter!r}")
    findings: list[Finding] = []
    allow_long_fields()  # a pasted report longer than 131,072 characters is a value
    budget = current_budget()
    if max_cells is not None:
        budget = budget.with_values(max_cells=max_cells)
    text, used = decode_text(data, name, encoding)
    if "\x00" in text:
        raise _not_text(name, text.index("\x00"))
    if not text or text.isspace():  # (strip() would copy a 40 MB text)
        raise UnreadableFile("FILE_EMPTY", f"{name} contains no data (only blank lines).")
    if used != "utf-8" or encoding:
        findings.append(
            Finding(
                "TEXT_ENCODING_USED",
                Level.INFO,
                f"Text was read as {ENCODING_WORDS.get(used, used)}.",
                file=name,
                value=used,
            )
        )
    progress.check()

    declared = _declared_delimiter(text)
    if delimiter is None and declared is not None:
        delimiter = declared
        findings.append(
            Finding(
                "TEXT_DELIMITER",
                Level.INFO,
                f"Columns are separated by {DELIMITER_WORDS.get(declared, repr(declared))}, "
                f"as the file's first line 'sep={declared}' declares (an Excel convention).",
                file=name,
                row=1,
                value=declared,
            )
        )
    if delimiter is None:
        delimiter, n_fields = detect_delimiter(text, prefer_tab=_prefers_tab(name))
        if n_fields > 1:
            message = f"Columns are separated by {DELIMITER_WORDS[delimiter]}."
        else:
            message = (
                "No delimiter (, ; tab |) splits the lines into several columns "
                "consistently; the file was read as a single column."
            )
        findings.append(
            Finding("TEXT_DELIMITER", Level.INFO, message, file=name, value=delimiter)
        )
    # Every cell ends at a delimiter or a line end: an upper bound on the cells, counted
    # at memchr speed, refuses an oversize table before millions of rows are built.
    budget.check_cells(text.count(delimiter) + text.count("\n") + 1, name)
    sheet = RawSheet(name=PurePath(name).stem or name, rows=[], first_row=1)
    sheet.structure_checked = True  # text has no hidden rows, merges or formulas
    with paused_gc():
        findings.extend(_parse_rows(text, name, delimiter, sheet, progress, budget))
    if not any(v is not None and not _ONLY_SEPARATORS.fullmatch(v) for r in sheet.rows for v in r):
        # Only delimiters and spaces: say "empty", not "no column could be mapped".
        raise UnreadableFile(
            "FILE_EMPTY", f"{name} holds no values (only delimiters, spaces or blank lines)."
        )
    if sheet.n_rows in EXCEL_ROW_LIMITS:
        findings.append(
            Finding(
                "XLSX_ROW_LIMIT",
                Level.WARNING,
                f"The file has exactly {sheet.n_rows:,} lines, the most a spreadsheet can "
                "hold: it may have been cut off when it was exported from Excel or "
                "LibreOffice. Check that the last case is there.",
                file=name,
                sheet=sheet.name,
                row=sheet.n_rows,
            )
        )
    kind = "tsv" if delimiter == "\t" else "csv"
    return TextRead(sheet, used, delimiter, kind, findings)


#: A cell of nothing but spaces and would-be delimiters (";;" read as one column).
_ONLY_SEPARATORS = re.compile(r"[\s,;|\t]*")


def _declared_delimiter(text: str) -> str | None:
    """The delimiter of an Excel ``sep=;`` first line, if there is one."""
    first = text[:16].split("\n", 1)[0].rstrip("\r")
    if len(first) == 5 and first.lower().startswith("sep="):
        return first[4]
    return None


def _prefers_tab(name: str) -> bool:
    return PurePath(name).suffix.lower() in (".tsv", ".tab", ".txt")


# --------------------------------------------------------------------------- encoding
def decode_text(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data``; returns ``(text, encoding used)``.

    Detection: a UTF-32/UTF-8/UTF-16 byte-order mark, then UTF-16 without a mark when
    every other byte of the start is NUL (ASCII text saved as UTF-16), then strict
    UTF-8.  Anything else raises ``TEXT_ENCODING`` naming the first bad byte.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise UnreadableFile(
                "TEXT_ENCODING", f"'{encoding}' is not an encoding this app knows."
            ) from exc
        # A byte-order mark is never data, whatever encoding the user picked.
        return _decode_strict(data, name, encoding).lstrip("\ufeff"), encoding
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _decode_strict(data, name, codec)
            return text.lstrip("\ufeff"), codec
    if b"\x00" in data:
        guessed = _bomless_utf16(data)
        if guessed is None:
            raise _not_text(name, data.index(b"\x00"))
        return _decode_strict(data, name, guessed), guessed
    return _decode_strict(data, name, "utf-8"), "utf-8"


def _bomless_utf16(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nul >= 0.9 * half and even_nul == 0:
        return "utf-16-le"
    if even_nul >= 0.9 * half and odd_nul == 0:
        return "utf-16-be"
    return None


def _not_text(name: str, offset: int) -> UnreadableFile:
    return UnreadableFile(
        "FILE_NOT_TEXT",
        f"{name} is not a text file: it contains binary data (a NUL byte at byte offset "
        f"{offset}). Save the table from Excel as .xlsx or as 'CSV UTF-8'.",
    )


def _decode_strict(data: bytes, name: str, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        offset = exc.start
        line = data.count(b"\n", 0, offset) + 1
        line_start = data.rfind(b"\n", 0, offset) + 1
        column = len(data[line_start:offset].decode(codec, "replace")) + 1
        bad = data[offset : offset + 1].hex().upper()
        if codec in ("utf-8", "utf-8-sig"):
            advice = (
                "The file is not UTF-8. Choose the encoding it was saved in, for example "
                "cp1252 (Windows, Western Europe) or latin-1, or save it from Excel as "
                "'CSV UTF-8'."
            )
        else:
            advice = f"The file is not valid {codec}. Choose another encoding."
        raise UnreadableFile(
            "TEXT_ENCODING",
            f"{name}: byte 0x{bad} at byte offset {offset} (line {line}, column {column}) "
            f"cannot be read as {codec}. {advice}",
        ) from exc


# --------------------------------------------------------------------------- delimiter
def detect_delimiter(text: str, prefer_tab: bool = False) -> tuple[str, int]:
    """The delimiter that splits the first 50 non-empty lines most consistently.

    Returns ``(delimiter, modal field count)``; a count of 1 means no candidate split
    the lines (the file is one column) and ``,`` is returned.  Quotes are honoured, so
    ``"Müller, A."`` does not vote for a comma, and decimal commas (``7,5``) in a
    semicolon file do not win: they give inconsistent counts.
    """
    sample = _sniff_sample(text)
    order = ("\t", ",", ";", "|") if prefer_tab else DELIMITERS
    best: tuple[float, int, int] | None = None
    best_delim = ","
    for rank, delim in enumerate(order):
        counts = [
            len(rec)
            for rec in csv.reader(io.StringIO(sample, newline=""), delimiter=delim)
            if any(c.strip() for c in rec)
        ]
        if not counts:
            continue
        mode, n_mode = Counter(counts).most_common(1)[0]
        if mode < 2:
            continue
        score = (n_mode / len(counts), mode, -rank)
        if best is None or score > best:
            best, best_delim = score, delim
    return best_delim, (best[1] if best else 1)


def modal_field_count(text: str, delimiter: str) -> int:
    """The most common number of fields among the first 50 non-empty lines."""
    counts = [
        len(rec)
        for rec in csv.reader(io.StringIO(_sniff_sample(text), newline=""), delimiter=delimiter)
        if any(c.strip() for c in rec)
    ]
    return Counter(counts).most_common(1)[0][0] if counts else 1


def _sniff_sample(text: str) -> str:
    lines: list[str] = []
    size = 0
    for line in io.StringIO(text[:SNIFF_MAX_CHARS], newline=""):
        lines.append(line)
        size += 1 if line.strip() else 0
        if size >= SNIFF_LINES:
            break
    return "".join(lines)


# --------------------------------------------------------------------------- rows
def _parse_rows(
    text: str, name: str, delimiter: str, sheet: RawSheet, progress: Progress,
    budget: ReadBudget | None = None,
) -> list[Finding]:
    budget = budget or current_budget()
    cells_read = 0
    findings: list[Finding] = []
    total_lines = text.count("\n") + 1
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = sheet.rows
    expected = modal_field_count(text, delimiter)
    header_fields = 0
    header_row = 0
    start_line = 1
    try:
        for rec in reader:
            row_no = len(rows) + 1
            cells = [c if c != "" else None for c in rec]
            rows.append(cells)
            n = len(rec)
            cells_read += n
            if header_fields == 0:
                # Title lines above the header ("CREATE export 2021") have fewer fields;
                # the header is the first line with the usual number of fields.
                if n == expected or (n > expected and any(c is not None for c in cells)):
                    header_fields, header_row = n, row_no
            elif n != header_fields and any(c is not None for c in cells):
                extra_empty = n > header_fields and all(
                    c is None or not c.strip() for c in cells[header_fields:]
                )
                if not extra_empty:
                    findings.append(_ragged(name, sheet.name, row_no, start_line, n, header_fields,
                                            header_row, rec))
            start_line = reader.line_num + 1
            if row_no % CHUNK_ROWS == 0:
                budget.check_cells(cells_read, name)
                progress.check()
                progress.report(min(reader.line_num / total_lines, 1.0), f"Reading {name}")
    except csv.Error as exc:
        raise UnreadableFile(
            "TEXT_MALFORMED",
            f"{name}, line {reader.line_num}: the text cannot be split into cells "
            f"({exc}). A value may be longer than {csv.field_size_limit():,} characters.",
        ) from exc
    budget.check_cells(cells_read, name)
    unclosed = _unclosed_quote(text, rows)
    if unclosed is not None:
        findings.append(
            Finding(
                "TEXT_UNCLOSED_QUOTE",
                Level.ERROR,
                f"Row {unclosed} opens a quotation mark that is never closed: everything "
                "after it up to the end of the file was read as one value.",
                file=name,
                sheet=sheet.name,
                row=unclosed,
            )
        )
    # Trailing blank lines add nothing and would count as rows.
    while rows and not any(c is not None for c in rows[-1]):
        rows.pop()
    progress.report(1.0, f"Read {name}")
    return findings


def _ragged(
    name: str,
    sheet: str,
    row: int,
    line: int,
    n: int,
    header_fields: int,
    header_row: int,
    rec: list[str],
) -> Finding:
    where = f"line {line}" if line == row else f"row {row} (line {line} of the file)"
    header = "the header" if header_row == 1 else f"the header (row {header_row})"
    shift = (
        "values may have shifted into the wrong columns"
        if n > header_fields
        else "values at the end of the row are missing or shifted"
    )
    return Finding(
        "TEXT_RAGGED_ROW",
        Level.ERROR,
        f"{where[0].upper()}{where[1:]} has {n} field{'' if n == 1 else 's'}, {header} has "
        f"{header_fields}: "
        f"{shift}. Check quotation marks and delimiters in this row.",
        file=name,
        sheet=sheet,
        row=row,
        value=_clip(rec),
    )


def _clip(rec: list[str], limit: int = 200) -> str:
    text = "|".join(rec)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unclosed_quote(text: str, rows: list[list[str | None]]) -> int | None:
    """Row number whose quoted field ran to the end of the file, if any."""
    # Only the end of the text matters; stripping all of a 40 MB text would copy it.
    end = len(text)
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if not rows or text.endswith('"', 0, end):
        return None
    for i in range(len(rows) - 1, -1, -1):
        cells = rows[i]
        if not any(c is not None for c in cells):
            continue
        last = next((c for c in reversed(cells) if c is not None), None)
        if last is not None and "\n" in last and text.endswith(last.rstrip(), 0, end):
            return i + 1
        return None
    return None
