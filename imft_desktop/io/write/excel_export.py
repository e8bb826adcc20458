"""Excel (xlsx) export of tables and whole analysis workbooks, with provenance.

Written with xlsxwriter, cell by cell with an explicit type: text with
``write_string`` (a value starting with ``=``, ``+``, ``-`` or ``@`` stays text, never
a formula; ``'-19'`` stays the text "-19"), numbers with ``write_number``, missing
values as blank cells.  The workbook options ``strings_to_formulas``,
``strings_to_numbers`` and ``strings_to_urls`` are off as a second guard.  So nothing
has to be escaped and no value is altered (unlike CSV, see ``csv_export``).

Every sheet has a bold header row, frozen below the header, an autofilter and column
widths fitted to the content.  A "Methods and provenance" sheet comes first: source
files and SHA-256, program and library versions, parameters, and the methods text of
every analysis in the workbook.  The document properties name the program, never a
person.  Files are written atomically.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from imft_desktop.io.write.atomic import atomic_write_bytes

METHODS_SHEET = "Methods and provenance"
MAX_COLUMN_WIDTH = 60
MIN_COLUMN_WIDTH = 6
#: Rows sampled when fitting column widths (a 100k-row sheet must not be measured cell
#: by cell twice).
WIDTH_SAMPLE_ROWS = 500
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
PROGRAM = "IMFT Desktop"
#: Excel's most characters in one cell; xlsxwriter silently cuts longer strings.
EXCEL_CELL_CHARS = 32_767
#: Where values longer than a cell go, whole, in parts.
LONG_VALUES_SHEET = "Long values"
_LONG_PART = 32_000


@dataclass(frozen=True)
class SheetSpec:
    """One data sheet: a name, a table and optional notes (shown on the methods sheet)."""

    name: str
    frame: pd.DataFrame
    notes: tuple[str, ...] = ()
    index: bool = False


def safe_sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (31 characters, no ``[]:*?/\\``)."""
    base = _BAD_SHEET_CHARS.sub(" ", str(name)).strip().strip("'") or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


def _pairs(items: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    it = items.items() if isinstance(items, Mapping) else items
    return [(str(k), str(v)) for k, v in it]


def _text_width(value: Any) -> int:
    if value is None:
        return 0
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


class _Writer:
    def __init__(self, workbook: Any):
        self.wb = workbook
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#E6E6E6", "bottom": 1, "text_wrap": True,
             "valign": "top"}
        )
        self.bold = workbook.add_format({"bold": True, "valign": "top"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.title = workbook.add_format({"bold": True, "font_size": 13})
        self.banner = workbook.add_format(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": "#B3261E"}
        )
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        #: (sheet, cell, text) of values too long for a cell, moved whole to a sheet.
        self.long_values: list[tuple[str, str, str]] = []
        self.methods_ws: Any = None
        self.methods_row = 0

    def text(self, ws: Any, row: int, col: int, value: str, fmt: Any = None) -> None:
        """Write text; a value over Excel's cell limit is never cut silently: the cell
        gets its start and a pointer, the whole text goes to the long-values sheet."""
        if len(value) <= EXCEL_CELL_CHARS:
            ws.write_string(row, col, value, fmt)
            return
        from xlsxwriter.utility import xl_rowcol_to_cell

        self.long_values.append((ws.name, xl_rowcol_to_cell(row, col), value))
        pointer = (f" [...{len(value):,} characters in all; the whole text is on sheet "
                   f"'{LONG_VALUES_SHEET}', entry {len(self.long_values)}]")
        ws.write_string(row, col, value[: EXCEL_CELL_CHARS - len(pointer)] + pointer, fmt)

    def long_values_sheet(self, name: str) -> None:
        """The long values, each split into parts that fit a cell, and a note."""
        ws = self.wb.add_worksheet(name)
        for j, head in enumerate(("Entry", "Sheet", "Cell", "Part", "Text")):
            ws.write_string(0, j, head, self.header)
        row = 1
        for n, (sheet, cell, value) in enumerate(self.long_values, 1):
            parts = [value[i:i + _LONG_PART] for i in range(0, len(value), _LONG_PART)]
            for k, part in enumerate(parts, 1):
                ws.write_number(row, 0, n)
                ws.write_string(row, 1, sheet)
                ws.write_string(row, 2, cell)
                ws.write_string(row, 3, f"{k} of {len(parts)}")
                ws.write_string(row, 4, part)
                row += 1
        ws.set_column(4, 4, 100)
        if self.methods_ws is not None:
            self.methods_ws.write_string(self.methods_row, 0, name, self.bold)
            self.methods_ws.write_string(
                self.methods_row, 1,
                f"{len(self.long_values)} value(s) were longer than Excel's "
                f"{EXCEL_CELL_CHARS:,}-character cell limit. Their cells show the start; "
                f"the whole text is on sheet '{name}', in parts of {_LONG_PART:,} characters "
                "to be joined in order.", self.wrap)

    def cell(self, ws: Any, row: int, col: int, value: Any) -> None:
        if value is None or value is pd.NA or value is pd.NaT:
            ws.write_blank(row, col, None)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif isinstance(value, (int, float)):
            number = float(value)
            if math.isnan(number) or math.isinf(number):
                ws.write_blank(row, col, None)
            else:
                ws.write_number(row, col, value)
        elif isinstance(value, str):
            self.text(ws, row, col, value)
        elif isinstance(value, dt.datetime):
            if isinstance(value, pd.Timestamp):
                value = value.to_pydatetime()
            ws.write_datetime(row, col, value.replace(tzinfo=None), self.datetime)
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, dt.datetime(value.year, value.month, value.day),
                              self.date)
        elif isinstance(value, np.datetime64):
            self.cell(ws, row, col, pd.Timestamp(value))
        elif isinstance(value, np.generic):  # numpy numbers and bools
            self.cell(ws, row, col, value.item())
        else:
            self.text(ws, row, col, str(value))

    def data_sheet(self, name: str, frame: pd.DataFrame, index: bool) -> None:
        df = frame.reset_index() if index else frame
        ws = self.wb.add_worksheet(name)
        columns = [str(c) for c in df.columns]
        for j, col in enumerate(columns):
            self.text(ws, 0, j, col, self.header)
        for i, row in enumerate(df.itertuples(index=False, name=None), start=1):
            for j, value in enumerate(row):
                self.cell(ws, i, j, value)
        ws.freeze_panes(1, 0)
        if columns:
            ws.autofilter(0, 0, max(len(df), 1), len(columns) - 1)
        sample = df.head(WIDTH_SAMPLE_ROWS)
        for j, col in enumerate(columns):
            widest = max([_text_width(col)] + [_text_width(v) for v in sample.iloc[:, j]])
            ws.set_column(j, j, min(MAX_COLUMN_WIDTH, max(MIN_COLUMN_WIDTH, widest + 2)))

    def methods_sheet(
        self,
        name: str,
        title: str,
        provenance: list[tuple[str, str]],
        methods: Sequence[str],
        sheet_notes: list[tuple[str, str]],
        synthetic: bool,
    ) -> None:
        ws = self.wb.add_worksheet(name)
        ws.set_column(0, 0, 28)
        ws.set_column(1, 1, 100)
        row = 0
        ws.write_string(row, 0, title or "IMFT Desktop export", self.title)
        row += 1
        if synthetic:
            ws.write_string(row, 0, "SYNTHETIC DATA", self.banner)
            ws.write_string(row, 1, "These data are synthetic, not from patients.", self.banner)
            row += 1
        row += 1
        ws.write_string(row, 0, "Provenance", self.header)
        ws.write_string(row, 1, "", self.header)
        row += 1
        for key, value in provenance:
            ws.write_string(row, 0, key[:EXCEL_CELL_CHARS], self.bold)
            self.text(ws, row, 1, value, self.wrap)
            row += 1
        row += 1
        ws.write_string(row, 0, "Methods", self.header)
        ws.write_string(row, 1, "", self.header)
        row += 1
        for i, text in enumerate(methods, 1):
            ws.write_string(row, 0, f"{i}.", self.bold)
            self.text(ws, row, 1, text, self.wrap)
            row += 1
        if not methods:
            ws.write_string(row, 1, "No statistical analysis in this workbook.", self.wrap)
            row += 1
        if sheet_notes:
            row += 1
            ws.write_string(row, 0, "Sheet notes", self.header)
            ws.write_string(row, 1, "", self.header)
            row += 1
            for sheet, note in sheet_notes:
                ws.write_string(row, 0, sheet, self.bold)
                self.text(ws, row, 1, note, self.wrap)
                row += 1
        row += 1
        ws.write_string(
            row, 1,
            "Text cells are stored as text (a value such as -19 or =A1 is never a number or "
            "a formula); numbers as numbers; empty cells are missing or not tested values.",
            self.wrap,
        )
        # A note about over-long values, if any, goes below (written after the data).
        self.methods_ws, self.methods_row = ws, row + 2


def workbook_bytes(
    sheets: Sequence[SheetSpec] | Mapping[str, pd.DataFrame],
    *,
    provenance: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    methods: Sequence[str] = (),
    title: str = "",
    synthetic: bool = False,
) -> bytes:
    """The xlsx bytes of a workbook with a methods/provenance sheet and data sheets.

    Parameters
    ----------
    sheets:
        ``SheetSpec`` list, or a mapping sheet name -> DataFrame.
    provenance:
        (label, value) rows, e.g. ``Provenance.as_pairs()``.
    methods:
        Methods texts of the analyses (tests, CI methods, corrections, thresholds).
    title:
        Workbook title (document properties and the methods sheet).
    synthetic:
        Show a SYNTHETIC DATA banner on the methods sheet.
    """
    import xlsxwriter

    if isinstance(sheets, Mapping):
        specs = [SheetSpec(name, frame) for name, frame in sheets.items()]
    else:
        specs = list(sheets)
    pairs = _pairs(provenance)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": False,
        },
    )
    description = "; ".join(f"{k}: {v}" for k, v in pairs if "SHA-256" in k or k == "Cohort")
    wb.set_properties(
        {
            "title": title or PROGRAM,
            "subject": "Cohort analysis export",
            "author": PROGRAM,  # the program, never the user's name
            "manager": "",
            "company": "",
            "comments": description[:250],
            "keywords": "SYNTHETIC DATA" if synthetic else "",
        }
    )
    writer = _Writer(wb)
    taken: set[str] = set()
    methods_name = safe_sheet_name(METHODS_SHEET, taken)
    names = [safe_sheet_name(s.name, taken) for s in specs]
    notes = [(name, note) for name, s in zip(names, specs) for note in s.notes]
    writer.methods_sheet(methods_name, title, pairs, list(methods), notes, synthetic)
    for name, spec in zip(names, specs):
        writer.data_sheet(name, spec.frame, spec.index)
    if writer.long_values:
        writer.long_values_sheet(safe_sheet_name(LONG_VALUES_SHEET, taken))
    wb.close()
    return buf.getvalue()


def write_workbook(
    path: str | os.PathLike[str],
    sheets: Sequence[SheetSpec] | Mapping[str, pd.DataFrame],
    **kwargs: Any,
) -> Path:
    """Write an analysis workbook to ``path`` atomically; see :func:`workbook_bytes`."""
    return atomic_write_bytes(path, workbook_bytes(sheets, **kwargs))


def write_table(
    path: str | os.PathLike[str],
    frame: pd.DataFrame,
    *,
    sheet_name: str = "Table",
    notes: Sequence[str] = (),
    **kwargs: Any,
) -> Path:
    """Write one table (plus the methods/provenance sheet) to ``path``."""
    return write_workbook(path, [SheetSpec(sheet_name, frame, tuple(notes))], **kwargs)
