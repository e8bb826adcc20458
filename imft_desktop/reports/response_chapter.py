"""The report's response chapter: RECIST distribution, waterfall, objective response
rate, and a measure compared by response.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from imft_desktop.analysis.response import MannWhitneyResult
from imft_desktop.analysis.response_study import ResponseOptions, ResponseStudy, response_study
from imft_desktop.model.formatting import (
    format_estimate,
)
from imft_desktop.model.text import plural
from imft_desktop.plotting import response_plots
from imft_desktop.reports import response_text as words
from imft_desktop.reports.analyses import CohortAnalyses
from imft_desktop.reports.document import (
    Figure,
    Heading,
    Paragraph,
    Section,
    Table,
)
from imft_desktop.reports.layout import (
    TEXT_WIDTH_IN,
    Outcome,
    draw_figure,
    problem_paragraph,
    warnings_note,
)

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.io.write.excel_export import SheetSpec
    from imft_desktop.reports.outline import ReportItem

#: Patients beyond which the waterfall plot drops its per-patient labels.
WATERFALL_MAX_LABELS = 60


def _compact_waterfall(ax: Any, wf: pd.DataFrame, colours: dict[Any, str]) -> None:
    """A waterfall without per-patient labels, for cohorts too large to label.

    Hundreds of rotated patient labels are unreadable on paper and take seconds to
    lay out; the bars, RECIST colours and reference lines are what the plot shows.
    """
    from matplotlib.patches import Patch

    n = len(wf)
    values = pd.to_numeric(wf["best_percent_change"], errors="coerce").to_numpy(dtype=float)
    ax.bar(range(n), values, width=1.0, linewidth=0,
           color=[colours.get(r, "#ffffff") for r in wf["best_response"]])
    for y, style in ((20, "--"), (-30, ":")):
        ax.axhline(y, color="0.3", ls=style, lw=0.8)
    ax.axhline(0, color="0.2", lw=0.6)
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_xticks([])
    ax.set_xlabel(f"{plural(n, 'patient')}, from largest increase to largest decrease", fontsize=8)
    ax.set_ylabel("Best change of target lesions (%)", fontsize=8)
    ax.tick_params(labelsize=7)
    present = set(wf["best_response"])
    ax.legend(handles=[Patch(facecolor=colours[k], edgecolor="0.3", label=k)
                       for k in ("CR", "PR", "SD", "PD", "NE") if k in present],
              fontsize=7, frameon=False, loc="upper right", title="Best response",
              title_fontsize=7)


def _orr_table(study: ResponseStudy, caption: str) -> Table:
    """Counts per best response and the ORR per group, as the Response tab shows them,
    with the tests under it (``response_text``)."""
    notes = [line for line in words.statistic_lines(study) if study.measure is None
             or not line.startswith(study.measure.test)]
    if study.fisher is not None and not study.fisher.not_testable:
        notes.append(words.fisher_table_line(study.fisher))
    excluded = words.excluded_line(study)
    if excluded:
        notes.append(excluded)
    notes += [f"Warning: {w}" for w in study.warnings]
    header = words.ORR_HEADER
    return Table(header=(header,), rows=tuple(words.orr_rows(study)),
                 align=("left", *(["right"] * (len(header) - 1))),  # type: ignore[arg-type]
                 caption=caption, notes=tuple(notes))


def _waterfall_figure(wf: pd.DataFrame) -> Figure:
    def draw_waterfall(fig: Any) -> None:
        ax = fig.add_subplot()
        if len(wf) <= WATERFALL_MAX_LABELS:
            response_plots.plot_waterfall(wf, ax, fontsize=8.0)
        else:
            _compact_waterfall(ax, wf, response_plots.RECIST_COLOURS)

    return draw_figure(
        draw_waterfall, (TEXT_WIDTH_IN, 3.0),
        caption=("Best change of target lesions per patient, coloured by RECIST 1.1 best "
                 "response; dashed line +20% (progression), dotted line -30% (partial "
                 "response)."),
        alt="Waterfall plot of the best change of target lesions per patient")


def _measure_sections(mw: MannWhitneyResult) -> list[Section]:
    if mw.not_testable:
        return [Paragraph(words.measure_line(mw) + ".", "note")]

    def draw_measure(fig: Any) -> None:
        response_plots.plot_measure_by_response(mw, fig.add_subplot(), fontsize=8.0)

    rows = tuple((grp, str(mw.n.get(grp, 0)), format_estimate(mw.medians.get(grp)))
                 for grp in mw.n)
    return [
        draw_figure(draw_measure, (TEXT_WIDTH_IN * 0.95, 2.8),
                    caption=f"{mw.measure} of responders and non-responders (box: quartiles; "
                            "points: samples).",
                    alt=f"Box plot of {mw.measure} by response"),
        Table(header=(("Group", "n", f"Median {mw.measure}"),), rows=rows,
              align=("left", "right", "right"), caption=f"{mw.measure} by response",
              notes=(words.measure_line(mw) + ".", *warnings_note(mw))),
    ]


def study_sections(study: ResponseStudy, heading_level: int = 1,
                   with_plots: bool = True) -> list[Section]:
    """A response study on paper: the RECIST distribution, the waterfall, the ORR (per
    group, with Fisher's test) and the measure by response."""
    out: list[Section] = [Heading(study.title, heading_level)]
    if study.grouping is not None and study.grouping.description:
        out.append(Paragraph(study.grouping.description, "note"))
    if with_plots and len(study.waterfall):
        out.append(_waterfall_figure(study.waterfall))
    what = f" by {study.grouping.name}" if study.grouping is not None else ""
    out.append(_orr_table(study, f"Best overall response (RECIST 1.1) and objective "
                                 f"response rate (CR or PR, exact 95% CI){what}"))
    if study.measure is not None:
        out += _measure_sections(study.measure)
    return out


def response_chapter(a: CohortAnalyses) -> list[Section]:
    if a.response.result is None and a.response.problem is None:
        return []
    if not a.response.ok:
        return [Heading("Response", 1), problem_paragraph("Response", a.response.problem or "")]
    out = study_sections(a.response.result)
    for s in a.survival:
        if s.response_problem:
            out.append(problem_paragraph(f"Response by {s.grouping_text}", s.response_problem))
        if s.response is not None:
            out.append(_orr_table(s.response, f"Objective response by {s.grouping_text}"))
    return out


def item_study(a: CohortAnalyses, item: ReportItem) -> Outcome:
    """The response study an outline item names (grouping, measure), run once for the
    section and its sheet."""
    options = ResponseOptions.from_params(item.options)
    outcome = a.study("response", options, lambda: response_study(
        a.cohort, options, matrix=a.matrix.result if a.matrix.ok else None))
    if outcome.ok:
        a.methods.extend("Response", outcome.result.methods)
    return outcome


def response_item_sections(a: CohortAnalyses, item: ReportItem) -> list[Section]:
    """A composed report's response section: the study the item names (grouping,
    measure), computed for the cohort being printed."""
    outcome = item_study(a, item)
    if not outcome.ok:
        return [Heading(item.title, 1), problem_paragraph(item.title, outcome.problem or "")]
    return study_sections(outcome.result)


def response_item_sheets(a: CohortAnalyses, item: ReportItem) -> list[SheetSpec]:
    """The workbook sheets of the item's response study: per patient, rates and tests."""
    outcome = item_study(a, item)
    if not outcome.ok:
        return []
    from imft_desktop.io.write.excel_export import SheetSpec

    study: ResponseStudy = outcome.result
    return [SheetSpec("Response", study.data.frame.copy()), study_sheet(study)]


def response_sheets(a: CohortAnalyses) -> list[SheetSpec]:
    """Workbook sheets of the response: per patient, and the rates and tests."""
    from imft_desktop.io.write.excel_export import SheetSpec

    sheets: list[SheetSpec] = []
    if a.response.ok:
        study: ResponseStudy = a.response.result
        sheets.append(SheetSpec("Response", study.data_all.frame.copy()))
        sheets.append(study_sheet(study))
    for s in a.survival:
        if s.response is not None:
            sheets.append(study_sheet(s.response))
    return sheets


def study_sheet(study: ResponseStudy) -> SheetSpec:
    """A response study as one sheet, one number per cell: the ORR of all patients and
    of each group, Fisher's test and the measure by response (the values of
    ``imft response --json``)."""
    from imft_desktop.io.write.excel_export import SheetSpec

    rows: list[dict[str, Any]] = []
    proportions = [study.orr_all.overall]
    if study.grouping is not None:
        proportions += list(study.orr.by_group)
    for prop in proportions:
        rows.append({"part": "objective response rate",
                     "name": "All patients" if prop is study.orr_all.overall else prop.label,
                     "n": prop.n, "responders": prop.responders, "estimate": prop.percent,
                     "ci_low": prop.ci95[0], "ci_high": prop.ci95[1], "unit": "%"})
    f = study.fisher
    if f is not None:
        rows.append({"part": "test", "name": f.test, "n": f.n, "estimate": f.odds_ratio,
                     "ci_low": f.ci[0], "ci_high": f.ci[1], "p": f.p,
                     "note": f.not_testable or f"odds ratio, {f.sided}"})
    mw = study.measure
    if mw is not None:
        ci = mw.hodges_lehmann_ci or (None, None)
        rows.append({"part": "test", "name": f"{mw.test} ({mw.measure})",
                     "n": sum(mw.n.values()), "statistic": mw.u, "estimate": mw.hodges_lehmann,
                     "ci_low": ci[0], "ci_high": ci[1], "p": mw.p,
                     "note": mw.not_testable or f"Hodges-Lehmann shift; p {mw.p_method}"})
        for grp, median in mw.medians.items():
            rows.append({"part": f"median {mw.measure}", "name": grp, "n": mw.n.get(grp),
                         "estimate": median})
    columns = ["part", "name", "n", "responders", "estimate", "ci_low", "ci_high",
               "statistic", "p", "unit", "note"]
    return SheetSpec(f"{study.title} tests", pd.DataFrame(rows).reindex(columns=columns),
                     study.methods)
