"""The cohort summary report and the analysis workbook, from one run of the analyses.

``run_analyses`` runs every analysis once (alteration frequencies, fusion partners,
oncoprint, copy number, assay concordance, the chosen survival groupings, response)
and keeps the result objects; ``build_cohort_report`` lays them out as a ``Report``
(title page with provenance, one chapter per analysis, methods assembled from the
results' own method texts) and ``cohort_workbook_sheets`` as Excel sheets.  The PDF,
the print-out and the workbook therefore show the same numbers.

An analysis that cannot be done on this cohort (no outcomes, a grouping that names
nothing, no copy-number data) is reported in its chapter in the user's words, with
the reason; the rest of the report is still produced.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from imft_desktop.reports.alteration_chapters import (
    alteration_sheets,
    concordance_chapter,
    cooccurrence_chapter,
    copy_number_chapter,
    frequency_chapter,
    oncoprint_chapter,
    partners_chapter,
)
from imft_desktop.reports.analyses import (
    SCREEN_TOP_KM,
    CohortAnalyses,
    ReportOptions,
    SurvivalAnalysis,
    run_analyses,
)
from imft_desktop.reports.characteristics_chapter import (
    characteristics_chapter,
    characteristics_sheets,
)
from imft_desktop.reports.document import PageBreak, Report, Section
from imft_desktop.reports.front_matter import findings_sheet, readings_table, title_page
from imft_desktop.reports.layout import TEXT_WIDTH_IN, Outcome
from imft_desktop.reports.response_chapter import response_chapter, response_sheets
from imft_desktop.reports.survival_chapters import survival_chapter, survival_sheets

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.io.write.excel_export import SheetSpec
    from imft_desktop.model.cohort import Cohort

__all__ = [
    "SCREEN_TOP_KM", "TEXT_WIDTH_IN", "CohortAnalyses", "Outcome", "ReportOptions",
    "SurvivalAnalysis", "build_cohort_report", "build_report_from_analyses",
    "cohort_workbook_sheets", "readings_table", "run_analyses", "write_cohort_workbook",
]


def build_report_from_analyses(a: CohortAnalyses, title: str | None = None) -> Report:
    """Lay out analyses already run (see :func:`run_analyses`) as a ``Report``."""
    cohort = a.cohort
    title = title or f"Cohort report: {cohort.name or 'unnamed cohort'}"
    report = Report(title=title, provenance=a.provenance, synthetic=cohort.is_synthetic,
                    deidentified=a.provenance.deidentified)
    report.pseudonymizer = a.pseudonymizer
    report.add(title_page(a, title))
    chapters: list[list[Section]] = [
        characteristics_chapter(a),
        frequency_chapter(a),
        partners_chapter(a),
        oncoprint_chapter(a),
        copy_number_chapter(a),
        concordance_chapter(a),
        cooccurrence_chapter(a),
    ]
    chapters += [survival_chapter(a), response_chapter(a), a.methods.sections()]
    for chapter in chapters:
        if chapter:
            report.add(PageBreak(), chapter)
    return report


def build_cohort_report(
    cohort: Cohort,
    *,
    survival_groupings: Sequence[str] = (),
    deidentify: bool = False,
    options: ReportOptions | None = None,
) -> Report:
    """The cohort summary report.

    Parameters
    ----------
    survival_groupings:
        Groupings to compare for survival and response, as the user types them
        ("monosomy 19", "ALK IHC", "age>median").
    deidentify:
        Pseudonyms, years only, no free text (see ``reports.deidentify``); the key map
        is in ``report.pseudonymizer`` for ``write_key_file``.
    """
    analyses = run_analyses(cohort, survival_groupings, options, deidentify=deidentify)
    return build_report_from_analyses(analyses)


def cohort_workbook_sheets(a: CohortAnalyses) -> list[SheetSpec]:
    """The analysis workbook's data sheets (the methods sheet is added on writing)."""
    from imft_desktop.io.write.excel_export import SheetSpec

    cohort = a.cohort
    sheets: list[SheetSpec] = []
    clinical = cohort.clinical()
    if a.provenance.deidentified:
        clinical = clinical.drop(columns=[c for c in ("comment",) if c in clinical.columns])
    sheets.append(SheetSpec("Samples", clinical))
    sheets += characteristics_sheets(a)
    sheets += alteration_sheets(a)
    sheets += survival_sheets(a)
    sheets += response_sheets(a)
    sheets.append(findings_sheet(a))
    return sheets


def write_cohort_workbook(
    cohort: Cohort,
    path: Any,
    *,
    survival_groupings: Sequence[str] = (),
    deidentify: bool = False,
    options: ReportOptions | None = None,
) -> CohortAnalyses:
    """Run the analyses and write the workbook to ``path`` (atomically); returns them."""
    from imft_desktop.io.write.excel_export import write_workbook

    a = run_analyses(cohort, survival_groupings, options, deidentify=deidentify)
    write_workbook(
        path, cohort_workbook_sheets(a), provenance=a.provenance.as_pairs(),
        methods=a.methods.texts(), title=f"IMFT Desktop analysis: {a.cohort.name}",
        synthetic=a.cohort.is_synthetic,
    )
    return a

