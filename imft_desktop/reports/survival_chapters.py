"""Report chapters of survival: Kaplan-Meier tables and figures, tests, the alteration
screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from imft_desktop.analysis.screen import ScreenResult
from imft_desktop.analysis.survival_study import (
    SurvivalOptions,
    SurvivalStudy,
    screen_study,
    survival_study,
)
from imft_desktop.model.text import plural
from imft_desktop.plotting import km as km_plot
from imft_desktop.plotting.forest import plot_forest
from imft_desktop.reports import survival_text as words
from imft_desktop.reports.analyses import CohortAnalyses
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
    Outcome,
    draw_figure,
    problem_paragraph,
)

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.io.write.excel_export import SheetSpec
    from imft_desktop.reports.outline import ReportItem

#: Rows of the printed alteration screen and its forest plot (lowest p first; the Excel
#: sheet has all). Each forest row is text to lay out: 30 rows cost the demo 0.17 s more.
SCREEN_ROWS = 20


def km_figure(study: SurvivalStudy) -> Figure:
    """The Kaplan-Meier plot of a study with its number at risk and test caption."""
    km = study.km

    def draw(fig: Any) -> None:
        ax, risk_ax = km_plot.km_axes(fig, len(km.groups))
        km_plot.plot_km(km, ax, risk_ax=risk_ax, test=study.logrank, cox=study.cox,
                        fontsize=8.0)

    what = study.grouping.name if study.grouping is not None else "all patients"
    return draw_figure(
        draw, (TEXT_WIDTH_IN * 0.9, 3.4 + 0.2 * len(km.groups)),
        caption=(f"Kaplan-Meier estimate of {km.endpoint} ({km.unit}) by {what}; "
                 "censored patients marked; dotted lines at the medians; number at risk "
                 "below."),
        alt=f"Kaplan-Meier curves of {km.endpoint} by {what}",
    )


def km_table(study: SurvivalStudy, caption: str) -> Table:
    """The study's groups (n, events, censored, median with CI, landmarks) with every
    test and model under the table, in the words of ``survival_text``."""
    notes = [line.strip() for line in words.statistic_lines(study)
             if study.logrank is not None]
    notes += [f"Warning: {w}" for w in study.warnings]
    left_out = words.excluded_line(study)
    if left_out:
        notes.append(left_out)
    notes += list(study.notes)
    header = words.group_header(study)
    return Table(
        header=(header,), rows=tuple(words.group_rows(study)),
        align=("left", *(["right"] * (len(header) - 1))),  # type: ignore[arg-type]
        caption=caption, notes=tuple(notes),
    )


def study_sections(study: SurvivalStudy, heading_level: int = 2,
                   label: str = "") -> list[Section]:
    """A survival study on paper: heading, how the groups were formed, the figure and
    the table of groups and tests (the same rows and sentences as the tab)."""
    out: list[Section] = [Heading(f"{study.title}{label}", heading_level)]
    if study.grouping is not None and study.grouping.description:
        out.append(Paragraph(study.grouping.description, "note"))
    out.append(km_figure(study))
    out.append(km_table(study, f"{study.title}{label}"))
    return out


def survival_chapter(a: CohortAnalyses) -> list[Section]:
    if a.overall_survival.result is None and a.overall_survival.problem is None:
        return []
    if not a.overall_survival.ok:
        return [Heading("Survival", 1),
                problem_paragraph("Survival", a.overall_survival.problem or "")]
    overall: SurvivalStudy = a.overall_survival.result
    out: list[Section] = [Heading(f"Survival ({overall.endpoint.label})", 1),
                          km_table(overall, f"{overall.endpoint.label} in all patients")]
    out += screen_sections(a)
    endpoint = overall.endpoint.label
    if not a.survival:
        out.append(Paragraph("No grouping was chosen for survival, and the alteration "
                             "screen has no result to plot; choose one (e.g. an "
                             "alteration such as monosomy 19) to compare groups.", "note"))
    if a.survival and a.survival[0].exploratory:
        out.append(PageBreak())
        out.append(Heading(f"{endpoint} by the screen's top alterations (exploratory)", 2))
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
        if s.study is None:
            out.append(Heading(f"{endpoint} by {s.grouping_text}{label}",
                               3 if s.exploratory else 2))
            out.append(problem_paragraph(f"Survival by {s.grouping_text}", s.problem or ""))
            continue
        out += study_sections(s.study, 3 if s.exploratory else 2, label)
        if s.problem:
            out.append(Paragraph(s.problem, "warning"))
    return out


def _matrix(a: CohortAnalyses) -> Any:
    """The alteration matrix when the report has it already (else the study builds it)."""
    return a.matrix.result if a.matrix.ok else None


def item_study(a: CohortAnalyses, item: ReportItem) -> Outcome:
    """The survival study an outline item names (its grouping and options, as the
    Survival tab ran it), run once for the section and its sheet."""
    options = SurvivalOptions.from_params(item.options)
    outcome = a.study("survival", options,
                      lambda: survival_study(a.cohort, options, matrix=_matrix(a)))
    if outcome.ok:
        a.methods.extend("Survival", outcome.result.methods)
    return outcome


def item_screen(a: CohortAnalyses, item: ReportItem) -> Outcome:
    """The alteration screen an outline item names (endpoint, unit), run once."""
    options = SurvivalOptions.from_params(item.options)
    outcome = a.study("screen", options,
                      lambda: screen_study(a.cohort, options, matrix=_matrix(a)))
    if outcome.ok:
        a.methods.add("Alteration screen", outcome.result.method)
    return outcome


def survival_item_sections(a: CohortAnalyses, item: ReportItem) -> list[Section]:
    """A composed report's survival section: the figure and the table of groups and
    tests of the study the item names, computed for the cohort being printed."""
    outcome = item_study(a, item)
    if not outcome.ok:
        return [Heading(item.title, 1), problem_paragraph(item.title, outcome.problem or "")]
    return study_sections(outcome.result, 1)


def survival_item_sheets(a: CohortAnalyses, item: ReportItem) -> list[SheetSpec]:
    """The workbook sheet of the item's survival study (the same object as printed)."""
    outcome = item_study(a, item)
    return [study_sheet(outcome.result)] if outcome.ok else []


def screen_item_sections(a: CohortAnalyses, item: ReportItem) -> list[Section]:
    """A composed report's alteration screen against the item's endpoint and unit."""
    return [s for s in screen_sections_of(item_screen(a, item)) if not isinstance(s, PageBreak)]


def screen_item_sheets(a: CohortAnalyses, item: ReportItem) -> list[SheetSpec]:
    """The workbook sheet of the item's screen: every alteration screened."""
    outcome = item_screen(a, item)
    return [screen_sheet(outcome.result)] if outcome.ok and outcome.result.rows else []


def screen_sections(a: CohortAnalyses) -> list[Section]:
    """The alteration screen against the endpoint: forest plot and table (n, events,
    HR with 95% CI, log-rank p, BH q), as the Survival tab shows it."""
    return screen_sections_of(a.screen)


def screen_sections_of(outcome: Outcome) -> list[Section]:
    """The screen held by ``outcome`` on paper, or why it could not be done."""
    if outcome.problem:
        return [problem_paragraph("The alteration screen", outcome.problem)]
    if not outcome.ok:
        return []
    screen: ScreenResult = outcome.result
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
    columns = ("Alteration", "Altered/tested", "Events alt/not", "HR (95% CI)", "Log-rank p",
               "BH q")
    table_rows = [tuple(cells[c] for c in columns)
                  for cells in (words.screen_cells(r) for r in rows)]
    more = (f" The first {SCREEN_ROWS} of {len(screen.rows)} are printed; the Excel "
            "export has all." if len(screen.rows) > SCREEN_ROWS else "")
    skipped = (f" {plural(len(screen.skipped), 'alteration')} with too few tested or "
               "altered patients were not screened." if screen.skipped else "")
    out.append(Table(
        header=(columns,),
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

    sheets: list[SheetSpec] = []
    studies = [a.overall_survival.result] if a.overall_survival.ok else []
    studies += [s.study for s in a.survival if s.study is not None]
    for study in studies:
        sheets.append(study_sheet(study))
    if a.screen.ok and a.screen.result.rows:
        sheets.append(screen_sheet(a.screen.result))
    return sheets


def study_sheet(study: SurvivalStudy) -> SheetSpec:
    """A survival study as one sheet, one number per cell: its groups, survival at the
    landmarks, every test and every hazard ratio (the values ``imft survival --json``
    gives; the methods go to the notes)."""
    from imft_desktop.io.write.excel_export import SheetSpec

    rows: list[dict[str, Any]] = []

    def add(part: str, name: str, **values: Any) -> None:
        rows.append({"part": part, "name": name, **values})

    unit = study.unit
    for g in study.km.groups:
        add("group", g.label, n=g.n, events=g.events, censored=g.censored,
            estimate=g.median if g.median_reached else None, ci_low=g.median_ci[0],
            ci_high=g.median_ci[1], unit=unit,
            note="median" if g.median_reached else "median not reached")
    for lm in study.landmarks:
        add(f"survival at {lm.time:g} {unit}", lm.group, estimate=lm.survival,
            ci_low=lm.low, ci_high=lm.high)
    for test in (study.logrank, study.permutation, study.trend):
        if test is not None:
            add("test", test.test, n=test.n, statistic=test.statistic, df=test.df, p=test.p,
                note=test.not_testable or test.sided)
    for label, cox in (("hazard ratio", study.cox), ("adjusted hazard ratio", study.adjusted)):
        if cox is None:
            continue
        for term in cox.terms:
            name = f"{term.level} vs {term.reference}" if term.level else term.term
            if label.startswith("adjusted") and term.level:
                name = f"{term.term}: {name}"
            add(label, name, n=term.n_level, events=term.events_level, estimate=term.hr,
                ci_low=term.ci[0], ci_high=term.ci[1], p=term.p,
                note=term.not_estimable or ("Firth" if cox.penalised else cox.ties))
    if study.pairwise is not None:
        for r in study.pairwise.rows:
            add("pairwise log-rank", f"{r.group_a} vs {r.group_b}", n=r.n,
                statistic=r.statistic, df=r.df, p=r.p, q=r.q, note=r.not_testable)
    columns = ["part", "name", "n", "events", "censored", "estimate", "ci_low", "ci_high",
               "statistic", "df", "p", "q", "unit", "note"]
    frame = pd.DataFrame(rows).reindex(columns=columns)
    notes = [f"Times in {unit}; estimate = median (groups), survival (landmarks) or "
             "hazard ratio; p of a hazard ratio: Wald.", *study.methods]
    if study.options.exploratory:
        notes.insert(0, "EXPLORATORY: chosen by the alteration screen (lowest log-rank p), "
                        "not by the user; read with the screen's BH q.")
    return SheetSpec(study.title, frame, tuple(notes))


def screen_sheet(screen: ScreenResult) -> SheetSpec:
    """The alteration screen as a sheet: every row, one number a cell."""
    from imft_desktop.io.write.excel_export import SheetSpec

    frame = screen.to_frame()
    frame["ci"] = frame["ci"].map(lambda ci: None)  # split below: one number a cell
    frame.insert(frame.columns.get_loc("ci"), "ci_low", [r.ci[0] for r in screen.rows])
    frame.insert(frame.columns.get_loc("ci"), "ci_high", [r.ci[1] for r in screen.rows])
    frame = frame.drop(columns=["ci"])
    frame["warnings"] = frame["warnings"].map("; ".join)
    return SheetSpec(f"{screen.endpoint} screen", frame, (
        f"Exploratory screen of every alteration against {screen.endpoint} "
        f"({screen.unit}); p: log-rank; q: BH-FDR.", screen.method))
