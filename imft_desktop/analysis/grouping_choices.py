"""What the Compare boxes offer: alteration labels and sheet columns worth grouping by.

Shared by every tab with a grouping box (Survival, Response, Cohort) and by nothing
else; pure pandas, so the tabs do not import each other for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from imft_desktop.analysis.groupings import clinical_frame

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.model.cohort import Cohort
    from imft_desktop.model.progress import Progress

#: Columns that are outcomes or identifiers, never a grouping offered in Compare.
NOT_GROUPINGS = frozenset({
    "sample_id", "patient_id", "comment", "pfs_months", "pfs_event", "os_months", "os_event",
    "time_on_treatment_months", "best_percent_change"})
#: A sheet column is offered as a grouping when it has this many distinct values.
MIN_LEVELS, MAX_LEVELS = 2, 12


def grouping_sections(cohort: Cohort, progress: Progress | None = None
                      ) -> tuple[list[str], list[str]]:
    """Alteration labels (comparable ones first, most frequently altered first) and
    sheet columns with 2-12 distinct values (``progress`` lets a worker cancel it)."""
    if progress is not None:
        progress.check()
    df = clinical_frame(cohort)
    cols = [str(c) for c in df.columns
            if str(c) not in NOT_GROUPINGS
            and MIN_LEVELS <= df[c].dropna().astype(str).nunique() <= MAX_LEVELS]
    try:
        from imft_desktop.analysis.alterations import alteration_matrix

        matrix = alteration_matrix(cohort)
    except Exception:  # no alteration summaries for this cohort: columns still work
        return [], cols
    info = matrix.info

    def order(label: str) -> tuple[int, int]:
        a = info[label]
        # altered in none or in every tested sample: one group only, nothing to compare
        comparable = 0 < a.altered_n < a.tested_n
        return (0 if comparable else 1, -a.altered_n)

    labels = sorted((str(x) for x in matrix.labels), key=order)  # stable: ties keep order
    return labels, cols


def grouping_choices(cohort: Cohort, progress: Progress | None = None) -> list[str]:
    """Alteration labels (most frequent first), then sheet columns with 2-12 values."""
    labels, cols = grouping_sections(cohort, progress)
    return labels + cols


def numeric_columns(cohort: Cohort) -> list[str]:
    """Columns whose values are (almost all) numbers: candidate measures."""
    df = clinical_frame(cohort)
    out = []
    for c in df.columns:
        vals = df[c].dropna()
        if vals.empty or str(c) in ("sample_id", "patient_id"):
            continue
        if pd.to_numeric(vals.astype(str), errors="coerce").notna().mean() >= 0.9:
            out.append(str(c))
    return out
