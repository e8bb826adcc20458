"""The value dictionary: what the program makes of each distinct value of a mapped column.

A one-row-per-case sheet is written in a lab's own words ("no loss", "wt", "not done",
"pos").  The importer lists, for every mapped column, each distinct value with its
count, the meaning it gives the value and where that meaning comes from, so the user
can see every reading before trusting a number, and correct one (the choice is saved
in the mapping profile and applied again to next month's sheet).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

#: Where a meaning comes from.
BUILT_IN = "built-in"  # the program's vocabulary read it
CHOSEN = "chosen"  # the user chose it (mapping profile)
UNKNOWN = "unknown"  # not understood: the cells are left out, with a finding
AS_WRITTEN = "as written"  # a literal value (a number, a fusion, a protein change)
SOURCES = (BUILT_IN, CHOSEN, UNKNOWN, AS_WRITTEN)

#: Rows kept per entry (the count is always exact); findings list every row.
MAX_ROWS_KEPT = 200


@dataclass(frozen=True)
class ValueEntry:
    """One distinct value of one mapped column.

    Attributes
    ----------
    column, header:
        Column letter and header text in the sheet.
    target:
        The mapping target of the column (``"cn_calls.event[22q]"``).
    value:
        The value as written (first spelling met; spellings differing only in case or
        spacing share one entry).
    key:
        The case- and space-folded text that a chosen meaning is saved under.
    count:
        Cells holding this value.
    rows:
        Excel rows of those cells (at most ``MAX_ROWS_KEPT``).
    meaning:
        What the program reads, in words ("no loss of 22q (tested)", "not tested").
    source:
        One of ``SOURCES``.
    note:
        A caution the reading carries ("read as positive from the staining words").
    """

    column: str
    header: str
    target: str
    value: str
    key: str
    count: int
    rows: tuple[int, ...] = ()
    meaning: str = ""
    source: str = BUILT_IN
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``rows`` as a list)."""
        out = asdict(self)
        out["rows"] = list(self.rows)
        return out


@dataclass(frozen=True)
class ValueDictionary:
    """Every distinct value of every mapped column, in sheet column order."""

    entries: tuple[ValueEntry, ...] = field(default_factory=tuple)

    def __iter__(self) -> Iterator[ValueEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def columns(self) -> list[tuple[str, str]]:
        """``(letter, header)`` of the columns listed, in order."""
        return list(dict.fromkeys((e.column, e.header) for e in self.entries))

    def for_column(self, letter: str) -> list[ValueEntry]:
        """Entries of column ``letter``."""
        return [e for e in self.entries if e.column == letter]

    def unknown(self) -> list[ValueEntry]:
        """Entries the program could not read."""
        return [e for e in self.entries if e.source == UNKNOWN]

    def to_list(self) -> list[dict[str, Any]]:
        """JSON-ready list of entries."""
        return [e.to_dict() for e in self.entries]
