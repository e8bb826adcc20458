"""The report's title page: provenance, denominators per assay, data checks and how the
sheet was read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from imft_desktop.model.text import plural
from imft_desktop.reports.analyses import CohortAnalyses
from imft_desktop.reports.document import (
    Heading,
    KeyValues,
    Paragraph,
    Section,
    Table,
)

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.io.write.excel_export import SheetSpec


def findings_counts(cohort: Any) -> str:
    """"0 errors, 3 warnings, 12 notes": the import's findings by level."""
    counts = cohort.findings.counts()
    return (f"{plural(counts.get('error', 0), 'error')}, "
            f"{plural(counts.get('warning', 0), 'warning')}, "
            f"{plural(counts.get('info', 0), 'note')}")


def title_page(a: CohortAnalyses, title: str) -> list[Section]:
    cohort = a.cohort
    out: list[Section] = []
    if cohort.is_synthetic:
        out.append(Paragraph("SYNTHETIC DATA – not from patients", "banner"))
    out.append(Heading(title, 1))
    out.append(Paragraph(cohort.summary_line()))
    if a.provenance.deidentified:
        out.append(Paragraph(
            "De-identified: sample and patient identifiers are keyed pseudonyms, dates are "
            "years, ages over 89 are shown as 90+, free-text columns are left out and source "
            "files are named by a hash.", "note"))
    out.append(KeyValues(tuple(a.provenance.as_pairs()), title="Provenance"))
    tested = [(k, f"{v} of {cohort.n_samples} samples") for k, v in cohort.tested_counts().items()]
    from imft_desktop.model.vocab import Capability

    tested += [(f"Tested for {c}", f"{len(cohort.tested_for(c))} of {cohort.n_samples} samples")
               for c in Capability]
    out.append(KeyValues(tuple(tested), title="Samples tested per assay (denominators)",
                         columns=2))
    excluded = sum(len(df) for df in cohort.excluded().values())
    out.append(KeyValues((
        ("Import findings", findings_counts(cohort)),
        ("Records kept out of the analysis", f"{excluded} (errors; listed in the program)"),
    ), title="Data checks"))
    readings = readings_table(cohort)
    if readings is not None:
        out.append(readings)
    return out


#: Rows of the "how the sheet was read" table before it is cut (the program lists all).
_MAX_READINGS = 40


def readings_table(cohort: Any) -> Table | None:
    """Every warning of the import (an interpretation beyond the literal value, or a
    value to check) and every meaning chosen in the value dictionary, one row per
    finding with the cells it covers: a printed result can be traced to how its sheet
    was read."""
    from imft_desktop.model.vocab import Level

    shown = [f for f in cohort.findings.sorted()
             if f.level is Level.WARNING or f.code == "VALUE_MEANING_CHOSEN"]
    if not shown:
        return None
    rows = []
    for f in shown[:_MAX_READINGS]:
        rows.append((f.location, f.message, str(len(f.rows) or 1)))
    notes = ["Warnings are interpretations beyond the literal cell value (a range read as "
             "its midpoint, a unit assumed, a row read as not a case ...) or values to "
             "check; chosen meanings come from the value dictionary (mapping profile)."]
    if len(shown) > _MAX_READINGS:
        notes.append(f"{len(shown) - _MAX_READINGS} more are listed in the program "
                     "(Import tab) and in imft validate.")
    return Table(header=(("Where", "How it was read", "Cells"),), rows=tuple(rows),
                 align=("left", "left", "right"),
                 caption="How the sheet was read: warnings and chosen meanings",
                 notes=tuple(notes))


def findings_sheet(a: CohortAnalyses) -> SheetSpec:
    """Every import finding, one row each (errors first): where (sheet, row, column,
    header), the value as found, what was done and how many cells it covers.  A
    de-identified cohort's findings were already reduced to codes and coordinates."""
    from imft_desktop.io.write.excel_export import SheetSpec

    rows = [{"level": str(f.level), "code": f.code, "sheet": f.sheet, "row": f.row,
             "column": f.column, "header": f.header, "value": f.value,
             "read as": f.normalised, "message": f.message, "cells": len(f.rows) or 1,
             "rows": ", ".join(str(r) for r in f.rows[:200])}
            for f in a.cohort.findings.sorted()]
    columns = ["level", "code", "sheet", "row", "column", "header", "value", "read as",
               "message", "cells", "rows"]
    return SheetSpec("Import findings", pd.DataFrame(rows, columns=columns), (
        "Every finding of the import: errors keep a record out of the analysis, warnings "
        "mark an interpretation beyond the literal value, notes record a normalisation.",))
