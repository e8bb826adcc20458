"""What a reader hands to the importer: every cell as found, with its coordinates.

Readers (``imft_desktop.io.read.workbook``) never let pandas guess types: a ``RawSheet`` keeps
each cell's value as the engine returned it (``str``, ``int``, ``float``, ``bool``,
``datetime``/``date``/``time``/``timedelta`` or ``None``) together with the structure
that pandas hides (hidden rows/columns/sheets, merged ranges, error cells, formulas
without a cached value, display text that differs from the value, such as leading
zeros from a ``00000`` number format).  The importer turns these into typed,
normalised records and findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from imft_desktop.model.cohort import SourceFile
from imft_desktop.model.findings import Finding


def column_letter(index: int) -> str:
    """Excel column letter for a 0-based column index (0 -> A, 26 -> AA)."""
    if index < 0:
        raise ValueError(index)
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letter: str) -> int:
    """0-based column index for an Excel column letter (A -> 0)."""
    n = 0
    for ch in letter.strip().upper():
        if not "A" <= ch <= "Z":
            raise ValueError(letter)
        n = n * 26 + (ord(ch) - 64)
    return n - 1


CellKey = tuple[int, int]  # (Excel row number, 0-based column index)


@dataclass
class RawSheet:
    """One sheet's cells and structure.

    ``rows[i][j]`` is the cell at Excel row ``first_row + i`` and column index ``j``
    (0 = column A).  Rows may be ragged (trailing empty cells omitted).
    """

    name: str
    rows: list[list[Any]]
    first_row: int = 1
    hidden: bool = False  # sheet state hidden / very hidden
    hidden_rows: set[int] = field(default_factory=set)  # Excel row numbers
    hidden_columns: set[int] = field(default_factory=set)  # 0-based column indices
    merged_ranges: list[str] = field(default_factory=list)  # "F4:F5"
    error_cells: dict[CellKey, str] = field(default_factory=dict)  # -> "#REF!"
    formula_without_value: dict[CellKey, str] = field(default_factory=dict)  # -> "=D2*2"
    formula_cells: set[CellKey] = field(default_factory=set)  # formulas with cached values
    display_text: dict[CellKey, str] = field(default_factory=dict)  # e.g. "00123" for 123
    number_formats: dict[CellKey, str] = field(default_factory=dict)  # non-General formats
    #: True when the structure pass (hidden rows, merges, formulas) ran on this sheet;
    #: False when it was skipped (e.g. very large file) -- the importer then says so.
    structure_checked: bool = True
    #: False for a sheet the reader was told not to parse (not needed for the import);
    #: its ``rows`` are then empty although the sheet may hold data.
    parsed: bool = True

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_columns(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, excel_row: int, col: int) -> Any:
        i = excel_row - self.first_row
        if 0 <= i < len(self.rows) and 0 <= col < len(self.rows[i]):
            return self.rows[i][col]
        return None

    def data_row_count(self, header_row: int | None = None) -> int:
        """Rows with at least one non-empty cell below ``header_row`` (default: first)."""
        start = (header_row if header_row is not None else self.first_row) - self.first_row + 1
        return sum(
            1 for r in self.rows[start:] if any(v is not None and v != "" for v in r)
        )


@dataclass
class RawWorkbook:
    """A workbook or delimited text file as read, before any interpretation.

    ``findings`` holds file-level findings of the reader (format sniffed from content,
    encoding and delimiter detected, hidden sheets, external links, ...).
    """

    source: SourceFile
    sheets: list[RawSheet]
    date_system: str = "1900"  # "1900" or "1904"
    encoding: str | None = None  # text files only
    delimiter: str | None = None  # text files only
    findings: list[Finding] = field(default_factory=list)

    def sheet(self, name: str) -> RawSheet:
        for s in self.sheets:
            if s.name == name:
                return s
        for s in self.sheets:
            if s.name.casefold() == name.casefold():
                return s
        raise KeyError(name)

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]


class UnreadableFile(Exception):
    """The file cannot be read at all (CLI exit code 2).

    ``code`` is a stable finding code (``FILE_EMPTY``, ``FILE_ENCRYPTED`` ...) and the
    message is in the user's words; it never contains a Python traceback.
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
