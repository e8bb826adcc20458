"""The report's response chapter: RECIST distribution, waterfall, objective response
rate, and a measure compared by response.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from imft_desktop.model.formatting import (
    format_ci,
    format_estimate,
    p_text,
)
from imft_desktop.model.text import plural
from imft_desktop.plotting import response_plots
from imft_desktop.reports.analyses import CohortAnalyses
from imft_desktop.reports.document import (
    Heading,
    Paragraph,
    Section,
    Table,
)
from imft_desktop.reports.layout import (
    TEXT_WIDTH_IN,
    ci_text,
    draw_figure,
    format_num,
    pct,
    problem_paragraph,
    warnings_note,
)

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.io.write.excel_export import SheetSpec

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


def _orr_rows(orr: Any) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for p in [*orr.by_group, orr.overall]:
        rows.append((p.label if p.label != "all" else "All evaluable", f"{p.responders}/{p.n}",
                     pct(p.percent), ci_text(p.ci95[0], p.ci95[1], 1, "%")))
    return rows


def response_chapter(a: CohortAnalyses) -> list[Section]:
    if a.response.result is None and a.response.problem is None:
        return []
    out: list[Section] = [Heading("Response", 1)]
    if not a.response.ok:
        out.append(problem_paragraph("Response", a.response.problem or ""))
        return out
    _, dist = a.response.result
    out.append(Table(
        header=(tuple(["Best response", *dist.categories, "Total"]),),
        rows=(("Patients", *[str(dist.overall.get(c, 0)) for c in dist.categories],
               str(dist.n)),),
        align=tuple(["left"] + ["right"] * (len(dist.categories) + 1)),  # type: ignore[arg-type]
        caption="RECIST 1.1 best overall response",
    ))
    if a.waterfall.ok and len(a.waterfall.result):
        wf = a.waterfall.result

        def draw_waterfall(fig: Any) -> None:
            ax = fig.add_subplot()
            if len(wf) <= WATERFALL_MAX_LABELS:
                response_plots.plot_waterfall(wf, ax, fontsize=8.0)
            else:
                _compact_waterfall(ax, wf, response_plots.RECIST_COLOURS)

        out.append(draw_figure(
            draw_waterfall, (TEXT_WIDTH_IN, 3.0),
            caption=("Best change of target lesions per patient, coloured by RECIST 1.1 best "
                     "response; dashed line +20% (progression), dotted line -30% (partial "
                     "response)."),
            alt="Waterfall plot of the best change of target lesions per patient"))
    if a.orr.ok:
        orr = a.orr.result
        excluded = [f"Excluded: {', '.join(f'{k} {v}' for k, v in orr.excluded.items())}."] \
            if orr.excluded else []
        out.append(Table(
            header=(("Patients", "Responders/evaluable", "ORR", "95% CI (exact)"),),
            rows=tuple(_orr_rows(orr)), align=("left", "right", "right", "right"),
            caption="Objective response rate (CR or PR)",
            notes=tuple(excluded) + warnings_note(orr.overall),
        ))
    for s in a.survival:
        if s.response_problem:
            out.append(problem_paragraph(f"Response by {s.grouping_text}", s.response_problem))
        if s.orr is None:
            continue
        notes = []
        if s.fisher is not None:
            f = s.fisher
            if f.not_testable:
                notes.append(f"{f.test}: {f.not_testable}.")
            else:
                (a1, b1), (a2, b2) = f.table
                notes.append(
                    f"{f.test} ({f.sided}): {p_text(f.p)}; odds ratio "
                    f"{format_estimate(f.odds_ratio)} (95% CI {format_ci(f.ci[0], f.ci[1])}); "
                    f"2x2 table {f.rows[0]}: {a1} responders / {b1} non-responders, "
                    f"{f.rows[1]}: {a2} / {b2}.")
            notes.extend(warnings_note(f))
        out.append(Table(
            header=(("Group", "Responders/evaluable", "ORR", "95% CI (exact)"),),
            rows=tuple(_orr_rows(s.orr)), align=("left", "right", "right", "right"),
            caption=f"Objective response by {s.grouping_text}",
            notes=tuple(notes),
        ))
    if a.measure_by_response.ok:
        mw = a.measure_by_response.result
        if not mw.not_testable:

            def draw_measure(fig: Any) -> None:
                response_plots.plot_measure_by_response(mw, fig.add_subplot(), fontsize=8.0)

            out.append(draw_figure(
                draw_measure, (TEXT_WIDTH_IN * 0.95, 2.8),
                caption=f"{mw.measure} of responders and non-responders (box: quartiles; "
                        "points: samples).",
                alt=f"Box plot of {mw.measure} by response"))
        if mw.not_testable:
            out.append(Paragraph(f"{mw.measure} by response: {mw.not_testable}.", "note"))
        else:
            rows = tuple((grp, str(mw.n.get(grp, 0)), format_num(mw.medians.get(grp), 1))
                         for grp in mw.n)
            out.append(Table(
                header=(("Group", "n", f"Median {mw.measure}"),),
                rows=rows, align=("left", "right", "right"),
                caption=f"{mw.measure} by response",
                notes=(f"{mw.test} ({mw.sided}): U = {format_num(mw.u, 1)}, "
                       f"{p_text(mw.p)} ({mw.p_method}); normal approximation "
                       f"{p_text(mw.p_asymptotic)}; Hodges-Lehmann shift "
                       f"{format_num(mw.hodges_lehmann, 1)}.", *warnings_note(mw)),
            ))
    return out


def response_sheets(a: CohortAnalyses) -> list[SheetSpec]:
    """Workbook sheet of the response data."""
    from imft_desktop.io.write.excel_export import SheetSpec

    sheets: list[SheetSpec] = []
    if a.response.ok:
        data, _dist = a.response.result
        frame = data.frame.copy()
        sheets.append(SheetSpec("Response", frame))
    return sheets
