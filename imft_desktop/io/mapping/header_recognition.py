"""Recognise the columns of a one-row-per-case sheet: header row, then each header.

Pathologists' sheets carry their own headers ("ALK IHC (D5F3)", "PFS days", "22q",
"Censored").  ``recognise`` proposes a ``MappingProfile``: it finds the header row
(skipping title and banner rows), flattens two-level headers ("IHC" merged over "ALK" and
"ROS1"), and maps each header by vocabulary (``header_rules``), falling back on
the column's values when the header alone is ambiguous (a column "ALK" holding
'TPM3-ALK' is a fusion column; one holding '80%' is IHC).  Every proposal carries a
confidence and a reason; unrecognised columns become ``extra`` with confidence 0.
"""

from __future__ import annotations

import re
from typing import Any

from imft_desktop.io.mapping.header_rules import Guess, assay_named_in, recognise_header
from imft_desktop.io.mapping.profile import ColumnMapping, MappingProfile
from imft_desktop.io.mapping.targets import EXTRA, parse_target
from imft_desktop.io.mapping.vocab import clean_text
from imft_desktop.io.read.raw import RawSheet, column_index, column_letter

__all__ = [
    "Guess",
    "assay_named_in",
    "column_values",
    "find_header_row",
    "recognise",
    "recognise_column",
    "recognise_header",
    "sheet_headers",
]

#: How many rows from the top may hold the header.
HEADER_SEARCH_ROWS = 15
#: How many data cells per column are sniffed for value-based decisions.
VALUE_SAMPLE = 200


# ---------------------------------------------------------------------------- sheet


def _merges(sheet: RawSheet) -> list[tuple[int, int, int, int]]:
    """Merged ranges as (first row, last row, first col index, last col index)."""
    out = []
    for ref in sheet.merged_ranges:
        m = re.fullmatch(r"\$?([A-Za-z]+)\$?(\d+)(?::\$?([A-Za-z]+)\$?(\d+))?", ref.strip())
        if not m:
            continue
        c1, r1 = column_index(m[1]), int(m[2])
        c2, r2 = (column_index(m[3]), int(m[4])) if m[3] else (c1, r1)
        out.append((min(r1, r2), max(r1, r2), min(c1, c2), max(c1, c2)))
    return out


def _row(sheet: RawSheet, excel_row: int) -> list[Any]:
    i = excel_row - sheet.first_row
    return sheet.rows[i] if 0 <= i < len(sheet.rows) else []


def _text(v: Any) -> str:
    return clean_text(v) if v is not None else ""


def sheet_headers(sheet: RawSheet, header_row: int) -> dict[int, str]:
    """Header text per column index at ``header_row``, two-level headers flattened.

    A cell merged horizontally over several columns in the row above ("IHC" over "ALK"
    and "ROS1") is prefixed to each sub-header ("IHC ALK"); a header cell merged
    vertically from above takes the upper cell's text.  A single title merged across
    (nearly) the whole width is not a group header and is left out.  Columns with a
    blank header but data below are included with an empty header.
    """
    row = _row(sheet, header_row)
    # A header Excel turned into a date or number is matched as it was displayed.
    headers = {j: _text(sheet.display_text.get((header_row, j), v)) for j, v in enumerate(row)}
    merges = _merges(sheet)
    width = max(1, sheet.n_columns)
    filled_above = sum(1 for v in _row(sheet, header_row - 1) if _text(v))
    for r1, r2, c1, c2 in merges:
        if r1 < header_row <= r2:  # vertical merge reaching into the header row
            top = _text(sheet.cell(r1, c1))
            for j in range(c1, c2 + 1):
                if not headers.get(j):
                    headers[j] = top
    above = header_row - 1
    for r1, r2, c1, c2 in merges:
        if r1 == r2 == above and c2 > c1:
            group = _text(sheet.cell(above, c1))
            if not group or (c2 - c1 + 1) >= max(3, 0.8 * width):
                continue  # a banner/title over the whole table, not a group
            if filled_above < 2 and len(group.split()) > 3:
                continue  # a lone long title merged over a few columns
            for j in range(c1, c2 + 1):
                sub = headers.get(j, "")
                if sub and not sub.casefold().startswith(group.casefold()):
                    headers[j] = f"{group} {sub}"
                elif not sub:
                    headers[j] = group
    last = sheet.first_row + sheet.n_rows
    out: dict[int, str] = {}
    for j in range(sheet.n_columns):
        h = headers.get(j, "")
        if h or any(
            sheet.cell(r, j) not in (None, "") for r in range(header_row + 1, last)
        ):
            out[j] = h
    return out


def column_values(
    sheet: RawSheet, header_row: int, idx: int, limit: int = VALUE_SAMPLE
) -> list[Any]:
    """Up to ``limit`` non-empty cells below ``header_row`` in column ``idx``."""
    out: list[Any] = []
    start = header_row - sheet.first_row + 1
    for r in sheet.rows[max(start, 0) :]:
        if idx < len(r):
            v = r[idx]
            if v is not None and not (isinstance(v, str) and not v.strip()):
                out.append(v)
                if len(out) >= limit:
                    break
    return out


def find_header_row(sheet: RawSheet) -> int:
    """Excel row number of the most header-like row among the first rows.

    Each row scores one point per cell recognised as a known header (by text alone),
    a little per text cell, and loses points per numeric or date cell; rows with fewer
    than two filled cells (titles, banners) are passed over.  Ties go to the upper row.
    A row holding horizontally merged group labels over a sub-header row resolves to
    the sub-header row.
    """
    best_row, best_score = sheet.first_row, float("-inf")
    n_cols = sheet.n_columns
    for i, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        filled = [v for v in row if v is not None and _text(v)]
        if len(filled) < 2 and n_cols > 1:
            continue
        score = 0.0
        for v in filled:
            if isinstance(v, str):
                g = recognise_header(v)
                score += g.confidence if g.target != EXTRA else 0.0
                score += 0.05
            else:
                score -= 0.5
        if score > best_score:
            best_row, best_score = sheet.first_row + i, score
    # A group row ("IHC" merged over B:C) above sub-headers: the header is the lower row.
    for r1, r2, c1, c2 in _merges(sheet):
        if r1 == r2 == best_row and c2 > c1:
            below = [v for v in _row(sheet, best_row + 1) if isinstance(v, str) and v.strip()]
            if len(below) >= 2:
                return best_row + 1
    return best_row


# ---------------------------------------------------------------------------- sheet-level


def recognise_column(sheet: RawSheet, header_row: int, idx: int, header: str) -> ColumnMapping:
    """Recognise column ``idx`` of ``sheet`` under ``header`` (its values sniffed)."""
    values = column_values(sheet, header_row, idx)
    g = recognise_header(header, values)
    reason = g.reason
    if idx in sheet.hidden_columns:
        reason += " (hidden column)"
    return ColumnMapping(
        column=column_letter(idx),
        header=header,
        target=g.target,
        confidence=round(g.confidence, 2),
        reason=reason,
        event_coding=g.event_coding,
    )


def recognise(sheet: RawSheet, header_row: int | None = None) -> MappingProfile:
    """Propose a mapping of a one-row-per-case sheet.

    Parameters
    ----------
    sheet:
        The sheet as read (``io.read``).
    header_row:
        Excel row number of the header; found among the first 15 rows when ``None``.

    Returns
    -------
    MappingProfile
        One ``ColumnMapping`` per column with a header or data.  When two columns claim
        the same target, the more confident keeps it and the other becomes ``extra``
        with the reason.  When no column names a sample but one names the patient, the
        patient column also serves as sample ID (said in its reason).
    """
    row = header_row if header_row is not None else find_header_row(sheet)
    headers = sheet_headers(sheet, row)
    columns = [recognise_column(sheet, row, idx, h) for idx, h in sorted(headers.items())]
    _resolve_duplicates(columns)
    return MappingProfile(name=sheet.name, header_row=row, sheet=sheet.name, columns=columns)


def _resolve_duplicates(columns: list[ColumnMapping]) -> None:
    by_target: dict[tuple[str, str, tuple[str, ...]], list[ColumnMapping]] = {}
    for c in columns:
        if c.is_mapped and c.target != "cn_calls.list":
            t = parse_target(c.target)
            # PFS in months and PFS in days feed one field: the key ignores the unit
            by_target.setdefault((t.table, t.field, t.params), []).append(c)
    for cols in by_target.values():
        if len(cols) < 2:
            continue
        keep = max(cols, key=lambda c: c.confidence)  # first of the most confident
        for c in cols:
            if c is not keep:
                c.reason = (f"{c.reason}; column {keep.column} already maps to "
                            f"{parse_target(keep.target).label}: kept as a clinical column")
                c.target = EXTRA
                c.confidence = 0.0
