"""Validation findings: one record per problem or normalisation, with its origin.

Shaped after cBioPortal's validator: a stable ``code``, a ``level``, the file, sheet,
Excel row number (1-based, as Excel shows it), column letter and header, the raw value
and a message in a pathologist's words.  Findings are data: the GUI lists them, the CLI
prints them, exports carry them.  Logs only ever carry ``code`` and coordinates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from imft_desktop.model.vocab import Level


@dataclass(frozen=True, slots=True)
class Finding:
    """A single validation finding.

    Attributes
    ----------
    code:
        Stable upper-case identifier (``ID_DUPLICATE``); tests and scripts rely on it.
    level:
        ``Level.ERROR`` keeps the record out of the analysis, ``WARNING`` flags it,
        ``INFO`` records a normalisation.
    message:
        What happened and what to do, in the user's words.
    file, sheet, row, column, header:
        Where: file name (not path), sheet name, Excel row number, column letter and
        the header text of that column.  Any may be ``None`` for file-level findings.
    value:
        The raw value as found (text), or ``None``.
    normalised:
        For INFO normalisations, the value used instead.
    hint:
        Optional suggestion ("Excel-converted gene? SEPTIN2").
    rows:
        For a value repeated down a column ("neg" read as "negative" on 9,000 rows,
        "maybe" not understood on 12): every Excel row it applies to, ``row`` being the
        first.  Empty for a finding about one cell.  One finding per distinct value and
        column, whatever its level.
    """

    code: str
    level: Level
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    header: str | None = None
    value: str | None = None
    normalised: str | None = None
    hint: str | None = None
    rows: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; the keys are part of the CLI's contract."""
        out = asdict(self)
        out["level"] = str(self.level)
        out["rows"] = list(self.rows)
        return out

    @property
    def location(self) -> str:
        """Human-readable location, e.g. ``Samples!C14 (PFS months)``."""
        parts = []
        if self.sheet:
            parts.append(self.sheet)
        cell = ""
        if self.column:
            cell += self.column
        if self.row is not None:
            cell += str(self.row) if self.column else f"row {self.row}"
        if cell:
            parts.append(cell)
        where = "!".join(parts) if parts else (self.file or "")
        if len(self.rows) > 1:
            where += f" and {len(self.rows) - 1} more row{'s' if len(self.rows) > 2 else ''}"
        if self.header:
            where += f" ({self.header})"
        return where

    def redacted(self) -> dict[str, Any]:
        """What may go to a log file: code and coordinates, no values or names."""
        return {
            "code": self.code,
            "level": str(self.level),
            "row": self.row,
            "column": self.column,
            "rows": len(self.rows) or 1,
        }


@dataclass
class FindingList:
    """An ordered collection of findings with the summaries the UI and CLI need."""

    items: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.items.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.items.extend(findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def by_level(self, level: Level) -> list[Finding]:
        return [f for f in self.items if f.level is level]

    @property
    def errors(self) -> list[Finding]:
        return self.by_level(Level.ERROR)

    @property
    def warnings(self) -> list[Finding]:
        return self.by_level(Level.WARNING)

    @property
    def infos(self) -> list[Finding]:
        return self.by_level(Level.INFO)

    @property
    def has_errors(self) -> bool:
        return any(f.level is Level.ERROR for f in self.items)

    def affected_cells(self) -> int:
        """Cells the findings cover (a collapsed normalisation counts each of its rows)."""
        return sum(len(f.rows) or 1 for f in self.items)

    def counts(self) -> dict[str, int]:
        c = Counter(str(f.level) for f in self.items)
        return {str(level): c.get(str(level), 0) for level in Level}

    def codes(self) -> set[str]:
        return {f.code for f in self.items}

    def sorted(self) -> list[Finding]:
        """Errors first, then warnings, then info; stable within a level."""
        return sorted(self.items, key=lambda f: -f.level.rank)
