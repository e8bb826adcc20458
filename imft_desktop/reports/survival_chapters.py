"""Report chapters of survival: Kaplan-Meier tables and figures, tests, the alteration
screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from imft_desktop.model.formatting import (
    format_ci,
    format_hr,
    format_p,
    p_text,
)
from imft_desktop.model.text import plural
from imft_desktop.plotting import km as km_plot
from imft_desktop.plotting.forest import plot_forest
from imft_desktop.reports.analyses import CohortAnalyses, SurvivalAnalysis
from imft_desktop.reports.document import (
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Section,
    Table,
)
from imft_desktop.reports.layout import (
    TEXT_WIDTH_IN,
    draw_figure,
    format_num,
    problem_paragraph,
    warnings_note,
)

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.io.write.excel_export import SheetSpec

#: Rows of the printed alteration screen and its forest plot (lowest p first; the Excel
#: sheet has all). Each forest row is text to lay out: 30 rows cost the demo 0.17 s more.
SCREEN_ROWS = 20


def km_figure(s: SurvivalAnalysis) -> Figure:
    km = s.km

    def draw(fig: Any) -> None:
        ax, risk_ax = km_plot.km_axes(fig, len(km.groups))
        km_plot.plot_km(km, ax, risk_ax=risk_ax, test=s.logrank, cox=s.cox, fontsize=8.0)

    return draw_figure(
        draw, (TEXT_WIDTH_IN * 0.9, 3.4 + 0.2 * len(km.groups)),
        caption=(f"Kaplan-Meier estimate of {km.endpoint} ({km.unit}) by {s.grouping_text}; "
                 "censored patients marked; dotted lines at the medians; number at risk "
                 "below."),
        alt=f"Kaplan-Meier curves of {km.endpoint} by {s.grouping_text}",
    )


def km_table(km: Any, logrank: Any, cox: Any, caption: str) -> Table:
    rows = []
    for g in km.groups:
        median = format_num(g.median, 1) if g.median_reached else "not reached"
        lo, hi = g.median_ci
        upper = format_num(hi, 1) if hi is not None else "NR"
        rows.append((g.label, str(g.n), str(g.events), median, f"{format_num(lo, 1)}–{upper}"))
    notes = []
    if logrank is not None:
        if logrank.testable:
            notes.append(f"{logrank.test}: chi-square {format_num(logrank.statistic, 2)}, "
                         f"df {logrank.df}, {p_text(logrank.p)} ({logrank.sided}; "
                         f"n = {logrank.n}).")
        else:
            notes.append(f"{logrank.test}: {logrank.not_testable}.")
        notes.extend(warnings_note(logrank))
    if cox is not None:
        for t in cox.terms:
            if t.not_estimable or cox.not_estimable:
                notes.append(f"Hazard ratio {t.level} vs {t.reference}: not estimable "
                             f"({t.not_estimable or cox.not_estimable}).")
            else:
                notes.append(f"Hazard ratio {t.level} vs {t.reference}: {format_hr(t.hr)} "
                             f"(95% CI {format_ci(t.ci[0], t.ci[1])}), Wald {p_text(t.p)}; "
                             f"Cox model, {cox.ties} ties, {plural(cox.events, 'event')} "
                             f"in {cox.n}.")
        notes.extend(warnings_note(cox))
    for g in km.groups:
        notes.extend(f"{g.label}: {w}" for w in g.warnings)
    return Table(
        header=(("Group", "n", "Events", f"Median ({km.unit})", "95% CI"),),
        rows=tuple(rows), align=("left", "right", "right", "right", "right"),
        caption=caption, notes=tuple(notes),
    )


def exclusions_note(data: Any) -> list[Section]:
    excluded = getattr(data, "excluded", None) or []
    if not excluded:
        return []
    counts: dict[str, int] = {}
    for item in excluded:
        reason = item[1] if isinstance(item, (tuple, list)) and len(item) > 1 else str(item)
        counts[reason] = counts.get(reason, 0) + 1
    text = "; ".join(f"{reason}: {n}" for reason, n in counts.items())
    return [Paragraph(f"Left out of this analysis – {text}.", "note")]


def survival_chapter(a: CohortAnalyses) -> list[Section]:
    if a.overall_survival.result is None and a.overall_survival.problem is None:
        return []
    out: list[Section] = [Heading(f"Survival ({a.options.endpoint})", 1)]
    if a.overall_survival.ok:
        data, km = a.overall_survival.result
        out.append(km_table(km, None, None, f"{km.endpoint} in all patients"))
        out += exclusions_note(data)
    else:
        out.append(problem_paragraph("Survival", a.overall_survival.problem or ""))
        return out
    out += screen_sections(a)
    if not a.survival:
        out.append(Paragraph("No grouping was chosen for survival, and the alteration "
                             "screen has no result to plot; choose one (e.g. an "
                             "alteration such as monosomy 19) to compare groups.", "note"))
    if a.survival and a.survival[0].exploratory:
        out.append(PageBreak())
        out.append(Heading(f"{a.options.endpoint} by the screen's top alterations "
                           "(exploratory)", 2))
        out.append(Paragraph(
            "EXPLORATORY: no grouping was chosen, so the report shows the "
            f"{plural(len(a.survival), 'alteration')} with the lowest log-rank p in the "
            "screen above. They were picked because their p is low: these curves suggest "
            "hypotheses, not findings; read them with the screen's BH q values. Choose a "
            "grouping (Survival tab, or imft report --survival) to report it instead.",
            "warning"))
    for i, s in enumerate(a.survival):
        if i or not s.exploratory:
            out.append(PageBreak())  # a heading never ends a page without its figure
        label = " (exploratory, chosen by the screen)" if s.exploratory else ""
        out.append(Heading(f"{a.options.endpoint} by {s.grouping_text}{label}",
                           3 if s.exploratory else 2))
        if s.km is None:
            out.append(problem_paragraph(f"Survival by {s.grouping_text}", s.problem or ""))
            continue
        if s.grouping is not None and s.grouping.description:
            out.append(Paragraph(s.grouping.description, "note"))
        out.append(km_figure(s))
        out.append(km_table(s.km, s.logrank, s.cox,
                             f"{s.km.endpoint} by {s.grouping_text}{label}"))
        out += exclusions_note(s.data)
        if s.problem:
            out.append(Paragraph(s.problem, "warning"))
    return out


def screen_sections(a: CohortAnalyses) -> list[Section]:
    """The alteration screen against the endpoint: forest plot and table (n, events,
    HR with 95% CI, log-rank p, BH q), as the Survival tab shows it."""
    if a.screen.problem:
        return [problem_paragraph("The alteration screen", a.screen.problem)]
    if not a.screen.ok:
        return []
    screen = a.screen.result
    out: list[Section] = [PageBreak(), Heading(
        f"Alteration screen against {screen.endpoint} (exploratory)", 2)]
    if not screen.rows:
        out.append(Paragraph("No alteration had enough tested and altered patients to be "
                             f"screened ({plural(len(screen.skipped), 'alteration')} left "
                             "out).", "note"))
        return out
    rows = screen.rows[:SCREEN_ROWS]

    def draw(fig: Any) -> None:
        plot_forest(screen, fig.add_subplot(), max_rows=SCREEN_ROWS, fontsize=7.5)

    out.append(draw_figure(
        draw, (TEXT_WIDTH_IN, 1.2 + 0.22 * len(rows)),
        caption=(f"Hazard ratio of {screen.endpoint}, altered vs tested-not-altered, for "
                 f"each screened alteration (lowest log-rank p first); orange: BH q < 0.1."),
        alt=f"Forest plot of the alteration screen against {screen.endpoint}"))
    table_rows = []
    for r in rows:
        hr = (f"{format_hr(r.hr)} ({format_ci(r.ci[0], r.ci[1])})"
              if r.hr is not None and r.ci[0] is not None and r.ci[1] is not None
              else (r.not_estimable or "not estimable"))
        table_rows.append((r.alteration, f"{r.n_altered}/{r.n_tested}",
                           f"{r.events_altered}/{r.events_not_altered}", hr,
                           format_p(r.p) if r.p is not None else (r.not_testable or "–"),
                           format_p(r.q) if r.q is not None else "–"))
    more = (f" The first {SCREEN_ROWS} of {len(screen.rows)} are printed; the Excel "
            "export has all." if len(screen.rows) > SCREEN_ROWS else "")
    skipped = (f" {plural(len(screen.skipped), 'alteration')} with too few tested or "
               "altered patients were not screened." if screen.skipped else "")
    out.append(Table(
        header=(("Alteration", "Altered/tested", "Events alt/not", "HR (95% CI)",
                 "Log-rank p", "BH q"),),
        rows=tuple(table_rows),
        align=("left", "right", "right", "right", "right", "right"),
        caption=f"Alteration screen against {screen.endpoint} ({screen.unit})",
        notes=(f"Exploratory: {plural(sum(r.p is not None for r in screen.rows), 'alteration')}"
               " tested; read the BH q (false discovery rate), not p." + more + skipped,
               screen.method),
    ))
    return out


def survival_sheets(a: CohortAnalyses) -> list[SheetSpec]:
    """Workbook sheets of the survival groupings and the alteration screen."""
    from imft_desktop.io.write.excel_export import SheetSpec

    sheets: list[SheetSpec] = []
    for s in a.survival:
        if s.km is None:
            continue
        rows = [{"group": g.label, "n": g.n, "events": g.events, "censored": g.censored,
                 "median": g.median if g.median_reached else None,
                 "median_reached": g.median_reached, "median_ci_low": g.median_ci[0],
                 "median_ci_high": g.median_ci[1], "unit": s.km.unit} for g in s.km.groups]
        notes = [f"Times (median and its CI) in {s.km.unit}", s.km.method]
        if s.exploratory:
            notes.insert(0, "EXPLORATORY: chosen by the alteration screen (lowest log-rank p), "
                            "not by the user; read with the screen's BH q.")
        if s.logrank is not None:
            notes.append(f"{s.logrank.test}: statistic {s.logrank.statistic}, df "
                         f"{s.logrank.df}, p {s.logrank.p} ({s.logrank.sided}); "
                         f"{s.logrank.method}")
        if s.cox is not None:
            for t in s.cox.terms:
                notes.append(f"Cox HR {t.level} vs {t.reference}: "
                             + (f"not estimable ({t.not_estimable})" if t.not_estimable else
                                f"{t.hr} (95% CI {t.ci[0]}-{t.ci[1]}), p {t.p}")
                             + f"; {s.cox.method}")
        sheets.append(SheetSpec(f"{a.options.endpoint} {s.grouping_text}", pd.DataFrame(rows),
                                tuple(notes)))
    if a.screen.ok and a.screen.result.rows:
        screen = a.screen.result
        frame = screen.to_frame()
        frame["ci"] = frame["ci"].map(lambda ci: None)  # split below: one number a cell
        frame.insert(frame.columns.get_loc("ci"), "ci_low", [r.ci[0] for r in screen.rows])
        frame.insert(frame.columns.get_loc("ci"), "ci_high", [r.ci[1] for r in screen.rows])
        frame = frame.drop(columns=["ci"])
        frame["warnings"] = frame["warnings"].map("; ".join)
        sheets.append(SheetSpec(f"{screen.endpoint} screen", frame, (
            f"Exploratory screen of every alteration against {screen.endpoint} "
            f"({screen.unit}); p: log-rank; q: BH-FDR.", screen.method)))
    return sheets
