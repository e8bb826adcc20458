"""Is a workbook already in the canonical template layout (one sheet per table)?

The importer reads such workbooks sheet by sheet without a mapping step; anything else
is treated as a one-row-per-case sheet and goes through ``recognise``.
"""

from __future__ import annotations

import re

from imft_desktop.io.mapping.vocab import clean_text
from imft_desktop.io.read.raw import RawSheet, RawWorkbook
from imft_desktop.model.schema import TABLES_BY_SHEET, TableSpec

#: Rows searched for the header of a canonical sheet (a note row above it is tolerated).
CANONICAL_HEADER_SEARCH = 5


def field_key(header: object) -> str:
    """Header text as a field name: 'Sample ID' / 'sample-id' / 'SAMPLE_ID' -> 'sample_id'."""
    return re.sub(r"[\s\-]+", "_", clean_text(header).casefold()).strip("_")


def canonical_header_row(sheet: RawSheet, spec: TableSpec) -> int | None:
    """Excel row of ``sheet``'s header when it holds every required field of ``spec``.

    Returns ``None`` when no row among the first few has the required fields.
    """
    required = set(spec.required) or set(spec.field_names[:1])
    for i, row in enumerate(sheet.rows[:CANONICAL_HEADER_SEARCH]):
        keys = {field_key(v) for v in row if v is not None}
        if required <= keys:
            return sheet.first_row + i
    return None


def canonical_sheets(workbook: RawWorkbook) -> dict[str, tuple[RawSheet, int]]:
    """Canonical table name -> (sheet, header row) for every recognisable template sheet."""
    out: dict[str, tuple[RawSheet, int]] = {}
    for sheet in workbook.sheets:
        spec = TABLES_BY_SHEET.get(clean_text(sheet.name).casefold())
        if spec is None or spec.name in out:
            continue
        row = canonical_header_row(sheet, spec)
        if row is not None:
            out[spec.name] = (sheet, row)
    return out


def is_canonical_workbook(workbook: RawWorkbook) -> bool:
    """True when the Samples sheet and at least one other template sheet are present,
    each with a header holding its required fields."""
    found = canonical_sheets(workbook)
    return "samples" in found and len(found) >= 2
