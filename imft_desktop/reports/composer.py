"""Print a report the user composed: the outline's sections, in its order, on its pages.

``render_outline`` lays out a title page (as the default report's), then each outline
item as one chapter, then a methods chapter with the methods of what was printed (or at
the place of a "methods" item).  The analyses are computed once for the whole outline,
and only those the items need (``outline_analyses.OutlineAnalyses``); each item is laid
out by the renderer registered for its kind in :data:`RENDERERS`, a function
``(analyses, item) -> sections`` that reads the analyses prepared for that item.

An item is one chapter under the title the user gave it: the first level-1 heading a
renderer returns takes that title (or it is added), further level-1 headings become
level 2.  A renderer that fails prints why under its heading; the rest is printed.

With an empty outline the default cohort report is printed: with nothing chosen it still
answers the study's questions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from imft_desktop.reports import (
    alteration_chapters,
    characteristics_chapter,
    response_chapter,
    survival_chapters,
)
from imft_desktop.reports.analyses import CohortAnalyses, ReportOptions
from imft_desktop.reports.document import (
    Heading,
    KeyValues,
    PageBreak,
    Paragraph,
    Report,
    Section,
)
from imft_desktop.reports.front_matter import findings_counts, readings_table, title_page
from imft_desktop.reports.layout import (
    explain,
    page_orientation,
    problem_paragraph,
)
from imft_desktop.reports.methods import MethodsLog
from imft_desktop.reports.outline import KIND_LABELS, ReportItem, ReportOutline
from imft_desktop.reports.outline_analyses import OutlineAnalyses

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.io.write.excel_export import SheetSpec
    from imft_desktop.model.cohort import Cohort

_log = logging.getLogger(__name__)

#: A section kind's renderer: the analyses prepared for the item, and the item.
Renderer = Callable[[CohortAnalyses, ReportItem], list[Section]]

#: Methods topics (``MethodsLog``) each kind prints; the methods chapter of a composed
#: report keeps these, how the source was read, and whatever a renderer adds itself.
METHOD_TOPICS: dict[str, tuple[str, ...]] = {
    "characteristics": ("Cohort characteristics",),
    "frequencies": ("Alteration frequencies",),
    "partners": ("Fusion partners",),
    "oncoprint": ("Oncoprint",),
    "copy_number": ("Copy-number calling",),
    "concordance": ("Assay concordance",),
    "cooccurrence": ("Co-occurrence",),
    "survival": ("Survival",),
    "screen": ("Alteration screen",),
    "response": ("Response",),
    "readings": (),
    "methods": (),
}
ALWAYS_IN_METHODS = ("Reading the source",)
#: Co-occurrence pairs printed (lowest p first); the Excel export has all.
COOCCURRENCE_ROWS = 25


# ====================================================================== renderers
def readings_item_sections(a: CohortAnalyses, item: ReportItem) -> list[Section]:
    """How the sheet was read: the data checks and every warning and chosen meaning."""
    out: list[Section] = [Heading(item.title, 1)]
    table = readings_table(a.cohort)
    out.append(KeyValues((
        ("Import findings", findings_counts(a.cohort)),
    ), title="Data checks"))
    out.append(table if table is not None else
               Paragraph("Every value was read as written: no warning and no chosen meaning.",
                         "note"))
    return out


#: The renderer of each section kind ("methods" is placed by ``render_outline`` itself).
RENDERERS: dict[str, Renderer] = {
    "characteristics": characteristics_chapter.characteristics_item_sections,
    **alteration_chapters.ITEM_SECTIONS,
    "survival": survival_chapters.survival_item_sections,
    "screen": survival_chapters.screen_item_sections,
    "response": response_chapter.response_item_sections,
    "readings": readings_item_sections,
}


# ====================================================================== the report
def default_title(cohort: Cohort) -> str:
    return f"Report: {cohort.name or 'unnamed cohort'}"


def render_outline(
    cohort: Cohort,
    outline: ReportOutline,
    *,
    deidentify: bool = False,
    options: ReportOptions | None = None,
) -> Report:
    """The report the user composed, laid out for the outline's orientation.

    Parameters
    ----------
    outline:
        The sections in print order; empty: the default cohort report.
    deidentify:
        Pseudonyms, years only, no free text (``reports.deidentify``); the key map is in
        ``report.pseudonymizer``.
    options:
        Defaults for what an item does not set (endpoint, unit, CI transform ...).
    """
    with page_orientation(outline.orientation):
        if outline.empty:
            from imft_desktop.reports.cohort_report import build_cohort_report

            report = build_cohort_report(cohort, deidentify=deidentify, options=options)
        else:
            report = _compose(OutlineAnalyses(cohort, outline.items, options,
                                              deidentify=deidentify), outline)
    report.orientation = outline.orientation
    return report


def _compose(oa: OutlineAnalyses, outline: ReportOutline) -> Report:
    a = oa.base
    title = outline.title or default_title(oa.cohort)
    report = Report(title=title, provenance=a.provenance, synthetic=oa.cohort.is_synthetic,
                    deidentified=a.provenance.deidentified)
    report.pseudonymizer = a.pseudonymizer
    report.add(title_page(a, title))
    chapters: list[list[Section]] = []
    topics = set(ALWAYS_IN_METHODS)
    written: list[tuple[str, str]] = []  # method texts a renderer added itself
    methods_item: tuple[int, ReportItem] | None = None
    for item in outline.items:
        if item.kind == "methods":
            if methods_item is None:
                methods_item = (len(chapters), item)
            continue
        sections, added = render_item(oa, item)
        chapters.append(sections)
        topics.update(METHOD_TOPICS.get(item.kind, ()))
        written += added
    keep = [e for e in oa.methods.entries if e[0] in topics or e in written]
    at, heading = (methods_item[0], methods_item[1].title) if methods_item else \
        (len(chapters), "Methods")
    chapters.insert(at, MethodsLog(keep).sections(heading))
    for chapter in chapters:
        report.add(PageBreak(), chapter)
    return report


def render_item(oa: OutlineAnalyses, item: ReportItem) -> tuple[list[Section],
                                                                list[tuple[str, str]]]:
    """One item's chapter, and the method entries its renderer added.

    An analysis the cohort does not allow is said in words by the renderer; anything
    else that stops it is a fault in the program, printed as such under the item's
    heading (the rest of the report is printed).
    """
    renderer = RENDERERS.get(item.kind)
    if renderer is None:
        return [Heading(item.title, 1), Paragraph(
            f"This version cannot print {KIND_LABELS.get(item.kind, item.kind)} sections.",
            "warning")], []
    try:
        a = oa.for_item(item)
        before = len(oa.methods.entries)
        sections = renderer(a, item)
        added = oa.methods.entries[before:]
    except Exception as exc:
        _log.error("report item of kind %r failed: %s", item.kind, type(exc).__name__)
        return [Heading(item.title, 1),
                problem_paragraph(item.title, explain(item.title, exc))], []
    return as_chapter(sections, item.title), list(added)


def as_chapter(sections: Sequence[Section], title: str) -> list[Section]:
    """``sections`` as one chapter titled ``title``: leading page breaks dropped, the
    first level-1 heading (added when missing) says ``title``, later ones are level 2."""
    body = list(sections)
    while body and isinstance(body[0], PageBreak):
        body.pop(0)
    if body and isinstance(body[0], Heading) and body[0].level == 1:
        body.pop(0)
    out: list[Section] = [Heading(title, 1)]
    for s in body:
        out.append(Heading(s.text, 2) if isinstance(s, Heading) and s.level == 1 else s)
    if len(out) == 1:
        out.append(Paragraph("Nothing to show for this cohort.", "note"))
    return out


# ====================================================================== workbook
def _sheets_named(make: Callable[[CohortAnalyses], list[SheetSpec]],
                  keep: Callable[[str], bool]) -> Callable[[CohortAnalyses, ReportItem],
                                                           list[SheetSpec]]:
    return lambda a, _item: [s for s in make(a) if keep(s.name)]


def _readings_sheets(a: CohortAnalyses, item: ReportItem) -> list[SheetSpec]:
    from imft_desktop.io.write.excel_export import SheetSpec

    table = readings_table(a.cohort)
    if table is None:
        return []
    return [SheetSpec("How the sheet was read",
                      pd.DataFrame(list(table.rows), columns=list(table.header[0])))]


#: The workbook sheets of each kind: the data behind the printed section, every row.
SHEETS: dict[str, Callable[[CohortAnalyses, ReportItem], list[SheetSpec]]] = {
    "characteristics": characteristics_chapter.characteristics_item_sheets,
    "frequencies": _sheets_named(alteration_chapters.alteration_sheets,
                                 lambda n: n in ("Alteration frequencies", "Alteration matrix")),
    "partners": _sheets_named(alteration_chapters.alteration_sheets,
                              lambda n: n == "Fusion partners"),
    "oncoprint": _sheets_named(alteration_chapters.alteration_sheets,
                               lambda n: n == "Alteration matrix"),
    "copy_number": _sheets_named(alteration_chapters.alteration_sheets,
                                 lambda n: n in ("CNA burden", "Recurrent focal loci")),
    "concordance": _sheets_named(alteration_chapters.alteration_sheets,
                                 lambda n: n.startswith("Concordance ")),
    "cooccurrence": _sheets_named(alteration_chapters.alteration_sheets,
                                  lambda n: n == "Co-occurrence"),
    "survival": survival_chapters.survival_item_sheets,
    "screen": survival_chapters.screen_item_sheets,
    "response": response_chapter.response_item_sheets,
    "readings": _readings_sheets,
}


def outline_workbook_sheets(oa: OutlineAnalyses, outline: ReportOutline
                            ) -> tuple[list[SheetSpec], list[str]]:
    """The sheets of the outline's sections (each sheet once, in outline order) and the
    method texts of those sections."""
    sheets: list[SheetSpec] = []
    names: set[str] = set()
    topics = set(ALWAYS_IN_METHODS)
    for item in outline.items:
        make = SHEETS.get(item.kind)
        if make is None:
            continue
        topics.update(METHOD_TOPICS.get(item.kind, ()))
        for sheet in make(oa.for_item(item), item):
            if sheet.name not in names:
                names.add(sheet.name)
                sheets.append(sheet)
    methods = MethodsLog([e for e in oa.methods.entries if e[0] in topics]).texts()
    return sheets, methods


def write_outline_workbook(
    cohort: Cohort,
    outline: ReportOutline,
    path: Any,
    *,
    deidentify: bool = False,
    options: ReportOptions | None = None,
) -> OutlineAnalyses:
    """Write the workbook of the outline's sections to ``path`` (atomically), with the
    methods and provenance sheet first; returns the analyses (``base.pseudonymizer``)."""
    from imft_desktop.io.write.excel_export import write_workbook

    oa = OutlineAnalyses(cohort, outline.items, options, deidentify=deidentify)
    sheets, methods = outline_workbook_sheets(oa, outline)
    a = oa.base
    write_workbook(
        path, sheets, provenance=a.provenance.as_pairs(), methods=methods,
        title=outline.title or f"IMFT Desktop report sections: {a.cohort.name}",
        synthetic=a.cohort.is_synthetic,
    )
    return oa


__all__ = [
    "METHOD_TOPICS", "RENDERERS", "SHEETS", "Renderer", "as_chapter", "default_title",
    "outline_workbook_sheets", "readings_item_sections", "render_item",
    "render_outline", "write_outline_workbook",
]
