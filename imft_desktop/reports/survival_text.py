"""A survival study in words: the rows and sentences every view shows.

The Survival tab, ``imft survival`` (text), the printed report and the workbook's notes
use these functions, so a hazard ratio, its interval and its p read the same
everywhere ("HR 4.12 (95% CI 1.31–13.0), Wald p = 0.015").  Numbers are formatted by
``model.formatting`` only.
"""

from __future__ import annotations

from imft_desktop.analysis.cox import CoxResult, CoxTerm
from imft_desktop.analysis.screen import ScreenRow
from imft_desktop.analysis.survival import KMGroup, TestResult
from imft_desktop.analysis.survival_study import SurvivalStudy
from imft_desktop.model.formatting import (
    MISSING,
    format_ci,
    format_fixed,
    format_hr,
    format_p,
    format_time,
    p_text,
)
from imft_desktop.model.text import plural
from imft_desktop.model.time_units import landmark_label

#: Written for a median (or its upper limit) the curve does not reach.
NOT_REACHED = "NR"

GROUP_HEADER = ("Group", "n", "Events", "Censored", "Median (95% CI)")


def time_text(t: float | None) -> str:
    """A time (median or CI limit): one decimal, whole numbers bare; "NR" when not
    reached."""
    return NOT_REACHED if t is None else format_time(t)


def median_text(group: KMGroup) -> str:
    """"14.2 (8.1–NR)": the median and its 95% CI, "NR" where not reached."""
    median = time_text(group.median) if group.median_reached else NOT_REACHED
    low, high = group.median_ci
    return f"{median} ({time_text(low)}–{time_text(high)})"


def percent_text(x: float | None) -> str:
    return MISSING if x is None else format_fixed(100 * x, 1)


def landmark_text(group: KMGroup, t: float) -> str:
    """"58.3% (35.1–76.0)": survival at ``t`` with its CI; "NA" beyond follow-up."""
    s, low, high = group.survival_at(t)
    if s is None:
        return MISSING
    return f"{percent_text(s)}% ({percent_text(low)}–{percent_text(high)})"


def landmark_header(study: SurvivalStudy, t: float) -> str:
    """"12-month PFS (95% CI)"."""
    return f"{landmark_label(t, study.unit, study.endpoint.label)} (95% CI)"


def group_header(study: SurvivalStudy) -> tuple[str, ...]:
    """Column names of :func:`group_rows` (the median's unit named)."""
    header = list(GROUP_HEADER)
    header[-1] = f"Median, {study.unit} (95% CI)"
    return (*header, *(landmark_header(study, t) for t in study.options.landmarks))


def group_rows(study: SurvivalStudy) -> list[tuple[str, ...]]:
    """One row per group: name, n, events, censored, median (CI), survival at each
    landmark time of the options."""
    rows = []
    for g in study.km.groups:
        rows.append((g.label, str(g.n), str(g.events), str(g.censored),
                     median_text(g),
                     *(landmark_text(g, t) for t in study.options.landmarks)))
    return rows


def test_line(test: TestResult) -> str:
    """"log-rank (two-sided): chi-square 5.91, df 1, p = 0.015; n = 24"."""
    if test.not_testable:
        return f"{test.test}: {test.not_testable}"
    df = f", df {test.df}" if test.df is not None else ""
    statistic = (f"chi-square {format_fixed(test.statistic, 2)}{df}, "
                 if test.statistic is not None and test.df is not None else "")
    return f"{test.test} ({test.sided}): {statistic}{p_text(test.p)}; n = {test.n}"


def hr_text(term: CoxTerm) -> str:
    """"4.12 (95% CI 1.31–13.0), Wald p = 0.015", or "not estimable (reason)"."""
    if term.not_estimable or term.hr is None:
        reason = term.not_estimable or "no estimate"
        # the fit's reasons often start with the words already ("not estimable: ...")
        return reason if reason.casefold().startswith("not estimable") else \
            f"not estimable ({reason})"
    return (f"{format_hr(term.hr)} (95% CI {format_ci(term.ci[0], term.ci[1])}), "
            f"Wald {p_text(term.p)}")


def term_name(term: CoxTerm) -> str:
    """"HR PIK3CA mutation: altered vs not altered" (a level) or "HR per unit of age"."""
    if term.level is None:
        return f"HR per unit of {term.term}"
    return f"HR {term.level} vs {term.reference}"


def cox_lines(cox: CoxResult) -> list[str]:
    """The hazard ratios of a univariable Cox model, the model's counts and its PH check."""
    lines = [f"{term_name(t)}: {hr_text(t)}" for t in cox.terms]
    if cox.not_estimable and not cox.terms:
        lines.append(f"Hazard ratio: not estimable ({cox.not_estimable})")
    kind = "Firth-penalised Cox" if cox.penalised else f"Cox model, {cox.ties} ties"
    lines.append(f"{kind}: {plural(cox.events, 'event')} in {plural(cox.n, 'patient')}")
    if cox.ph_test:
        checks = "; ".join(f"{name}: {p_text(v.get('p'))}" for name, v in cox.ph_test.items())
        lines.append(f"Proportional hazards (Schoenfeld residuals): {checks}")
    return lines


def adjusted_lines(cox: CoxResult) -> list[str]:
    """The multivariable Cox model, one line per term."""
    lines = [f"Multivariable Cox ({plural(cox.events, 'event')} in "
             f"{plural(cox.n, 'patient')}):"]
    if cox.not_estimable and not cox.terms:
        lines.append(f"  not estimable ({cox.not_estimable})")
    for t in cox.terms:
        what = f"{t.term}: {t.level} vs {t.reference}" if t.level else f"{t.term} (per unit)"
        lines.append(f"  {what}: HR {hr_text(t)}")
    return lines


def statistic_lines(study: SurvivalStudy) -> list[str]:
    """Every test and model of the study, one sentence each, in a fixed order."""
    if study.logrank is None:
        if study.grouping is None:
            return ["All patients as one group: no test."]
        return ["Only one group has patients, so no groups can be compared."]
    lines = [test_line(study.logrank)]
    if study.permutation is not None:
        lines.append(test_line(study.permutation))
    if study.trend is not None:
        lines.append(test_line(study.trend))
    if study.cox is not None:
        lines += cox_lines(study.cox)
    if study.pairwise is not None:
        lines.append(f"Pairwise log-rank ({study.pairwise.correction} q):")
        for r in study.pairwise.rows:
            if r.not_testable:
                lines.append(f"  {r.group_a} vs {r.group_b}: {r.not_testable}")
            else:
                lines.append(f"  {r.group_a} vs {r.group_b}: {p_text(r.p)}, "
                             f"{p_text(r.q, 'q')} (n = {r.n})")
    if study.adjusted is not None:
        lines += adjusted_lines(study.adjusted)
    return lines


def excluded_line(study: SurvivalStudy) -> str | None:
    """"Excluded: missing time: 2, not tested: 3", or ``None`` when nobody was."""
    counts = study.data.excluded_counts()
    if not counts:
        return None
    return "Excluded: " + ", ".join(f"{reason}: {n}" for reason, n in counts.items())


def p_cell(p: float | None) -> str:
    """A p in a table cell ("0.015", "<0.001", "NA")."""
    return format_p(p)


def screen_cells(row: ScreenRow) -> dict[str, str]:
    """One screened alteration as every view writes it, by column name:
    "Alteration", "Altered/tested", "Events alt/not", "Median alt/not", "HR (95% CI)",
    "Log-rank p", "BH q"."""
    if row.hr is not None and row.ci[0] is not None and row.ci[1] is not None:
        hr = f"{format_hr(row.hr)} ({format_ci(row.ci[0], row.ci[1])})"
    else:
        hr = row.not_estimable or "not estimable"
    return {
        "Alteration": row.alteration,
        "Altered/tested": f"{row.n_altered}/{row.n_tested}",
        "Events alt/not": f"{row.events_altered}/{row.events_not_altered}",
        "Median alt/not": f"{time_text(row.median_altered)}/{time_text(row.median_not_altered)}",
        "HR (95% CI)": hr,
        "Log-rank p": format_p(row.p) if row.p is not None else (row.not_testable or MISSING),
        "BH q": format_p(row.q),
    }
