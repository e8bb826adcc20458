"""Raw records on their way from a sheet to the cohort: column-oriented, with origin.

Both input shapes meet here.  A canonical template sheet becomes one ``RawTable``;
a one-row-per-case sheet becomes several (one per mapped assay column, e.g. the column
"ALK IHC (D5F3)" gives an ``ihc`` table with constants ``marker="ALK", clone="D5F3"``).
The validator then parses and checks every ``RawTable`` the same way, so a rule is
written once whatever shape the user's sheet has.

Column-oriented (parallel lists) rather than one object per cell: a 10k x 40 sheet is
400k cells, and per-cell objects would cost more than the read itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class RawColumn:
    """The raw values of one field, parallel to ``RawTable.rows``.

    ``letter`` and ``header`` name the source column; ``values`` hold what the reader
    returned (text, number, datetime, ``None`` for an empty cell).
    """

    field: str
    letter: str
    header: str
    values: list[Any]


@dataclass(slots=True)
class RawTable:
    """Records for one canonical table from one source sheet (or one wide column).

    Attributes
    ----------
    table:
        Canonical table name (``schema.TABLES_BY_NAME`` key), e.g. ``"ihc"``.
    file, sheet:
        Where the records come from.
    rows:
        Excel row number of each record.
    columns:
        Field name -> ``RawColumn`` (values parallel to ``rows``).
    constants:
        Field values shared by every record, taken from a header rather than a cell
        (``{"marker": "ALK", "clone": "D5F3"}``); recorded as normalisations.
    constant_origin:
        Human-readable origin of the constants, e.g. ``'header "ALK IHC (D5F3)" (C1)'``.
    record_column:
        For records derived from one cell of a wide sheet: that cell's column letter.
    hidden_rows:
        Subset of ``rows`` hidden in the source (Excel row numbers).
    """

    table: str
    file: str
    sheet: str
    rows: list[int]
    columns: dict[str, RawColumn] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    constant_origin: str | None = None
    record_column: str | None = None
    hidden_rows: set[int] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.rows)

    def value(self, field_name: str, i: int) -> Any:
        """Raw value of ``field_name`` for record ``i`` (constants included)."""
        col = self.columns.get(field_name)
        if col is not None:
            return col.values[i]
        return self.constants.get(field_name)


@dataclass(frozen=True, slots=True)
class ChosenMeaning:
    """A cell whose meaning the user chose in the value dictionary.

    The mapping stage puts it in place of the cell: later stages read ``value`` (a word
    the program's vocabulary knows, such as ``"not tested"`` or ``"neutral"``) while
    the raw text kept with the record, and shown in findings, stays ``text``.
    """

    value: Any
    text: str
    label: str = ""

    def __str__(self) -> str:
        return self.text
