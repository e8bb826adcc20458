"""Collect the distinct values of every mapped column of a one-row-per-case sheet.

The mapping stage decides what it can on its own (a blank cell, "not done", "wt" in a
mutation column, a meaning the user chose); the validation stage reads the rest with
the column's own parser (``validation.describe``).  The importer joins the two into a
``model.value_dictionary.ValueDictionary``.

Cost: one pass over each mapped column with a dict per distinct cell, so a 10k-row
sheet of 40 columns adds a few tens of milliseconds; numbers and dates are summarised
as one entry per column (a PFS column has as many distinct values as patients).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from imft_desktop.io.mapping.meanings import column_kind, meaning_label, value_key
from imft_desktop.io.mapping.profile import MappingProfile
from imft_desktop.io.mapping.tables import data_rows
from imft_desktop.io.mapping.targets import EXTRA, IGNORE, parse_target
from imft_desktop.io.mapping.vocab import (
    cell_is_blank,
    cell_is_negative,
    cell_is_not_tested,
    split_list_cell,
)
from imft_desktop.io.read.raw import RawSheet, column_index
from imft_desktop.model.value_dictionary import (
    AS_WRITTEN,
    BUILT_IN,
    CHOSEN,
    MAX_ROWS_KEPT,
)

#: Kinds whose blank or "not done" cells mean "not tested for this column".
_ASSAY_KINDS = {"call", "fusion", "variant", "copy number", "copy number list", "status",
                "value"}
_NEGATIVE_LABEL = {"fusion": "no fusion (tested)", "variant": "no mutation (tested)",
                   "copy number list": "no change (tested)"}
_ID_FIELDS = {"sample_id", "patient_id"}


@dataclass
class DistinctValue:
    """One distinct value of a column, and what the mapping stage made of it.

    ``meaning``/``source`` are set when the mapping stage decided (blank, not tested,
    tested negative, chosen, a number); otherwise ``parts`` are left for the column's
    parser (a list cell "TPM3-ALK; EML4-ALK" has two).
    """

    value: str
    key: str
    cell: Any
    count: int = 0
    rows: list[int] = field(default_factory=list)
    meaning: str = ""
    source: str = ""
    parts: list[Any] = field(default_factory=list)


@dataclass
class ColumnValues:
    """The distinct values of one mapped column."""

    letter: str
    header: str
    target: str
    kind: str
    values: list[DistinctValue] = field(default_factory=list)


def collect_values(sheet: RawSheet, profile: MappingProfile) -> list[ColumnValues]:
    """Distinct values of every mapped column (identifiers, extra and ignored columns
    are left out), with counts and rows, in sheet column order."""
    excel_rows, data, _blank = data_rows(sheet, profile.header_row)
    out: list[ColumnValues] = []
    for m in profile.columns:
        if m.target in (EXTRA, IGNORE):
            continue
        try:
            target = parse_target(m.target)
        except ValueError:
            continue
        if target.field in _ID_FIELDS:
            continue
        idx = column_index(m.column)
        kind = column_kind(target)
        col = ColumnValues(m.column, m.header, target.text, kind)
        by_key: dict[str, DistinctValue] = {}
        low, high = math.inf, -math.inf
        numbers = DistinctValue("numbers", "", None)
        dates = DistinctValue("dates", "", None)
        # Measurements (FISH %, PFS, age) are summarised; in a call, copy-number, event
        # or response column each number is a code ("0", "1") and listed on its own.
        summarise = kind in ("value", "clinical")
        cells = [row[idx] if idx < len(row) else None for row in data]
        by_cell: dict[Any, list[int]] = {}
        for offset, cell in enumerate(cells):
            try:
                by_cell.setdefault(cell, []).append(offset)
            except TypeError:  # an unhashable cell (never produced by the readers)
                by_cell.setdefault(repr(cell), []).append(offset)
        for cell, offsets in by_cell.items():
            if summarise and _is_number(cell):
                entry = numbers
                low, high = min(low, float(cell)), max(high, float(cell))
            elif summarise and isinstance(cell, (datetime, date, time, timedelta)):
                entry = dates
            else:
                blank = cell_is_blank(cell)
                key = "" if blank else value_key(cell)
                entry = by_key.get(key)  # type: ignore[assignment]
                if entry is None:
                    text = "(blank)" if blank else _display(cell)
                    entry = by_key[key] = DistinctValue(text, key, None if blank else cell)
            entry.count += len(offsets)
            room = MAX_ROWS_KEPT - len(entry.rows)
            if room > 0:
                entry.rows.extend(excel_rows[o] for o in offsets[:room])
        if numbers.count:
            numbers.meaning = (f"numbers from {_num(low)} to {_num(high)}" if low != high
                               else f"the number {_num(low)}")
            numbers.source = AS_WRITTEN
            col.values.append(numbers)
        if dates.count:
            dates.meaning, dates.source = "dates", AS_WRITTEN
            col.values.append(dates)
        # A column of numbers with a blank tail is normal: list blanks only when asked for
        # by the kind (an assay column's blank means "not tested").
        trailing = by_key.pop("", None)
        for entry in by_key.values():
            _decide(entry, m.value_meanings, target.text, kind)
            col.values.append(entry)
        if trailing is not None and (kind in _ASSAY_KINDS or col.values):
            trailing.meaning = "not tested" if kind in _ASSAY_KINDS else "missing"
            trailing.source = BUILT_IN
            col.values.append(trailing)
        # Data rows below the last case (footnotes) are reported by the importer.
        for entry in col.values:
            entry.rows.sort()
        col.values.sort(key=lambda e: (-e.count, e.value))
        out.append(col)
    return out


def _decide(entry: DistinctValue, chosen: dict[str, str], target: str, kind: str) -> None:
    """Set the meaning of ``entry`` when the mapping stage knows it; else its parts."""
    token = chosen.get(entry.key)
    if token is not None:
        entry.meaning, entry.source = meaning_label(target, token), CHOSEN
        return
    cell = entry.cell
    if kind in _ASSAY_KINDS and cell_is_not_tested(cell):
        entry.meaning, entry.source = "not tested", BUILT_IN
        return
    if kind in _NEGATIVE_LABEL and cell_is_negative(cell):
        entry.meaning, entry.source = _NEGATIVE_LABEL[kind], BUILT_IN
        return
    if kind in ("fusion", "variant", "copy number list") and isinstance(cell, str):
        entry.parts = [p for p in split_list_cell(cell)
                       if not (cell_is_negative(p) or cell_is_not_tested(p))] or [cell]
    else:
        entry.parts = [cell]


def _is_number(cell: Any) -> bool:
    if isinstance(cell, bool) or not isinstance(cell, (int, float)):
        return False
    return not (isinstance(cell, float) and math.isnan(cell))


def _display(cell: Any) -> str:
    return cell if isinstance(cell, str) else str(cell)


def _num(x: float) -> str:
    return f"{x:g}"
