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

import itertools
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd

from imft_desktop.io.mapping.meanings import column_kind, meaning_label, value_key
from imft_desktop.io.mapping.profile import MappingProfile
from imft_desktop.io.mapping.tables import case_rows
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


def collect_values(sheet: RawSheet, profile: MappingProfile,
                   rows: list[int] | None = None) -> list[ColumnValues]:
    """Distinct values of every mapped column (identifiers, extra and ignored columns
    are left out), with counts and rows, in sheet column order.

    ``rows`` are the Excel rows of the cases when the caller knows them (the samples
    table of ``to_raw_tables``); otherwise they are found again (``case_rows``).
    """
    # The cases only: a "Total" row or a footnote is reported by the importer, and its
    # cells would otherwise count as values of the columns.
    if rows is None:
        excel_rows, data, _blank, _non_case = case_rows(sheet, profile)
    else:
        excel_rows = rows
        data = [sheet.rows[r - sheet.first_row] for r in rows]
    # One C-level transpose of the (ragged) rows, as ``to_raw_tables`` does.
    by_column = list(itertools.zip_longest(*data)) if data else []
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
        cells = by_column[idx] if idx < len(by_column) else (None,) * len(data)
        codes, uniques = _factorize(cells)
        skip = None
        if summarise:
            # A PFS column has as many distinct numbers as patients: summarise them with
            # numpy and list only the few texts among them ("6-8", "n.d."); the type test
            # runs once per distinct value.
            numeric = np.fromiter(
                (type(u) in _NUMBER_TYPES or (type(u) is str and bool(_PLAIN_NUMBER.match(u)))
                 for u in uniques), dtype=bool, count=len(uniques))
            if numeric.any():
                skip = np.zeros(len(cells), dtype=bool)
                known = codes >= 0
                skip[known] = numeric[codes[known]]
                at = np.flatnonzero(skip)
                nums = np.asarray([float(str(u).strip().rstrip("%")) for u in uniques[numeric]])
                numbers.count = len(at)
                numbers.rows = [excel_rows[i] for i in at[:MAX_ROWS_KEPT]]
                low, high = float(nums.min()), float(nums.max())
        by_cell = _positions(codes, uniques, skip)
        for cell, offsets in by_cell.items():
            if summarise and isinstance(cell, (datetime, date, time, timedelta)):
                entry = dates
            else:
                blank = cell_is_blank(cell)
                key = "" if blank else value_key(cell)
                entry = by_key.get(key)  # type: ignore[assignment]
                if entry is None:
                    text = "(blank)" if blank else _display(cell)
                    entry = by_key[key] = DistinctValue(text, key, None if blank else cell)
            entry.count += offsets.count
            room = MAX_ROWS_KEPT - len(entry.rows)
            if room > 0:
                entry.rows.extend(excel_rows[o] for o in offsets.positions[:room])
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


#: Text that is just a number, as typed in a measurement column ("42", "5 %").
_PLAIN_NUMBER = re.compile(r"^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*%?\s*$")
#: Cell types summarised as "numbers" in measurement columns (bool is a yes/no).
_NUMBER_TYPES = frozenset({int, float, np.int64, np.float64})


def _factorize(cells: tuple[Any, ...] | list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1 for blank: None/NaN) and distinct values of ``cells``."""
    values = np.empty(len(cells), dtype=object)
    values[:] = cells
    try:
        return pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # an unhashable cell (never produced by the readers)
        return pd.factorize(np.array([repr(c) for c in cells], dtype=object))


def _positions(codes: np.ndarray, uniques: np.ndarray,
               skip: np.ndarray | None = None) -> dict[Any, _Hits]:
    """Distinct cell (``None`` for blank) -> its positions (the first ``MAX_ROWS_KEPT``)
    and count, from one stable sort instead of a Python loop over the cells; cells
    where ``skip`` is true are left out."""
    shifted = codes + 1  # 0: blank, k: uniques[k - 1]
    if skip is not None:
        keep = ~skip
        order = np.flatnonzero(keep)[np.argsort(shifted[keep], kind="stable")]
        shifted = shifted[keep]
    else:
        order = np.argsort(shifted, kind="stable")
    counts = np.bincount(shifted, minlength=len(uniques) + 1)
    starts = np.concatenate(([0], np.cumsum(counts)))
    out: dict[Any, _Hits] = {}
    for code in np.flatnonzero(counts).tolist():
        n = int(counts[code])
        lo = int(starts[code])
        kept = order[lo:lo + min(n, MAX_ROWS_KEPT)].tolist()
        out[None if code == 0 else uniques[code - 1]] = _Hits(kept, n)
    return out


@dataclass
class _Hits:
    positions: list[int]
    count: int


def _display(cell: Any) -> str:
    return cell if isinstance(cell, str) else str(cell)


def _num(x: float) -> str:
    return f"{x:g}"
